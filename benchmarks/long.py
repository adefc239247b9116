"""The local default on articles of about 500, 1,300, 2,700 and 6,000 words against the example article, in one run.

    python benchmarks/long.py [--only NAME ...]

Each article is briefed by `briefing generate -f json --no-cache` exactly as a user would (no key: the local
model, one call, the context sized to the article); the resident memory of the whole process tree (CLI + llama.cpp
server) is sampled every 100 ms (as in benchmarks/local.py). Printed per article: words, context, model calls,
prompt and output tokens, model and wall seconds, wall time as a multiple of the example's, peak memory, grounding
(verified items) and 5W1H coverage against the article's gold answers (briefing.eval.metrics).

The example runs twice, first with the saved system-turn state removed from the prefix cache (``cold``: the
server evaluates the instructions and field guide and saves them), then with it (``warm``, what every later run
does): the difference is what the prefix reuse saves, and the two answers must be the same. Ratios are taken against the warm example. Articles:
../shared/corpus (500) and ../shared/stories via eval/long/corpus (1,300 and 2,700); the 6,000-word one joins four
Croydon tram crash reports (Daily Mail 2,165 + The Sun 1,296 + The Guardian 1,232 + Evening Standard 1,142 words,
in that order, under the Daily Mail's title and date; its 5W1H gold is the Daily Mail article's).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LONG = ROOT / "eval" / "long" / "corpus"
SHARED = ROOT.parent / "shared"
JOINED = ["croydon-tram-final-victims-dailymail-2165w.json", "croydon-tram-victims-named-thesun-1296w.json",
          "croydon-tram-driver-theguardian-1232w.json", "croydon-tram-police-standard-1142w.json"]
_spec = importlib.util.spec_from_file_location("bench_local", ROOT / "benchmarks" / "local.py")
_local = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_local)  # type: ignore[union-attr]


def articles() -> list[tuple[str, dict]]:
    """(label, corpus entry) for each benchmark article."""
    example = {"text": (ROOT / "examples" / "vienna-talks.txt").read_text(encoding="utf-8"), "gold": {}}
    short = json.loads((SHARED / "corpus" / "03-china-boy-well-rescue-dailymail.json").read_text())
    parts = [json.loads((LONG / n).read_text()) for n in JOINED]
    joined = dict(parts[0], text="\n\n".join(p["text"] for p in parts))
    return [("example cold", example), ("example warm", example), ("500", short),
            ("1,300", json.loads((LONG / "croydon-tram-victims-named-thesun-1296w.json").read_text())),
            ("2,700", json.loads((LONG / "lady-gaga-trump-tower-dailymail-2697w.json").read_text())),
            ("6,000", joined)]


def run_one(entry: dict, tmp: Path) -> dict:
    src = tmp / "in.md"
    front = "".join(f"{k}: {json.dumps(entry[k])}\n" for k in ("title", "date") if entry.get(k))
    src.write_text((f"---\n{front}---\n\n" if front else "") + entry["text"], encoding="utf-8")
    out = tmp / "b.json"
    cmd = [sys.executable, "-m", "briefing", "generate", str(src), "-f", "json", "-o", str(out), "-q", "--no-cache"]
    rc, wall, peak_kib = _local.run_measured(cmd)
    if rc != 0:
        return {"error": f"briefing exited {rc}"}
    from briefing.brief import context_for
    from briefing.config import Settings
    from briefing.eval.corpus import normalize_gold
    from briefing.eval.metrics import coverage_metric, grounding_metric
    from briefing.schema import Briefing

    b = Briefing.model_validate_json(out.read_text())
    u = b.meta.usage
    g = grounding_metric(b)
    gold = normalize_gold(entry.get("gold"))
    c = coverage_metric(b, gold) if any(gold.values()) else None
    return {"words": len(entry["text"].split()),
            "context": context_for(_article(entry), Settings(provider="local")), "calls": u["calls"],
            "prompt": u["prompt_tokens"], "output": u["completion_tokens"], "model_s": u["seconds"], "wall": wall,
            "peak": peak_kib / 2**20, "grounding": f"{g['verified']}/{g['total']}",
            "w5h1": f"{c['answered']}/{c['with_gold']}" if c else "-",
            "answer": b.extraction.model_dump_json()}


def _article(entry: dict):
    from briefing.ingest.core import from_text

    return from_text(entry["text"], title=entry.get("title"), date=entry.get("date"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="labels to run (default: all)")
    args = ap.parse_args()
    from briefing.model.local import prefix_cache_dir

    tmp = Path(tempfile.mkdtemp())
    rows = []
    print(f"{'article':<13} {'words':>6} {'context':>7} {'calls':>5} {'prompt':>6} {'output':>6} {'model s':>7} "
          f"{'wall s':>6} {'x ex.':>5} {'peak GiB':>8} {'grounding':>9} {'5W1H':>5}", flush=True)
    base = None
    for label, entry in articles():
        if args.only and label not in args.only:
            continue
        if label == "example cold":
            for f in prefix_cache_dir().glob("prefix-*.kv"):
                f.unlink(missing_ok=True)
        r = run_one(entry, tmp)
        rows.append((label, r))
        if "error" in r:
            print(f"{label:<13} {r['error']}", flush=True)
            continue
        if label == "example warm":
            base = r["wall"]
        ratio = f"{r['wall'] / base:.2f}" if base else "-"
        print(f"{label:<13} {r['words']:>6} {r['context']:>7} {r['calls']:>5} {r['prompt']:>6} {r['output']:>6} "
              f"{r['model_s']:>7.1f} {r['wall']:>6.1f} {ratio:>5} {r['peak']:>8.2f} {r['grounding']:>9} "
              f"{r['w5h1']:>5}", flush=True)
    answers = {label: r.get("answer") for label, r in rows if label.startswith("example")}
    if len(answers) == 2 and all(answers.values()):
        same = answers["example cold"] == answers["example warm"]
        print(f"example: the same answer with and without the saved prompt state: {'yes' if same else 'NO'}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores; other engineers' runs share them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
