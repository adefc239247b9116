"""The eval report: computed from the records and briefings saved in a report folder (no model), pooled into the
overall figures, rendered as Markdown and written as ``report.json`` and ``report.md``. A hand-written
``FINDINGS.md`` in the report folder is linked from the report."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from briefing.errors import InputError
from briefing.eval.bands import by_length
from briefing.eval.corpus import W_KEYS, normalize_gold
from briefing.eval.metrics import RULES, PageCounter, default_page_counter, evaluate, ratio
from briefing.schema import Briefing

#: The report folder: a record per article (``articles/NAME.json``) and its briefing (``briefings/NAME.json``).
BRIEFINGS = "briefings"
RECORDS = "articles"


def summarize(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall figures: shares pooled over all items / quotes / Ws of the articles that were briefed."""
    done = [a["metrics"] for a in articles if a.get("metrics")]

    def total(section: str, key: str) -> int:
        return sum(m[section][key] for m in done)

    per_w = {}
    for w in W_KEYS:
        scored = [m["coverage"]["per_w"][w]["answered"] for m in done
                  if m["coverage"]["per_w"][w]["answered"] is not None]
        per_w[w] = {"answered": sum(scored), "with_gold": len(scored), "share": ratio(sum(scored), len(scored))}
    words = [m["length"]["words"] for m in done]
    paged = [m["length"]["one_page"] for m in done if m["length"]["one_page"] is not None]
    cost = {k: total("cost", k) for k in ("calls", "attempts", "prompt_tokens", "completion_tokens")}
    cost["seconds"] = round(sum(m["cost"]["seconds"] for m in done), 1)
    return {
        "articles": len(articles), "briefed": len(done), "failed": len(articles) - len(done),
        "grounding": {"verified": total("grounding", "verified"), "total": total("grounding", "total"),
                      "share": ratio(total("grounding", "verified"), total("grounding", "total")),
                      "wrong_ids": sum(len(m["grounding"].get("wrong_ids", [])) for m in done),
                      "echoed": sum(len(m["grounding"].get("echoed", [])) for m in done),
                      "articles_echoing": sum(1 for m in done if m["grounding"].get("echoed"))},
        "quotes": {"quotes": total("quotes", "quotes"), "dropped": total("quotes", "dropped"),
                   "verbatim": total("quotes", "verbatim"), "speaker_ok": total("quotes", "speaker_ok"),
                   "verbatim_share": ratio(total("quotes", "verbatim"), total("quotes", "quotes")),
                   "speaker_share": ratio(total("quotes", "speaker_ok"), total("quotes", "quotes")),
                   "model_speaker_ok": total("quotes", "model_speaker_ok"),
                   "model_speaker_share": ratio(total("quotes", "model_speaker_ok"), total("quotes", "quotes")),
                   "reattributed": total("quotes", "reattributed"),
                   "chosen": total("quotes", "chosen"),
                   "on_page": sum(m["quotes"].get("on_page", 0) for m in done),
                   "on_page_speaker_ok": sum(m["quotes"].get("on_page_speaker_ok", 0) for m in done)},
        "names": {"invented": total("names", "count"),
                  "articles_with_invented": sum(1 for m in done if m["names"]["count"])},
        "coverage": {"answered": total("coverage", "answered"), "with_gold": total("coverage", "with_gold"),
                     "share": ratio(total("coverage", "answered"), total("coverage", "with_gold")),
                     "strict": total("coverage", "strict"),
                     "strict_share": ratio(total("coverage", "strict"), total("coverage", "with_gold")),
                     "per_w": per_w},
        "length": {"mean_words": round(sum(words) / len(words), 1) if words else None,
                   "max_words": max(words) if words else None,
                   "one_page": sum(paged) if paged else None, "paged": len(paged)},
        "copying": {"max_words": max((m["copying"]["longest"]["words"] for m in done if "copying" in m),
                                     default=None),
                    "over_limit": sum(1 for m in done if m.get("copying", {}).get("over_limit")),
                    "bottom_line_copies": sum(1 for m in done
                                              if m.get("copying", {}).get("bottom_line_sentence"))},
        "cost": cost,
    }


def report_from_dir(folder: str | Path, *, corpus: str | None = None, names: list[str] | None = None,
                    pages: PageCounter | None | bool = True) -> dict[str, Any]:
    """The report computed from the records and briefings saved in ``folder``; no model is called."""
    root = Path(folder)
    rec_dir = root / RECORDS
    files = sorted(rec_dir.glob("*.json")) if rec_dir.is_dir() else []
    if names is not None:
        files = [f for f in files if f.stem in set(names)]
    if not files:
        raise InputError(f"{folder}: no saved eval records ({RECORDS}/*.json); run `briefing eval CORPUS -o "
                         f"{folder}` first")
    counter = default_page_counter() if pages is True else (pages or None)
    articles = []
    for f in files:
        record = json.loads(f.read_text(encoding="utf-8"))
        record["gold"] = normalize_gold(record.get("gold"))
        record.update(metrics=None, headline=None, model=None, prompt_hash=None, sections=None, cached=False)
        for key in ("name", "title", "url", "date", "error", "seconds"):
            record.setdefault(key, f.stem if key == "name" else None)
        record.setdefault("status", "failed")
        bfile = root / BRIEFINGS / f"{f.stem}.json"
        if record.get("status") == "ok":
            if not bfile.is_file():
                record.update(status="failed", error=f"{BRIEFINGS}/{bfile.name} is missing")
            else:
                b = Briefing.model_validate_json(bfile.read_text(encoding="utf-8"))
                record["metrics"] = evaluate(b, record["gold"], pages=counter)
                record["headline"] = b.extraction.headline
                record["model"] = b.meta.model
                record["prompt_hash"] = b.meta.prompt_hash
                record["sections"] = b.meta.sections or "full"  # briefings from before profiles asked for all
                record["cached"] = bool((b.meta.model_extra or {}).get("cached"))
                record["source_words"] = len(b.article.text.split())
        articles.append(record)
    models = sorted({a["model"] for a in articles if a.get("model")})
    hashes = sorted({a["prompt_hash"] for a in articles if a.get("prompt_hash")})
    sections = sorted({a["sections"] for a in articles if a.get("sections")})
    return {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "corpus": corpus,
            "findings": "FINDINGS.md" if (root / "FINDINGS.md").is_file() else None,
            "models": models, "prompt_hashes": hashes, "sections": sections, "page_check": counter is not None,
            "rules": RULES,
            "overall": summarize(articles), "bands": by_length(articles, summarize), "articles": articles}


def write_report(report: dict[str, Any], out_dir: str | Path) -> list[Path]:
    """``report.json`` and ``report.md`` in ``out_dir``."""
    from briefing.output.write import write_atomic

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [write_atomic(out / "report.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n"),
            write_atomic(out / "report.md", render_markdown(report))]


def render_markdown(report: dict[str, Any]) -> str:
    if report.get("kind") == "stories":
        from briefing.eval.stories import render_stories_markdown

        return render_stories_markdown(report)
    from briefing.eval.markdown import env

    return env().get_template("eval.md.j2").render(r=report, o=report["overall"], W=W_KEYS)
