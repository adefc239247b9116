"""Many articles in one run: inputs expanded, a bounded pool of workers, a JSONL manifest, resume, cache and call log.

    briefer = Briefer(settings, cache=Cache(), calllog=CallLog())
    result = run_batch(expand(["articles/"]), briefer, out_dir="out", fmt="md", concurrency=4)

Each input becomes ``<out_dir>/<id>.<fmt>``; ``<out_dir>/manifest.jsonl`` holds one record per input (id, status,
output, usage, grounding, error). Records are appended as items finish, so an interrupted run loses nothing, and the
file is compacted to the latest record per id at the end. A re-run skips every item whose record says ``ok`` for
the same cache key and whose output still exists; the rest are cache hits or model calls.

A failed item (unreadable input, model failure, ``--strict`` and unsupported items) is recorded and the run goes
on. Rate limits are the openai client's business: it retries 429 and 5xx with backoff, honouring ``Retry-After``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from briefing.brief import Briefer
from briefing.ingest.inputs import Input
from briefing.output import formats
from briefing.output.produce import produce
from briefing.redact import scrub
from briefing.errors import BriefingError, InputError, ModelError, OutputError, UngroundedError
from briefing.usage import Usage

MANIFEST = "manifest.jsonl"

# ------------------------------------------------------------------------------------------------------ batch

@dataclass
class RunResult:
    records: list[dict[str, Any]]
    usage: Usage
    seconds: float
    manifest: Path | None

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["status"] != "ok"]

    def count(self, source: str) -> int:
        return sum(1 for r in self.records if r["status"] == "ok" and r.get("source") == source)

    @property
    def exit_code(self) -> int:
        """0 when every item succeeded; else the failures' common exit code (2 input, 1 model, 3 strict), or 1."""
        codes = {r.get("exit_code", 1) for r in self.failed}
        if not codes:
            return 0
        return codes.pop() if len(codes) == 1 else 1

    def summary(self) -> str:
        u = self.usage
        fails = len(self.failed)
        return (f"{len(self.records) - fails} ok, {fails} failed ({self.count('model')} from the model, "
                f"{self.count('cache')} from the cache, {self.count('resume')} already done); "
                f"{u.prompt_tokens}+{u.completion_tokens} tokens over {u.attempts} attempt(s); "
                f"{self.seconds:.1f} s")


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """The latest record per id; unreadable lines (a run killed mid-write) are ignored."""
    out: dict[str, dict[str, Any]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return out
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and "id" in rec:
            out[str(rec["id"])] = rec
    return out


class _Reporter:
    """A rich progress bar on stderr when it is a terminal; one line per item otherwise; nothing when quiet."""

    def __init__(self, total: int, quiet: bool, stream: Any = None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.total = total
        self.done = 0
        self.failed = 0
        self.bar = None
        self._lock = threading.RLock()
        if not quiet and getattr(self.stream, "isatty", lambda: False)():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self.bar = Progress(TextColumn("[bold]briefing[/]"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(),
                                TextColumn("ETA"), TimeRemainingColumn(),
                                console=Console(file=self.stream), transient=False)
            self.task = self.bar.add_task("batch", total=total, failed=0)
            self.bar.start()

    def say(self, message: str) -> None:
        if self.quiet:
            return
        with self._lock:
            if self.bar is not None:
                self.bar.console.print(message, markup=False, highlight=False)
            else:
                self.stream.write(message + "\n")
                self.stream.flush()

    def item(self, rec: dict[str, Any]) -> None:
        self.done += 1
        self.failed += rec["status"] != "ok"
        if self.bar is not None:
            self.bar.update(self.task, advance=1, failed=self.failed)
            if rec["status"] != "ok":
                self.say(f"{rec['id']}: {rec['error']}")
        elif not self.quiet:
            what = (f"ok ({rec.get('source')}; {rec.get('grounding')})" if rec["status"] == "ok"
                    else f"FAILED: {rec['error']}")
            self.say(f"[{self.done:>{len(str(self.total))}}/{self.total}] {rec['id']}: {what}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_batch(items: list[Input], runner: Briefer, out_dir: str | Path, *, fmt: str = "md", concurrency: int = 1,
              strict: bool = False, date: str | None = None, template_dir: str | None = None,
              resume: bool = True, quiet: bool = False, stream: Any = None,
              render: Callable[[Any], str | bytes] | None = None, fetch_timeout: float | None = None) -> RunResult:
    """Brief ``items`` into ``out_dir`` with at most ``concurrency`` articles in flight; see the module doc.

    ``render(briefing)`` makes the output file's content (default: ``fmt`` md, html or json)."""
    from briefing.output.write import check_destination, check_folder, write_atomic

    render = render or (lambda b: produce(b, fmt, template_dir=template_dir))
    suffix = formats.get(fmt).suffix

    if concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    out = Path(out_dir)
    sources = [i.path for i in items]
    check_folder(out, sources)  # a file, read-only, or not writable: refused before any model time (#18)
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / MANIFEST
    previous = read_manifest(manifest) if resume else {}
    t0 = time.monotonic()
    report = _Reporter(len(items), quiet, stream)
    runner.say = report.say
    write_lock = threading.Lock()
    records: dict[str, dict[str, Any]] = {}
    secrets = [runner.settings.api_key or ""]

    def append(rec: dict[str, Any]) -> None:
        with write_lock:
            records[rec["id"]] = rec
            try:
                with open(manifest, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            except OSError as e:
                raise OutputError(f"{manifest}: cannot write the manifest ({e.strerror or e})") from None
            report.item(rec)

    def work(item: Input) -> dict[str, Any]:
        started = time.monotonic()
        rec: dict[str, Any] = {"id": item.id, "input": item.origin, "status": "failed", "output": None,
                               "source": None, "usage": Usage().as_dict(), "grounding": None, "error": None}
        try:
            article = item.load(date, timeout=fetch_timeout)
            target = out / f"{item.id}.{suffix}"
            check_destination(target, sources)  # never over an input, e.g. a.md briefed into the same folder
            key = runner.key(article)
            rec["key"] = key
            prev = previous.get(item.id)
            if prev and prev.get("status") == "ok" and prev.get("key") == key and prev.get("output") \
                    and Path(prev["output"]).exists() and Path(prev["output"]).resolve() == target.resolve():
                rec.update({k: prev.get(k) for k in ("output", "grounding", "supported", "total")})
                rec.update(status="ok", source="resume", error=None)
                return rec
            outcome = runner.brief(article, item=item.id, strict=strict)
            rec["usage"] = outcome.usage.as_dict()
            g = outcome.briefing.grounding
            rec.update(grounding=g.figure, supported=g.supported, total=g.total)
            write_atomic(target, render(outcome.briefing))
            rec.update(status="ok", output=str(target), source="cache" if outcome.cached else "model")
        except BriefingError as e:
            rec.update(error=scrub(e.one_line(), secrets), error_type=type(e).__name__, exit_code=e.exit_code)
            if isinstance(e, ModelError):
                rec["usage"] = e.usage.as_dict()
            if isinstance(e, UngroundedError) and e.briefing is not None:
                rec.update(grounding=e.briefing.grounding.figure, usage=dict(e.briefing.meta.usage))
        except Exception as e:  # a bug for one article must not lose the others; the error names it
            rec.update(error=scrub(f"unexpected {type(e).__name__}: {e}", secrets), error_type=type(e).__name__,
                       exit_code=1)
        finally:
            rec["seconds"] = round(time.monotonic() - started, 3)
            rec["time"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        return rec

    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="briefing")
    try:
        futures = [pool.submit(work, item) for item in items]
        for fut in as_completed(futures):
            append(fut.result())
    except BaseException:  # interrupted: what finished is in the manifest already
        pool.shutdown(wait=False, cancel_futures=True)
        report.close()
        raise
    pool.shutdown(wait=True)
    report.close()

    ordered = [records[i.id] for i in items if i.id in records]
    keep = [r for rid, r in read_manifest(manifest).items() if rid not in records]
    write_atomic(manifest, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ordered + keep))
    total = Usage()
    for r in ordered:
        total.add(Usage.from_dict(r.get("usage")))
    return RunResult(records=ordered, usage=total, seconds=time.monotonic() - t0, manifest=manifest)
