"""Inputs as a user names them (paths, folders, globs, URLs, ``-``, JSONL records, ``.json`` article records)
expanded into :class:`Input` items, not yet read, with unique file-name-safe ids."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from briefing.errors import InputError
from briefing.text.article import Article

_GLOB = re.compile(r"[*?\[]")
_RECORD_META = ("title", "date", "source", "url", "author", "language")
#: Record fields a story reads (the outlet and the publication time), kept in ``Article.meta``.
_STORY_META = ("publisher", "published")

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

    def load(self, date: str | None = None, timeout: float | None = None) -> Article:
        import briefing.ingest.core as ingest

        if self.error:
            raise InputError(self.error)
        date = self.meta.get("date") or date
        if self.text is not None:
            article = ingest.from_text(str(self.text), name=self.origin, date=date)
        else:
            article = ingest.load(self.path or self.url or "", date=date, timeout=timeout)
        for key in _RECORD_META:
            if self.meta.get(key):
                setattr(article, key, str(self.meta[key]))
        article.meta.update({k: str(self.meta[k]) for k in _STORY_META if self.meta.get(k)})
        if self.url and not article.url:
            article.url = self.url
        return article


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")[:100] or "item"


def _records(path: Path, allow_outside: bool = False) -> Iterator[Input]:
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
        yield _from_record(rec, origin, default_id=f"{path.stem}-{n}", base=path.parent, allow_outside=allow_outside)


def _under(path: Path, base: Path) -> bool:
    """Whether ``path`` (symlinks resolved) lies inside the folder ``base`` (symlinks resolved)."""
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(base))
    return real == root or root in real.parents


def _from_record(rec: dict[str, Any], origin: str, *, default_id: str, base: Path,
                 allow_outside: bool = False) -> Input:
    rid = str(rec.get("id") or default_id)
    meta = {k: rec[k] for k in _RECORD_META + _STORY_META if rec.get(k)}
    if isinstance(rec.get("text"), str):
        return Input(id=rid, origin=origin, text=rec["text"], meta=meta)
    if isinstance(rec.get("path"), str):
        p = Path(rec["path"]).expanduser()
        p = p if p.is_absolute() else base / p
        if not allow_outside and not _under(p, base):
            return Input(id=rid, origin=origin, meta=meta,
                         error=f"{origin}: the path {rec['path']!r} lies outside the JSONL's folder {base}; "
                               f"records may only name files under it (--allow-paths-outside to allow it)")
        return Input(id=rid, origin=origin, path=str(p), meta=meta)
    if isinstance(rec.get("url"), str):
        return Input(id=rid, origin=origin, url=rec["url"], meta=meta)
    return Input(id=rid, origin=origin, error=f"{origin}: a record needs \"text\", \"path\" or \"url\"")


def _json_article(path: Path, allow_outside: bool = False) -> Input | None:
    """A ``.json`` file holding one record (``{"text": ..., "title": ...}``, like the shared corpus), if it is one."""
    try:
        rec = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    if isinstance(rec, dict) and any(isinstance(rec.get(k), str) for k in ("text", "path", "url")):
        rec = dict(rec)
        rec.setdefault("id", path.stem)
        return _from_record(rec, str(path), default_id=path.stem, base=path.parent, allow_outside=allow_outside)
    return None


def _file(path: Path, allow_outside: bool = False) -> list[Input]:
    if path.suffix.lower() == ".jsonl":
        return list(_records(path, allow_outside))
    if path.suffix.lower() == ".json":
        item = _json_article(path, allow_outside)
        if item is not None:
            return [item]
    return [Input(id=path.stem, origin=str(path), path=str(path))]


def written_here(folder: Path) -> set[str]:
    """Real paths of the files a batch run wrote into ``folder``: its ``manifest.jsonl`` and the outputs it lists.
    They are never read back as articles, so ``generate DIR -o DIR`` twice does not brief its own briefings."""
    manifest = folder / "manifest.jsonl"
    out = {os.path.realpath(manifest)}
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return out
    for line in lines:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            rec = json.loads(line)
            if isinstance(rec.get("output"), str):
                out.add(os.path.realpath(folder / Path(rec["output"]).name))  # outputs lie beside it
    return out


def _not_written(files: Iterable[Path]) -> list[Path]:
    files = list(files)
    skip = set().union(*(written_here(f.parent) for f in {Path(os.path.abspath(f)) for f in files})) if files else set()
    return [f for f in files if os.path.realpath(f) not in skip]


def _folder(path: Path) -> list[Path]:
    """A folder's articles as :func:`briefing.ingest.discover` finds them, and its ``.json`` article records,
    less what a batch run wrote there (:func:`written_here`)."""
    from briefing.ingest.core import discover

    try:
        files = [Path(f) for f in discover([str(path)])]
    except InputError:
        files = []
    files += [f for f in sorted(path.glob("*.json")) if not f.name.startswith(".") and _json_article(f)]
    files = _not_written(files)
    if not files:
        raise InputError(f"{path}: the folder holds no articles")
    return sorted(files)


def expand(sources: Iterable[str], *, allow_outside: bool = False) -> list[Input]:
    """Paths, folders, globs, URLs and JSONL files → inputs with unique, file-name-safe ids.

    A path that does not exist stays an input of its own and fails when read, so one bad name among many is
    reported in the manifest instead of stopping the run; an empty folder or a glob matching nothing is refused.
    A JSONL record's ``path`` must lie under the JSONL's folder unless ``allow_outside``; one that does not fails
    as its own item. Files a batch run wrote (:func:`written_here`) are skipped in folders and globs.
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
                items.extend(_file(f, allow_outside))
        elif p.is_file():
            items.extend(_file(p, allow_outside))
        elif _GLOB.search(src):
            files = _not_written(sorted(Path(f) for f in glob.glob(str(p), recursive=True) if Path(f).is_file()))
            if not files:
                raise InputError(f"{src}: matches no files")
            for f in files:
                items.extend(_file(f, allow_outside))
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
