"""Experiment for #16's design choice: each long article of eval/long briefed in sentence-aligned parts of about
PART words, the parts' extractions merged by the tool and one short call writing the headline, bottom line and
outlook (the story path: briefing.story.generate_story over the parts), scored for grounding and 5W1H against the
article's gold — to set beside the one-call run of eval/long/report.md.

    flock /tmp/briefing-model.lock python benchmarks/long_parts.py [PART] [-o eval/long/parts]

Prints each article's parts, verified items, 5W1H and seconds, then the totals; with -o writes result.json and each
briefing there. The parts' spans are offsets of the joined parts (the story's text), not of the article: this
measures quality, it is not the product's path. No cache: every part is asked. Findings: eval/FINDINGS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing.brief import Briefer  # noqa: E402
from briefing.config import Settings  # noqa: E402
from briefing.eval.metrics import coverage_metric, grounding_metric  # noqa: E402
from briefing.story.build import generate_story  # noqa: E402
from briefing.text.article import Article  # noqa: E402


def parts_of(whole: Article, size: int) -> list[list]:
    """Runs of whole sentences of at least ``size`` words; a short tail (under a third) joins the last part."""
    parts, chunk = [], []
    for s in whole.sentences:
        chunk.append(s)
        if sum(len(c.text.split()) for c in chunk) >= size:
            parts, chunk = parts + [chunk], []
    if chunk:
        if parts and sum(len(c.text.split()) for c in chunk) < size / 3:
            parts[-1] += chunk
        else:
            parts.append(chunk)
    return parts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("part", nargs="?", type=int, default=700)
    ap.add_argument("-o", "--output")
    args = ap.parse_args()
    out: dict[str, dict] = {}
    with Briefer(Settings.from_env(provider="local")) as briefer:
        for f in sorted((ROOT / "eval" / "long" / "corpus").glob("*.json")):
            rec = json.loads(f.read_text(encoding="utf-8"))
            whole = Article(rec["text"], title=rec.get("title"), date=rec.get("date"))
            arts = []
            for i, chunk in enumerate(parts_of(whole, args.part)):
                a = Article(whole.text[chunk[0].start:chunk[-1].end], title=rec.get("title"), date=rec.get("date"))
                a.meta.update({"id": f"part{i + 1}", "publisher": rec.get("publisher") or "outlet",
                               "published": (rec.get("date") or "2016-11-09")[:10] + f"T00:0{i}:00"})
                arts.append(a)
            t = time.time()
            b = generate_story(arts, briefer=briefer)
            g, c = grounding_metric(b), coverage_metric(b, rec["gold"])
            out[f.stem] = dict(parts=len(arts), verified=g["verified"], total=g["total"], answered=c["answered"],
                               with_gold=c["with_gold"], strict=c["strict"], seconds=round(time.time() - t, 1),
                               usage=b.meta.usage)
            print(f.stem, out[f.stem], flush=True)
            if args.output:
                Path(args.output).mkdir(parents=True, exist_ok=True)
                (Path(args.output) / f"{f.stem}.json").write_text(b.model_dump_json(indent=1), encoding="utf-8")
    v, t = sum(r["verified"] for r in out.values()), sum(r["total"] for r in out.values())
    a, w = sum(r["answered"] for r in out.values()), sum(r["with_gold"] for r in out.values())
    s, secs = sum(r["strict"] for r in out.values()), sum(r["seconds"] for r in out.values())
    print(f"parts of {args.part} words: grounding {v}/{t} = {v / t:.0%}; 5W1H {a}/{w} = {a / w:.0%}; strict "
          f"{s}/{w} = {s / w:.0%}; {secs:.0f} s")
    if args.output:
        (Path(args.output) / "result.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
