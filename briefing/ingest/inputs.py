"""Inputs as a user names them (paths, folders, globs, URLs, ``-``, JSONL records, ``.json`` article records)
expanded into :class:`Input` items, not yet read, with unique file-name-safe ids."""

from __future__ import annotations

import glob
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from briefing.errors import InputError
from briefing.text.article import Article

_GLOB = re.compile(r"[*?\[]")
_RECORD_META = ("title", "date", "source", "url", "author", "language")

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
        import briefing.ingest.core as ingest

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
    from briefing.ingest.core import discover

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
    from briefing.ingest.core import is_url

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
