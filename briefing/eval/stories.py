"""The eval of stories: a folder of story folders (``../shared/stories/<story>/*.json``, each article with its
5W1H gold), each story briefed as one (:func:`briefing.story.build.generate_story`) and measured:

- 5W1H coverage against the union of its articles' gold answers (the article eval's matching rule);
- grounding, as for one article;
- support: the share of shown items that say how many sources state them, the share corroborated by two or more,
  and the single-source share;
- conflicts found between the sources;
- cost: calls, prompt and completion tokens, seconds (what the story cost when its answers were made: cached
  articles report their own cost).

``limit`` takes the first N articles of each story in publication order (the report says which were used).
Briefings are saved under ``stories/``, so the report is recomputed without a model (``briefing eval --from``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

from briefing.errors import BriefingError, InputError
from briefing.eval.corpus import W_KEYS, load_corpus
from briefing.eval.metrics import coverage_metric, grounding_metric, ratio
from briefing.schema import Briefing

STORIES = "stories"
Progress = Callable[[str], None]


def is_stories_corpus(folder: str | Path) -> bool:
    """A folder whose sub-folders hold the ``*.json`` articles (and which holds none itself)."""
    root = Path(folder)
    return root.is_dir() and not any(root.glob("*.json")) and any(any(d.glob("*.json")) for d in root.iterdir()
                                                                    if d.is_dir())


def union_gold(folder: Path, names: list[str]) -> dict[str, list[str]]:
    gold: dict[str, list[str]] = {w: [] for w in W_KEYS}
    for entry in load_corpus(folder):
        if entry.name in names:
            for w in W_KEYS:
                gold[w].extend(a for a in entry.gold[w] if a not in gold[w])
    return gold


def support_metric(b: Briefing) -> dict[str, Any]:
    shown = [i for _, i in b.extraction.items() if i.supported]
    counted = [i for i in shown if i.sources]
    multi = [i for i in counted if len(set(i.sources)) > 1]
    return {"shown": len(shown), "with_support": len(counted), "support_share": ratio(len(counted), len(shown)),
            "corroborated": len(multi), "corroborated_share": ratio(len(multi), len(counted)),
            "single_source": len(counted) - len(multi),
            "single_share": ratio(len(counted) - len(multi), len(counted))}


def evaluate_story(b: Briefing, gold: dict[str, list[str]]) -> dict[str, Any]:
    from briefing.output.story import conflict_line

    u = b.meta.usage or {}
    return {"sources": len(b.sources), "gaps": len(b.gaps), "grounding": grounding_metric(b),
            "coverage": coverage_metric(b, gold), "support": support_metric(b),
            "conflicts": [conflict_line(c, b.sources) for c in b.conflicts],
            "cost": {k: u.get(k, 0) for k in ("calls", "prompt_tokens", "completion_tokens", "seconds")}}


def run_stories(folder: str | Path, out_dir: str | Path, settings, *, limit: int | None = None,
                progress: Progress = lambda _: None, use_cache: bool = True) -> dict[str, Any]:
    """Brief each story of ``folder`` (its first ``limit`` articles), save the story briefings under
    ``out_dir/stories/``, and return the report."""
    from briefing.brief import Briefer
    from briefing.output.write import write_atomic
    from briefing.story.build import generate_story

    root = Path(folder)
    if not is_stories_corpus(root):
        raise InputError(f"{folder}: not a folder of story folders")
    out = Path(out_dir) / STORIES
    out.mkdir(parents=True, exist_ok=True)
    cache = None
    if use_cache:
        from briefing.store.cache import Cache

        cache = Cache()
    with Briefer(settings, cache=cache, say=progress, cached_usage=True) as briefer:
        briefer.closing(cache)
        for story in sorted(d for d in root.iterdir() if d.is_dir()):
            files = sorted(story.glob("*.json"))[:limit]
            record: dict[str, Any] = {"name": story.name, "articles": [f.stem for f in files],
                                      "of": len(list(story.glob("*.json"))), "status": "ok", "error": None}
            started = time.monotonic()
            progress(f"story {story.name}: {len(files)} of {record['of']} articles")
            try:
                b = generate_story([str(f) for f in files], briefer=briefer, progress=progress)
                write_atomic(out / f"{story.name}.json", b.model_dump_json(indent=2))
            except BriefingError as e:
                record.update(status="failed", error=f"{type(e).__name__}: {e.one_line()}")
            record["seconds"] = round(time.monotonic() - started, 1)
            write_atomic(out / f"{story.name}.record.json", json.dumps(record, indent=2, ensure_ascii=False))
    return stories_report(out_dir, corpus=str(folder))


def stories_report(out_dir: str | Path, *, corpus: str | None = None) -> dict[str, Any]:
    """The stories report from the saved story briefings and records; no model."""
    from datetime import datetime, timezone

    out = Path(out_dir) / STORIES
    records = sorted(out.glob("*.record.json"))
    if not records:
        raise InputError(f"{out_dir}: no saved story records ({STORIES}/*.record.json)")
    stories = []
    for f in records:
        rec = json.loads(f.read_text(encoding="utf-8"))
        rec["metrics"] = None
        bfile = out / f"{rec['name']}.json"
        if rec.get("status") == "ok" and bfile.is_file():
            b = Briefing.model_validate_json(bfile.read_text(encoding="utf-8"))
            src = Path(corpus) / rec["name"] if corpus else None
            gold = union_gold(src, rec["articles"]) if src and src.is_dir() else {w: [] for w in W_KEYS}
            rec["metrics"] = evaluate_story(b, gold)
            rec["headline"] = b.extraction.headline
            rec["model"], rec["sections"] = b.meta.model, b.meta.sections
        stories.append(rec)
    done = [s["metrics"] for s in stories if s["metrics"]]

    def total(section: str, key: str) -> int:
        return sum(m[section][key] for m in done)

    overall = {
        "stories": len(stories), "briefed": len(done),
        "sources": sum(m["sources"] for m in done),
        "grounding": {"verified": total("grounding", "verified"), "total": total("grounding", "total"),
                      "share": ratio(total("grounding", "verified"), total("grounding", "total"))},
        "coverage": {"answered": total("coverage", "answered"), "strict": total("coverage", "strict"),
                     "with_gold": total("coverage", "with_gold"),
                     "share": ratio(total("coverage", "answered"), total("coverage", "with_gold")),
                     "strict_share": ratio(total("coverage", "strict"), total("coverage", "with_gold"))},
        "support": {"shown": total("support", "shown"), "with_support": total("support", "with_support"),
                    "support_share": ratio(total("support", "with_support"), total("support", "shown")),
                    "corroborated_share": ratio(total("support", "corroborated"), total("support", "with_support")),
                    "single_share": ratio(total("support", "single_source"), total("support", "with_support"))},
        "conflicts": sum(len(m["conflicts"]) for m in done),
        "cost": {k: round(sum(m["cost"][k] for m in done), 1) for k in ("calls", "prompt_tokens",
                                                                         "completion_tokens", "seconds")},
    }
    return {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "corpus": corpus, "kind": "stories",
            "models": sorted({s.get("model") for s in stories if s.get("model")}),
            "sections": sorted({s.get("sections") for s in stories if s.get("sections")}),
            "overall": overall, "stories": stories}


def render_stories_markdown(report: dict[str, Any]) -> str:
    from briefing.eval.markdown import env

    return env().get_template("eval-stories.md.j2").render(r=report, o=report["overall"])
