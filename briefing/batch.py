"""Many articles in one run: inputs expanded, a bounded pool of workers, a JSONL manifest, resume, cache and call log.

    runner = Runner(settings, cache=Cache(), calllog=CallLog())
    result = run_batch(expand(["articles/"]), runner, out_dir="out", fmt="md", concurrency=4)

Each input becomes ``<out_dir>/<id>.<fmt>``; ``<out_dir>/manifest.jsonl`` holds one record per input (id, status,
output, usage, grounding, error). Records are appended as items finish, so an interrupted run loses nothing, and the
file is compacted to the latest record per id at the end. A re-run skips every item whose record says ``ok`` for
the same cache key and whose output still exists; the rest are cache hits or model calls.

A failed item (unreadable input, model failure, ``--strict`` and unsupported items) is recorded and the run goes
on. Rate limits are the openai client's business: it retries 429 and 5xx with backoff, honouring ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import glob
import json
import re
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .article import Article
from .calllog import scrub
from .config import Settings
from .errors import BriefingError, InputError, ModelError, UngroundedError, Usage

MANIFEST = "manifest.jsonl"
_GLOB = re.compile(r"[*?\[]")
_RECORD_META = ("title", "date", "source", "url", "author", "language")

ClientFactory = Callable[[Settings, "str | None"], Any]
Say = Callable[[str], None]


def _noop(_: str) -> None:
    pass


# ------------------------------------------------------------------------------------------------------ inputs

@dataclass
class Input:
    """One article to brief, not yet read: a path, a URL or inline text, with metadata from a JSONL record."""

    id: str
    origin: str  # what the user gave, for messages and the manifest
    path: str | None = None
    url: str | None = None
    text: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # known bad before reading (a malformed JSONL line)

    def load(self, date: str | None = None) -> Article:
        from . import ingest

        if self.error:
            raise InputError(self.error)
        date = self.meta.get("date") or date
        if self.text is not None:
            article = ingest.from_text(str(self.text), name=self.origin, date=date)
        else:
            article = ingest.load(self.path or self.url or "", date=date)
        for key in _RECORD_META:
            if self.meta.get(key):
                setattr(article, key, str(self.meta[key]))
        if self.url and not article.url:
            article.url = self.url
        return article


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")[:100] or "item"


def _records(path: Path) -> Iterator[Input]:
    """Inputs from a JSONL file: one ``{"id", "text"|"path"|"url", ...}`` object per line."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        origin = f"{path}:{n}"
        try:
            rec = json.loads(line)
        except ValueError as e:
            yield Input(id=f"{path.stem}-{n}", origin=origin, error=f"{origin}: not a JSON object ({e.msg})")
            continue
        if not isinstance(rec, dict):
            yield Input(id=f"{path.stem}-{n}", origin=origin, error=f"{origin}: not a JSON object")
            continue
        yield _from_record(rec, origin, default_id=f"{path.stem}-{n}", base=path.parent)


def _from_record(rec: dict[str, Any], origin: str, *, default_id: str, base: Path) -> Input:
    rid = str(rec.get("id") or default_id)
    meta = {k: rec[k] for k in _RECORD_META if rec.get(k)}
    if isinstance(rec.get("text"), str):
        return Input(id=rid, origin=origin, text=rec["text"], meta=meta)
    if isinstance(rec.get("path"), str):
        p = Path(rec["path"]).expanduser()
        return Input(id=rid, origin=origin, path=str(p if p.is_absolute() else base / p), meta=meta)
    if isinstance(rec.get("url"), str):
        return Input(id=rid, origin=origin, url=rec["url"], meta=meta)
    return Input(id=rid, origin=origin, error=f"{origin}: a record needs \"text\", \"path\" or \"url\"")


def _json_article(path: Path) -> Input | None:
    """A ``.json`` file holding one record (``{"text": ..., "title": ...}``, like the shared corpus), if it is one."""
    try:
        rec = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    if isinstance(rec, dict) and any(isinstance(rec.get(k), str) for k in ("text", "path", "url")):
        rec = dict(rec)
        rec.setdefault("id", path.stem)
        return _from_record(rec, str(path), default_id=path.stem, base=path.parent)
    return None


