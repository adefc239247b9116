"""Turning what the user gives (a file, a URL, stdin, text) into an :class:`~briefing.article.Article`.

Accepted: plain text, Markdown, HTML pages (main text and metadata — title, date, author, site, canonical URL —
extracted by trafilatura, so navigation, ads, scripts and comments stay out), ``http(s)://`` URLs and ``-`` for
stdin. The format comes from the file name, the server's Content-Type, or the content itself. Text that is not
UTF-8 is decoded with its declared charset or a detected one.

Bad input is refused here with an :class:`~briefing.errors.InputError` that names the problem: missing file,
directory, empty text, binary data, text too short to brief, a page with no article text, an unreachable URL.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Iterable

from briefing.text.article import Article
from briefing.errors import InputError

MIN_WORDS = 40
#: Inputs larger than this are refused outright (no article is this long; a model could not read it anyway).
MAX_BYTES = 10 * 1024 * 1024
#: Seconds to wait for a URL to answer.
FETCH_TIMEOUT = 30.0

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt", ".text")
#: What counts as an article file when a directory is given (see :func:`discover`).
ARTICLE_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES

_MAGIC = (
    (b"%PDF-", "a PDF document; save the article as text or HTML first"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.odt document); save the article as text or HTML first"),
    (b"{\\rtf", "an RTF document; save the article as text or HTML first"),
    (b"\x89PNG", "a PNG image, not an article"),
    (b"\xff\xd8\xff", "a JPEG image, not an article"),
    (b"GIF8", "a GIF image, not an article"),
    (b"\x1f\x8b", "a gzip archive, not an article"),
    (b"\x7fELF", "a program (ELF binary), not an article"),
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_HTML_TAGS = re.compile(rb"<(?:head|body)[\s>]", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.I)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


# ------------------------------------------------------------------------------------------ finding inputs

def _articles_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in ARTICLE_SUFFIXES)


def discover(paths: Iterable[str]) -> list[str]:
    """Expand the inputs a user named into article sources: a directory gives its article files (not recursive,
    hidden files skipped), files, URLs and ``-`` pass through. Refuses missing paths and directories without
    articles."""
    out: list[str] = []
    for source in paths:
        if source == "-" or is_url(source):
            out.append(source)
            continue
        path = Path(source)
        if path.is_dir():
            found = _articles_in(path)
            if not found:
                raise InputError(f"{source}: no articles in this directory (looked for "
                                 f"{', '.join('*' + s for s in ARTICLE_SUFFIXES)})")
            out.extend(str(p) for p in found)
        elif path.exists():
            out.append(source)
        else:
            raise InputError(f"{source}: no such file or directory")
    return out


# ------------------------------------------------------------------------------------------ reading bytes

def read_bytes(source: str) -> tuple[bytes, str]:
    """The raw bytes of a path or ``-`` (stdin), and the name to use in messages."""
    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read(MAX_BYTES + 1) if stream is not None else sys.stdin.read().encode("utf-8")
        _check_size(len(data), "stdin")
        return data, "stdin"
    path = Path(source)
    if path.is_dir():
        found = _articles_in(path)
        if not found:
            raise InputError(f"{source}: is a directory with no articles in it (looked for "
                             f"{', '.join('*' + s for s in ARTICLE_SUFFIXES)})")
        raise InputError(f"{source}: is a directory ({len(found)} article file(s)); give one article file")
    if not path.exists():
        raise InputError(f"{source}: no such file")
    try:
        size = path.stat().st_size
        _check_size(size, source)
        return path.read_bytes(), source
    except OSError as e:
        raise InputError(f"{source}: cannot read ({e.strerror or e})") from None


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise InputError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB; that is not one news article")


def fetch_timeout(given: float | None = None) -> float:
    """Seconds a URL fetch may take: ``--timeout`` when given, else ``BRIEFING_TIMEOUT``, else 30."""
    if given is not None:
        return float(given)
    try:
        return float(os.environ.get("BRIEFING_TIMEOUT") or FETCH_TIMEOUT)
    except ValueError:
        return FETCH_TIMEOUT


def fetch(url: str, *, timeout: float | None = None) -> tuple[bytes, str, str | None]:
    """GET a URL: ``(body, final URL after redirects, Content-Type)``. Faults become :class:`InputError`."""
    import httpx2

    timeout = fetch_timeout(timeout)

    from briefing import __version__

    try:
        with httpx2.Client(follow_redirects=True, timeout=timeout, max_redirects=10,
                           headers={"User-Agent": f"briefing/{__version__} (+article fetch)",
                                    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"}
                           ) as client:
            with client.stream("GET", url) as r:
                if r.status_code >= 400:
                    raise InputError(f"{url}: the server answered HTTP {r.status_code} {r.reason_phrase}".rstrip())
                declared = r.headers.get("content-length")
                if declared and declared.isdigit():
                    _check_size(int(declared), url)
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    _check_size(size, url)
                    chunks.append(chunk)
                return b"".join(chunks), str(r.url), r.headers.get("content-type")
    except httpx2.TimeoutException:
        raise InputError(f"{url}: no answer within {timeout:g} s") from None
    except httpx2.TooManyRedirects:
        raise InputError(f"{url}: too many redirects") from None
    except httpx2.HTTPError as e:
        reason = " ".join(str(e).split()) or type(e).__name__
        raise InputError(f"{url}: cannot fetch ({reason})") from None


# ------------------------------------------------------------------------------------------ decoding

def _binary(data: bytes, name: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name}: is {what}")
    if not any(data.startswith(bom) for bom, _ in _BOMS) and b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not an article")


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Bytes to text: a byte-order mark, else the declared charset, else UTF-8, else a detected encoding."""
    import codecs

    _binary(data, name)
    text: str | None = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise InputError(f"{name}: starts with a {codec.upper()} byte-order mark but is not valid "
                                 f"{codec.upper()}") from None
            break
    if text is None and declared:
        try:
            text = data.decode(codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            text = None  # a wrong or unknown declaration: fall back to detection
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _detect(data, name)
    if text and len(_CONTROL.findall(text[:20000])) > max(8, len(text[:20000]) // 100):
        raise InputError(f"{name}: looks like a binary file, not an article")
    return text


#: Legacy encodings preferred when detection finds them as clean as its first guess: Western news text is far more
#: often Windows-1252 than, say, ISO-8859-14, which reads the same letters but different punctuation.
_PREFERRED = ("cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "iso8859_15", "latin_1")


def _detect(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise InputError(f"{name}: cannot tell the text encoding; save it as UTF-8")
    best = matches[0]
    clean = [m for m in matches if m.chaos <= best.chaos + 0.01]
    for enc in _PREFERRED:
        for m in clean:
            if m.encoding == enc:
                return str(m)
    return str(best)


def _declared_charset(data: bytes, content_type: str | None) -> str | None:
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            return m.group(1)
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


# ------------------------------------------------------------------------------------------ formats

def detect_format(name: str, data: bytes, content_type: str | None = None) -> str:
    """``html``, ``md`` or ``text``: from the Content-Type, the name's suffix, or the content."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    suffix = Path(name.split("?")[0]).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    head = data[:4096]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            try:
                head = head.decode(codec, "ignore").encode("utf-8")
            except LookupError:  # pragma: no cover
                pass
            break
    if _HTML_START.match(head) or (_HTML_TAGS.search(head) and b"</" in head):
        return "html"
    if suffix in MARKDOWN_SUFFIXES or ctype == "text/markdown":
        return "md"
    return "text"


def from_text(text: str, *, name: str = "input", **meta) -> Article:
    """An article from text, refusing empty, binary and too-short text."""
    if "\x00" in text:
        raise InputError(f"{name}: looks like a binary file, not an article")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").strip()
    if not text:
        raise InputError(f"{name}: the article is empty")
    words = len(text.split())
    if words < MIN_WORDS:
        raise InputError(f"{name}: only {words} words; an article needs at least {MIN_WORDS} to brief")
    return Article(text=text, **meta)


def _first_line(text: str) -> str | None:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
    return line if line and len(line) <= 200 else None


def html_to_article(html: str, *, name: str, url: str | None = None) -> Article:
    """The main text and metadata of an HTML page, extracted by trafilatura (boilerplate and comments left out)."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=True, include_images=False, favor_precision=True)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        if not html.strip():
            raise InputError(f"{name}: the article is empty")
        raise InputError(f"{name}: no article text found in this HTML page")
    if len(text.split()) < MIN_WORDS:
        raise InputError(f"{name}: no article text found in this HTML page (only {len(text.split())} word(s) "
                         f"outside navigation, scripts and comments; an article needs at least {MIN_WORDS})")
    # One blank line between paragraphs, as in plain-text articles.
    text = "\n\n".join(p.strip() for p in text.split("\n") if p.strip())
    page_url = url or (doc.url if doc.url and is_url(doc.url) else None)
    source = doc.sitename or doc.hostname or (None if name in ("stdin", url) else Path(name).name)
    meta = {"format": "html"}
    if doc.description:
        meta["description"] = doc.description
    return from_text(text, name=name, title=doc.title or None, author=doc.author or None, date=doc.date or None,
                     source=source, url=page_url, language=doc.language or None, meta=meta)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    fields: dict[str, str] = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t")):
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[m.end():]


def markdown_to_text(md: str) -> tuple[str, str | None]:
    """Markdown to plain paragraphs (markup, link targets and images dropped) and the first heading."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(md)
    blocks: list[str] = []
    title: str | None = None
    heading = False
    for tok in tokens:
        if tok.type == "heading_open":
            heading = True
        elif tok.type == "heading_close":
            heading = False
        elif tok.type == "inline":
            parts = []
            for child in tok.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            line = " ".join("".join(parts).split())
            if line:
                if heading and title is None:
                    title = line
                blocks.append(line)
        elif tok.type in ("fence", "code_block"):
            if tok.content.strip():
                blocks.append(tok.content.strip())
    return "\n\n".join(blocks), title


def load(source: str, *, date: str | None = None, timeout: float | None = None) -> Article:
    """Read one article from a path, an ``http(s)://`` URL or ``-`` (stdin).

    ``date`` (``YYYY-MM-DD``) is the reference for relative dates ("on Wednesday"); it overrides a date found in
    the page's metadata. ``timeout`` bounds a URL fetch (:func:`fetch_timeout`).
    """
    if date is not None:
        from briefing.text.dates import parse_reference

        ref = parse_reference(date)
        if ref is None or not re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", date):
            raise InputError(f"--date {date!r}: give the reference date as YYYY-MM-DD")
        date = ref.isoformat()
    content_type = None
    url = None
    if is_url(source):
        data, url, content_type = fetch(source, timeout=timeout)
        name = source
    else:
        data, name = read_bytes(source)
    kind = detect_format(url or name, data, content_type)
    if kind == "html":
        text = decode(data, name, _declared_charset(data, content_type))
        article = html_to_article(text, name=name, url=url)
    else:
        text = decode(data, name, _declared_charset(b"", content_type))
        meta: dict[str, str] = {}
        title = None
        if kind == "md":
            meta, body = _front_matter(text.replace("\r\n", "\n").lstrip("\ufeff"))
            text, title = markdown_to_text(body)
        source_name = meta.get("source") or meta.get("site") or (
            None if source == "-" else (url and _host(url)) or Path(source).name)
        article = from_text(text, name=name, title=meta.get("title") or title or _first_line(text),
                            source=source_name, url=url or (meta.get("url") if is_url(meta.get("url", "")) else None),
                            author=meta.get("author") or None, date=meta.get("date") or None,
                            language=meta.get("lang") or meta.get("language") or None, meta={"format": kind})
    if date:
        article.date = date
    elif article.date:
        from briefing.text.dates import parse_reference

        ref = parse_reference(article.date)
        article.date = ref.isoformat() if ref else None
    return article


def _host(url: str) -> str | None:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname
