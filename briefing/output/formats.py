"""The output formats and paper sizes, stated once: the command line's choices, a batch's file names and how each
format is written all come from :data:`FORMATS` and :data:`PAPERS`. Imports nothing heavy at module level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Paper:
    css: str                      # the CSS ``@page`` size
    points: tuple[int, int]       # width and height in PDF points


#: ``--paper`` values.
PAPERS: dict[str, Paper] = {"a4": Paper("A4", (595, 842)), "letter": Paper("letter", (612, 792))}


def _template(fmt: str) -> Callable[..., str | bytes]:
    def write(briefing: Any, *, template_dir: str | None = None, **layout: Any) -> str | bytes:
        from briefing.output.render import render

        return render(briefing, fmt, template_dir=template_dir, **layout)

    return write


def _json(briefing: Any, **_: Any) -> str:
    return briefing.model_dump_json(indent=2)


def _plover(briefing: Any, **_: Any) -> str:
    from briefing.output.plover import to_jsonl

    return to_jsonl(briefing)


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str                   # a batch's file name: ``<id>.<suffix>``
    write: Callable[..., str | bytes]
    #: Rendered from a Jinja2 template (``--template-dir`` applies); the page layout flags apply to html and pdf.
    template: str | None = None
    autoescape: bool = False
    #: Printed by headless Chromium from the HTML (bytes).
    printed: bool = False
    paged: bool = False


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("md", "md", _template("md"), template="briefing.md.j2"),
    Format("html", "html", _template("html"), template="briefing.html.j2", autoescape=True, paged=True),
    Format("pdf", "pdf", _template("pdf"), template="briefing.html.j2", autoescape=True, printed=True, paged=True),
    Format("json", "json", _json),
    Format("plover", "plover.jsonl", _plover),
)}
NAMES: tuple[str, ...] = tuple(FORMATS)


def get(fmt: str) -> Format:
    from briefing.errors import InputError

    spec = FORMATS.get(fmt)
    if spec is None:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return spec


def write(briefing: Any, fmt: str, *, template_dir: str | None = None, paper: str | None = None,
          max_pages: int | None = None) -> str | bytes:
    """The briefing as ``fmt``: text, or bytes for PDF; every span re-checked first (:mod:`briefing.output.verify`)."""
    from briefing.output.verify import verified

    return get(fmt).write(verified(briefing), template_dir=template_dir, paper=paper, max_pages=max_pages)