def _file(path: Path) -> list[Input]:
    if path.suffix.lower() == ".jsonl":
        return list(_records(path))
    if path.suffix.lower() == ".json":
        item = _json_article(path)
        if item is not None:
            return [item]
    return [Input(id=path.stem, origin=str(path), path=str(path))]


def _folder(path: Path) -> list[Path]:
    """A folder's articles as :func:`briefing.ingest.discover` finds them, and its ``.json`` article records."""
    from .ingest import discover

    try:
        files = [Path(f) for f in discover([str(path)])]
    except InputError:
        files = []
    files += [f for f in sorted(path.glob("*.json")) if not f.name.startswith(".") and _json_article(f)]
    if not files:
        raise InputError(f"{path}: the folder holds no articles")
    return sorted(files)


def expand(sources: Iterable[str]) -> list[Input]:
    """Paths, folders, globs, URLs and JSONL files → inputs with unique, file-name-safe ids.

    A path that does not exist stays an input of its own and fails when read, so one bad name among many is
    reported in the manifest instead of stopping the run; an empty folder or a glob matching nothing is refused.
    """
    from .ingest import is_url

    items: list[Input] = []
    for src in sources:
        p = Path(src).expanduser()
        if src == "-":
            items.append(Input(id="stdin", origin="stdin", path="-"))
        elif is_url(src):
            tail = src.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
            items.append(Input(id=Path(tail).stem or "url", origin=src, url=src))
        elif p.is_dir():
            for f in _folder(p):
                items.extend(_file(f))
        elif p.is_file():
            items.extend(_file(p))
        elif _GLOB.search(src):
            files = sorted(Path(f) for f in glob.glob(str(p), recursive=True) if Path(f).is_file())
            if not files:
                raise InputError(f"{src}: matches no files")
            for f in files:
                items.extend(_file(f))
        else:
            items.append(Input(id=p.stem or "item", origin=src, path=src))  # fails when read, as its own item
    used: set[str] = set()
    for item in items:
        base = candidate = _slug(item.id)
        n = 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        item.id = candidate
    return items


def is_many(sources: list[str]) -> bool:
    """Whether the sources name more than one article (or may: a folder, a glob, a JSONL file)."""
    if len(sources) != 1:
        return True
    src = sources[0]
    p = Path(src)
    return p.is_dir() or p.suffix.lower() == ".jsonl" or (not p.exists() and bool(_GLOB.search(src)))


# ------------------------------------------------------------------------------------------------------ runner

@dataclass
class Outcome:
    """One briefed article: the briefing, what it cost, and whether it came from the cache."""

    briefing: Any
    usage: Usage
    cached: bool
    key: str | None


