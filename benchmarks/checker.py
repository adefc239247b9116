"""The grounding checker measured against the labelled claims (tests/data/claims, labelling rule in its README):
each labelled briefing's model answer grounded again with the current code, its ✓ compared with the label.

    python benchmarks/checker.py [--labels FILE.jsonl ...] [--no-disagreements]

Prints precision (of the items shown with ✓, the share labelled supported) and recall (of the items labelled
supported, the share shown with ✓), overall and per kind, then every disagreement, for each labelled set: by
default the set the rules were written against (labels.jsonl), the held-out one (heldout.jsonl, since tuned on
too), the fresh one (fresh.jsonl, tuned on since), the two unseen ones (unseen.jsonl and unseen_full.jsonl, both
tuned on since), the third unseen one (unseen2.jsonl, tuned on in the tenth round), and the fourth (unseen3.jsonl),
which no rule was written from. No model call.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing.eval.checker import (FRESH, HELDOUT, LABELS, UNSEEN, UNSEEN2, UNSEEN3, UNSEEN_FULL,  # noqa: E402
                                   load_labels, measure)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--labels", nargs="+", default=[str(p) for p in (LABELS, HELDOUT, FRESH, UNSEEN, UNSEEN_FULL,
                                                                       UNSEEN2, UNSEEN3)])
    ap.add_argument("--no-disagreements", action="store_true")
    args = ap.parse_args()
    for path in args.labels:
        table = measure(load_labels(path), Path(path).parent / "briefings").table()
        if args.no_disagreements:
            table = table.split("\n\nDisagreements")[0]
        print(f"## {Path(path).name}\n\n{table}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
