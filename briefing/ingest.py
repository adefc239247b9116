"""Turning what the user gives (a file, stdin, text) into an :class:`~briefing.article.Article`.

Bad input is refused here with an :class:`~briefing.errors.InputError` that names the problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .article import Article
from .errors import InputError

MIN_WORDS = 40


def from_text(text: str, *, name: str = "input", **meta) -> Article:
    if "\x00" in text:
        raise InputError(f"{name}: looks like a binary file, not an article")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InputError(f"{name}: the article is empty")
    words = len(text.split())
    if words < MIN_WORDS:
        raise InputError(f"{name}: only {words} words; an article needs at least {MIN_WORDS} to brief")
    return Article(text=text, **meta)


def read_bytes(source: str) -> tuple[bytes, str]:
    if source == "-":
        return sys.stdin.buffer.read(), "stdin"
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file")
    if path.is_dir():
        raise InputError(f"{source}: is a directory, not an article file")
    try:
        return path.read_bytes(), source
    except OSError as e:
        raise InputError(f"{source}: cannot read ({e.strerror})") from None


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot tell the text encoding; save it as UTF-8")
    return str(best)


def load(source: str, *, date: str | None = None) -> Article:
    """Read one article from a path or ``-`` (stdin)."""
    data, name = read_bytes(source)
    text = decode(data, name)
    title = next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
    return from_text(text, name=name, title=title, source=None if source == "-" else Path(source).name, date=date)