class Runner:
    """Briefs articles one by one or from many threads, with one endpoint (one local server) for all of them.

    ``client_factory(settings, base_url)`` makes the instructor client for one article; each article gets its own,
    because instructor's hooks are per client. The endpoint (for the local provider: a model server) starts on the
    first cache miss and stops at :meth:`close`.
    """

    def __init__(self, settings: Settings, *, cache: Any = None, calllog: Any = None,
                 client_factory: ClientFactory | None = None, say: Say = _noop, run_id: str | None = None,
                 cached_usage: bool = False):
        self.settings = settings
        self.cache = cache
        #: A cache hit reports what the answer cost when it was made (eval's cost figures), not zero (a batch's
        #: spend this run).
        self.cached_usage = cached_usage
        self.calllog = calllog
        self.client_factory = client_factory
        self.say = say
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.provider = settings.resolved_provider()
        self._stack = contextlib.ExitStack()
        self._endpoint: tuple[str | None, str] | None = None
        self._lock = threading.Lock()

    # -- endpoint
    def endpoint(self) -> tuple[str | None, str]:
        with self._lock:
            if self._endpoint is None:
                from .pipeline import endpoint

                served = self._stack.enter_context(endpoint(self.settings, self.say))
                self._endpoint = (served[0], served[1])  # (base_url, model name sent in requests)
            return self._endpoint

    def closing(self, resource: Any) -> Any:
        """Close ``resource`` (a cache, a call log) when the runner closes; return it."""
        if resource is not None:
            self._stack.callback(resource.close)
        return resource

    def close(self) -> None:
        self._stack.close()
        self._endpoint = None

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- one article
    def key(self, article: Article) -> str:
        from .cache import cache_key

        return cache_key(article, self.settings)

    def brief(self, article: Article, *, item: str | None = None, strict: bool = False) -> Outcome:
        """Brief one article: from the cache when it holds this exact request, else from the model."""
        from .grounding import Grounder
        from .pipeline import LOCAL_CONTEXT, build_for, check_fits, check_strict, extract
        from .llm import sections_for
        from .prompts import prompt_hash
        from .cache import model_identity
        from .schema import Extraction

        check_fits(article, self.settings, LOCAL_CONTEXT if self.provider == "local" else None)
        key = self.key(article) if self.cache is not None else None
        hit = self.cache.get(key) if key else None
        ident = model_identity(self.settings)
        if hit is not None:
            ex = Extraction.model_validate_json(hit[0], context={"check": Grounder(article, strict=False)})
            stored = hit[1] if self.cached_usage else {}
            usage = Usage(**{k: stored[k] for k in ("calls", "attempts", "prompt_tokens", "completion_tokens",
                                                     "seconds") if k in stored})
            cached, base_url = True, ident["base_url"]
            model = ident["model"]
        else:
            base_url, model = self.endpoint()
            phash = prompt_hash(sections_for(self.settings))
            ident = model_identity(self.settings, model, base_url)

            def on_call(rec: Any) -> None:
                if self.calllog is not None:
                    self.calllog.record(rec, provider=self.provider, model=ident["model"], endpoint=base_url,
                                        prompt_hash=phash, run=self.run_id, item=item)

            client = self.client_factory(self.settings, base_url) if self.client_factory else None
            if item is None:  # one article: say what is happening; a batch has its progress display
                self.say(f"briefing {article.words} words with {ident['model']} …")
            ex, usage = extract(article, self.settings, base_url=base_url, model=model, client=client,
                                on_call=on_call)
            if key:
                self.cache.put(key, ex.model_dump_json(), model=ident["model"], prompt_hash=phash,
                               usage=usage.as_dict())
            cached = False
        briefing = build_for(article, ex, self.settings, usage=usage, model=ident["model"], base_url=base_url)
        if cached:
            briefing.meta.cached = True  # Meta allows extra fields
        if strict:
            check_strict(briefing)
        return Outcome(briefing=briefing, usage=usage, cached=cached, key=key)


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


def _usage_of(rec: dict[str, Any]) -> Usage:
    u = rec.get("usage") or {}
    return Usage(calls=u.get("calls", 0), attempts=u.get("attempts", 0), prompt_tokens=u.get("prompt_tokens", 0),
                 completion_tokens=u.get("completion_tokens", 0), seconds=u.get("seconds", 0.0))


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


def _render(briefing: Any, fmt: str, template_dir: str | None) -> str:
    if fmt == "json":
        return briefing.model_dump_json(indent=2)
    from .render import render

    return render(briefing, fmt, template_dir=template_dir)


def output_suffix(fmt: str) -> str:
    return {"plover": "plover.jsonl"}.get(fmt, fmt)


def run_batch(items: list[Input], runner: Runner, out_dir: str | Path, *, fmt: str = "md", concurrency: int = 1,
              strict: bool = False, date: str | None = None, template_dir: str | None = None,
              resume: bool = True, quiet: bool = False, stream: Any = None,
              render: Callable[[Any], str | bytes] | None = None) -> RunResult:
    """Brief ``items`` into ``out_dir`` with at most ``concurrency`` articles in flight; see the module doc.

    ``render(briefing)`` makes the output file's content (default: ``fmt`` md, html or json)."""
    from .output import write_atomic

    render = render or (lambda b: _render(b, fmt, template_dir))

    if concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"-o {out}: many inputs need an output folder, and this is a file")
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
            with open(manifest, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            report.item(rec)

    def work(item: Input) -> dict[str, Any]:
        started = time.monotonic()
        rec: dict[str, Any] = {"id": item.id, "input": item.origin, "status": "failed", "output": None,
                               "source": None, "usage": Usage().as_dict(), "grounding": None, "error": None}
        try:
            article = item.load(date)
            target = out / f"{item.id}.{output_suffix(fmt)}"
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
        total.add(_usage_of(r))
    return RunResult(records=ordered, usage=total, seconds=time.monotonic() - t0, manifest=manifest)
