"""The output formats and paper sizes, stated once: the command line's choices, a batch's file names and how each
format is made (:mod:`briefing.output.produce`) all come from :data:`FORMATS` and :data:`PAPERS`. Pure data: imports
nothing of the package but its errors.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paper:
    css: str                      # the CSS ``@page`` size
    points: tuple[int, int]       # width and height in PDF points


#: ``--paper`` values.
PAPERS: dict[str, Paper] = {"a4": Paper("A4", (595, 842)), "letter": Paper("letter", (612, 792))}


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str                   # a batch's file name: ``<id>.<suffix>``
    #: How it is made (:func:`briefing.output.produce.produce`): from a template, the JSON document, PLOVER rows.
    kind: str
    #: Rendered from a Jinja2 template (``--template-dir`` applies); the page layout flags apply to html and pdf.
    template: str | None = None
    autoescape: bool = False
    #: Printed by headless Chromium from the HTML (bytes).
    printed: bool = False
    paged: bool = False


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("md", "md", "template", template="briefing.md.j2"),
    Format("html", "html", "template", template="briefing.html.j2", autoescape=True, paged=True),
    Format("pdf", "pdf", "template", template="briefing.html.j2", autoescape=True, printed=True, paged=True),
    Format("json", "json", "json"),
    Format("plover", "plover.jsonl", "plover"),
)}
NAMES: tuple[str, ...] = tuple(FORMATS)


def get(fmt: str) -> Format:
    from briefing.errors import InputError

    spec = FORMATS.get(fmt)
    if spec is None:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return spec
