"""Harvest the claims of the snapshotted briefings into records to label (run once; labels are added by hand).

    .venv/bin/python tests/data/claims/harvest.py > /tmp/claims.jsonl

Arguments name snapshot prefixes to harvest only those files (``--snapshot`` then re-writes only those); the
fresh set (``fresh.jsonl``) was harvested as

    .venv/bin/python tests/data/claims/harvest.py --snapshot brief14- full14- lead- > /tmp/fresh.jsonl

and the unseen set (``unseen.jsonl``) as

    .venv/bin/python tests/data/claims/harvest.py --snapshot new15- > /tmp/unseen.jsonl

and the second unseen set (``unseen_full.jsonl``) as

    .venv/bin/python tests/data/claims/harvest.py --snapshot new15full- > /tmp/unseen_full.jsonl

and the third (``unseen2.jsonl``, seven story articles no eval had briefed, labelled after the ninth round's rules)
as

    .venv/bin/python tests/data/claims/harvest.py --snapshot new16- > /tmp/unseen2.jsonl

and the fourth (``unseen3.jsonl``, the same seven articles answered with every section under the ninth round's code,
harvested and labelled after the tenth round's rules) as

    .venv/bin/python tests/data/claims/harvest.py --snapshot new16full- > /tmp/unseen3.jsonl

Each snapshot in ``briefings/`` is a real model briefing as committed (``SOURCES`` names where and when); the
record holds what the tool showed at the time: the claim as shown, the model's cited ids, those sentences, the
evidence spans and the verdict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

#: snapshot name -> (committed path, commit)
SOURCES: dict[str, tuple[str, str]] = {}
for stem in ["01-toblerone-shape-change-anger-standard", "02-croydon-tram-overturns-nypost",
             "03-china-boy-well-rescue-dailymail", "04-seattle-shooting-near-trump-protest-dailymail",
             "05-lady-gaga-trump-tower-protest-independent", "06-cubs-win-world-series-independent"]:
    SOURCES[f"brief-{stem}.json"] = (f"eval/briefings/{stem}.json", "213993c")
    SOURCES[f"full-{stem}.json"] = (f"eval/full/briefings/{stem}.json", "213993c")
    SOURCES[f"full11-{stem}.json"] = (f"eval/full/briefings/{stem}.json", "b769375")
SOURCES["example-vienna-talks.json"] = ("examples/vienna-talks.json", "213993c")
SOURCES["example11-vienna-talks.json"] = ("examples/vienna-talks.json", "41b93f4")
SOURCES["example10-vienna-talks.json"] = ("examples/vienna-talks.json", "86d42d0")
for stem in ["croydon-tram-driver-theguardian-1232w", "croydon-tram-final-victims-dailymail-2165w",
             "croydon-tram-police-standard-1142w", "croydon-tram-victims-named-thesun-1296w",
             "lady-gaga-trump-tower-dailymail-2697w", "toblerone-gaps-dailymail-1010w"]:
    SOURCES[f"long-{stem}.json"] = (f"eval/long/briefings/{stem}.json", "f9c4d50")
for stem in ["01-toblerone-shape-change-anger-standard", "02-croydon-tram-overturns-nypost",
             "03-china-boy-well-rescue-dailymail", "04-seattle-shooting-near-trump-protest-dailymail",
             "05-lady-gaga-trump-tower-protest-independent", "06-cubs-win-world-series-independent"]:
    SOURCES[f"brief13-{stem}.json"] = (f"eval/briefings/{stem}.json", "f9c4d50")
    SOURCES[f"brief14-{stem}.json"] = (f"eval/briefings/{stem}.json", "fc7dd4f")
    SOURCES[f"full14-{stem}.json"] = (f"eval/full/briefings/{stem}.json", "fc7dd4f")
for stem in ["croydon-tram-driver-theguardian-1232w", "croydon-tram-final-victims-dailymail-2165w",
             "croydon-tram-victims-named-thesun-1296w", "lady-gaga-trump-tower-dailymail-2697w",
             "toblerone-gaps-dailymail-1010w"]:
    SOURCES[f"lead-{stem}.json"] = (f"eval/long/lead/briefings/{stem}.json", "fc7dd4f")
for stem in ["china-bbc-165w", "croydon-express-376w", "croydon-independent-781w", "croydon-mirror-890w",
             "croydon-usatoday-302w", "lady-mirror-646w", "lady-telegraph-159w", "toblerone-bbc-585w",
             "toblerone-express-340w", "toblerone-nytimes-530w"]:
    SOURCES[f"new15-{stem}.json"] = (f"eval/fresh/briefings/{stem}.json", "3c9fefd")
    SOURCES[f"new15full-{stem}.json"] = (f"eval/fresh/full/briefings/{stem}.json", "e399960")
for stem in ["croydon-dailymail-911w", "croydon-nytimes-171w", "croydon-telegraph-137w", "toblerone-nypost-339w",
             "toblerone-thesun-764w", "toblerone-theguardian-617w", "toblerone-usatoday-370w"]:
    SOURCES[f"new16-{stem}.json"] = (f"eval/fresh2/briefings/{stem}.json", "3fc7466")
    SOURCES[f"new16full-{stem}.json"] = (f"eval/fresh2/full/briefings/{stem}.json", "1b843a7")


def snapshot(names) -> None:
    for name in names:
        path, commit = SOURCES[name]
        text = subprocess.check_output(["git", "show", f"{commit}:{path}"], cwd=ROOT, text=True)
        (HERE / "briefings" / name).write_text(text, encoding="utf-8")


def shown(kind: str, item: dict) -> str:
    """The claim as the briefing shows it."""
    if kind == "actor":
        return item["name"] + (f" — {item['role']}" if item.get("role") else "")
    if kind == "position":
        return f"{item['party']}: {item['stance']}"
    if kind == "event":
        return f"{item.get('date') or 'Undated'} — {item['what']}" + (f" ({item['who']})" if item.get("who") else "")
    if kind == "quote":
        return f"“{item['text']}” — {item['speaker']}"
    return item["text"]


KINDS = {"key_points": "key_point", "actors": "actor", "positions": "position", "timeline": "event",
         "issues": "issue", "outlook": "outlook", "open_questions": "question", "quotes": "quote"}


def records(name: str) -> list[dict]:
    from briefing.eval.reground import answer_of
    from briefing.schema import Briefing
    from briefing.text.article import Article

    b = Briefing.model_validate_json((HERE / "briefings" / name).read_text(encoding="utf-8"))
    sents = Article.from_info(b.article).sentences
    ex = b.extraction
    answer = answer_of(b)  # the model's quotes in the order a re-grounding sees them
    src, commit = SOURCES[name]
    out = [dict(file=name, source=f"{src}@{commit}", path="headline", kind="headline", text=ex.headline,
                cited=[], cited_text=[], evidence=[], supported_then=None)]

    def rec(path: str, kind: str, item) -> dict:
        ev = list(getattr(item, "ev", []) or [])
        return dict(file=name, source=f"{src}@{commit}", path=path, kind=kind, text=shown(kind, item.model_dump()),
                    cited=ev, cited_text=[sents[i - 1].text if 1 <= i <= len(sents) else None for i in ev],
                    evidence=[sp.text for sp in item.evidence], located=item.located,
                    supported_then=item.supported, problems_then=item.problems)

    out.append(rec("bottom_line", "bottom_line", ex.bottom_line))
    for section, kind in KINDS.items():
        if section == "quotes":
            quotes = [q for q in [*ex.quotes, *b.grounding.dropped_quotes] if not q.chosen]
            for i, q in enumerate(quotes):
                assert q.text == answer["quotes"][i]["text"]
                out.append(rec(f"quotes[{i}]", kind, q))
            continue
        for i, item in enumerate(getattr(ex, section)):
            out.append(rec(f"{section}[{i}]", kind, item))
    return out


if __name__ == "__main__":
    prefixes = tuple(a for a in sys.argv[1:] if not a.startswith("--"))
    names = sorted(n for n in SOURCES if not prefixes or n.startswith(prefixes))
    if "--snapshot" in sys.argv:
        snapshot(names)
    for name in names:
        for r in records(name):
            print(json.dumps(r, ensure_ascii=False))
