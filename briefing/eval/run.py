"""The eval's run: every corpus article briefed with the configured model through the batch runner
(:func:`briefing.batch.run.run_batch` with one :class:`~briefing.brief.Briefer`, the model served once, on the first
extraction-cache miss), each article's record and briefing saved under the report folder; an article whose model
call fails is reported as failed and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from briefing.eval.corpus import load_corpus
from briefing.eval.report import BRIEFINGS, RECORDS, report_from_dir

Progress = Callable[[str], None]


def run(corpus: str | Path, out_dir: str | Path, settings, *, progress: Progress = lambda _: None,
        limit: int | None = None, use_cache: bool = True) -> dict[str, Any]:
    """Brief every corpus article with the configured model through the batch runner, save records and briefings
    under ``out_dir``, and return the report. An article that fails is recorded as failed and the run goes on. With
    ``use_cache``, the extraction cache answers articles briefed before with the same prompts and model (its cost
    figures are what the answer cost when it was made)."""
    from briefing.batch.run import run_batch
    from briefing.brief import Briefer
    from briefing.ingest.inputs import Input
    from briefing.output.write import write_atomic

    entries = load_corpus(corpus)[:limit]
    out = Path(out_dir)
    (out / RECORDS).mkdir(parents=True, exist_ok=True)
    cache = None
    if use_cache:
        from briefing.store.cache import Cache

        cache = Cache()
    items = [Input(id=e.name, origin=e.name, text=e.text,
                   meta={k: v for k, v in (("title", e.title), ("source", e.publisher), ("url", e.url),
                                           ("date", e.date)) if v}) for e in entries]
    with Briefer(settings, cache=cache, say=progress, cached_usage=True) as briefer:
        briefer.closing(cache)
        result = run_batch(items, briefer, out / BRIEFINGS, fmt="json", resume=False, quiet=False,
                           stream=_ProgressStream(progress))
    (out / BRIEFINGS / "manifest.jsonl").unlink(missing_ok=True)
    done = {r["id"]: r for r in result.records}
    for entry in entries:
        rec = done.get(entry.name, {})
        ok = rec.get("status") == "ok"
        record: dict[str, Any] = {"name": entry.name, "title": entry.title, "url": entry.url, "date": entry.date,
                                  "gold": entry.gold, "status": "ok" if ok else "failed",
                                  "error": None if ok else f"{rec.get('error_type', 'Error')}: {rec.get('error')}",
                                  "seconds": round(rec.get("seconds", 0.0), 1)}
        if not ok:
            (out / BRIEFINGS / f"{entry.name}.json").unlink(missing_ok=True)
        write_atomic(out / RECORDS / f"{entry.name}.json", json.dumps(record, indent=2, ensure_ascii=False))
    return report_from_dir(out, corpus=str(corpus), names=[e.name for e in entries])


class _ProgressStream:
    """The batch runner's per-article lines, sent to the eval's progress callback."""

    def __init__(self, progress: Progress):
        self.progress = progress

    def write(self, text: str) -> None:
        if text.strip():
            self.progress(text.rstrip("\n"))

    def flush(self) -> None:
        pass
