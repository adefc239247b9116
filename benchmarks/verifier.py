"""Experiment for #15: would the local model, asked item by item whether its evidence states the claim, take the
false ✓s off that the word checks leave? For every claim of a labelled set (tests/data/claims) that the checker
now shows with ✓ (headlines aside: they cite nothing), one short call to the local default model — the evidence
sentences and the claim, answer ``{"states": true|false}`` under a grammar — and the ✓ kept only where it says
true. Prints, per set, the checker's precision and recall alone and with the model's yes, and the seconds.

    flock /tmp/briefing-model.lock python benchmarks/verifier.py [--labels FILE.jsonl ...]

Findings: eval/FINDINGS.md ("Fifth round"); the run of 2026-12-01 is in benchmarks/verifier.txt. Not the
product's path: it measures whether one should be (it should not: recall halves).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing.config import Settings  # noqa: E402
from briefing.eval.checker import FRESH, LABELS, UNSEEN, load_labels, measure  # noqa: E402

SYSTEM = ("You check a news briefing against its source. Given source sentences and a claim, answer whether the "
          "sentences state the claim: the same facts, the same people doing them, the same numbers, places and "
          "roles. A claim that adds anything the sentences do not say, or gives a fact to the wrong person, is not "
          "stated. Answer in JSON.")
SCHEMA = {"type": "object", "properties": {"states": {"type": "boolean"}}, "required": ["states"]}


def ask(client, claim: str, evidence: list[str]) -> bool:
    text = "\n".join(f"- {e}" for e in evidence)
    r = client.chat.completions.create(
        model="local", temperature=0, max_tokens=12, seed=0,
        messages=[{"role": "system", "content": SYSTEM},
                  {"role": "user", "content": f"Source sentences:\n{text}\n\nClaim: {claim}\n\n"
                                              "Do the source sentences state the claim?"}],
        extra_body={"response_format": {"type": "json_object", "schema": SCHEMA}})
    return bool(json.loads(r.choices[0].message.content)["states"])


def main() -> int:
    import openai

    from briefing.model.local import resolve, serve

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--labels", nargs="+", default=[str(FRESH), str(UNSEEN)])
    args = ap.parse_args()
    model = resolve(Settings.from_env(provider="local"))
    with serve(model, n_ctx=4096) as base_url:
        client = openai.OpenAI(base_url=base_url, api_key="local", timeout=120)
        for path in args.labels:
            m = measure(load_labels(path), LABELS.parent / "briefings")
            start, rows = time.monotonic(), []
            for v in m.verdicts:
                if not v.shown or v.label["kind"] == "headline" or not v.evidence:
                    continue
                rows.append((v, ask(client, v.text, v.evidence)))
            seconds = time.monotonic() - start
            supported = sum(v.supported for v in m.verdicts)
            shown = [v for v in m.verdicts if v.shown]
            kept = [v for v in shown if v.label["kind"] == "headline" or not v.evidence
                    or next(ok for w, ok in rows if w is v)]

            def figures(vs):
                tp = sum(v.supported for v in vs)
                return f"precision {tp / len(vs):.3f} ({tp} of {len(vs)}), recall {tp / supported:.3f}"

            print(f"## {Path(path).name}: {len(rows)} calls, {seconds:.0f} s")
            print(f"- checker alone: {figures(shown)}")
            print(f"- checker and the model's yes: {figures(kept)}")
            print(f"- the model said no to {sum(not ok for _, ok in rows)}: "
                  f"{sum(not ok and not v.supported for v, ok in rows)} false ✓ taken off, "
                  f"{sum(not ok and v.supported for v, ok in rows)} true ✓ lost")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
