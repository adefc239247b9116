"""Rendering a :class:`~briefing.schema.Briefing` through the Jinja2 templates in ``templates/``.

The formats are :data:`briefing.output.formats.FORMATS`. Templates run with ``StrictUndefined``; HTML is
autoescaped, so text
from the article and the model can never become markup. A user's ``--template-dir`` is searched first, so any
template can be overridden by one of the same name.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from briefing.errors import RenderError
from briefing.resources import data_dir
from briefing.output.formats import FORMATS, PAPERS
from briefing.output.story import conflict_line, support, when
from briefing.output.verify import verified
from briefing.schema import LIKELIHOOD_BANDS, Briefing, Item, Span
from briefing.sections import TABLE


#: Sections in reading order with their titles; templates iterate this, so the order lives in one place.
SECTIONS = [(s.name, s.title) for s in TABLE]


class Footnotes:
    """Numbers evidence spans in order of first use; the same span always gets the same number."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self._index: dict[tuple[int, int], int] = {}

    def numbers(self, item: Item) -> list[int]:
        out = []
        for span in item.evidence:
            key = (span.start, span.end)
            if key not in self._index:
                self.spans.append(span)
                self._index[key] = len(self.spans)
            out.append(self._index[key])
        return out


def highlight_segments(text: str, spans: list[Span]) -> list[dict[str, Any]]:
    """Cut the article into segments: each says whether evidence covers it and which footnotes start there."""
    bounds = {0, len(text)}
    starts: dict[int, list[int]] = {}
    for n, s in enumerate(spans, start=1):
        bounds.update((s.start, s.end))
        starts.setdefault(s.start, []).append(n)
    cuts = sorted(b for b in bounds if 0 <= b <= len(text))
    segments = []
    for a, b in zip(cuts, cuts[1:]):
        covered = any(s.start <= a and b <= s.end for s in spans)
        segments.append({"text": text[a:b], "marked": covered, "anchors": starts.get(a, [])})
    return segments


def quote_text(quote: Any) -> str:
    """A verified quote as the article has it (its exact source slices), else as the model gave it."""
    if quote.supported and quote.evidence:
        return " … ".join(span.text for span in quote.evidence)
    return quote.text


def long_date(value: str | None) -> str | None:
    """The source's date as a reader writes it ('8 November 2016'); a date that is not ISO stays as given."""
    from briefing.text.dates import parse_reference

    d = parse_reference(value)
    return f"{d.day} {d:%B} {d.year}" if d else (value or None)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links survive into output."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


_MD_ESCAPES = str.maketrans({"<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]"})


def md_escape(value: Any) -> Any:
    """Text from the article or the model, made inert in Markdown: no raw HTML tags, no link syntax.
    Template-made markup (a macro's output passed through ``|safe``) is left alone."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(_MD_ESCAPES)
    return value


@lru_cache(maxsize=8)
def _env(template_dir: str | None, autoescape: bool):
    import jinja2

    loaders = [jinja2.FileSystemLoader(template_dir)] if template_dir else []
    loaders.append(jinja2.FileSystemLoader(str(data_dir("templates"))))
    # HTML is autoescaped; Markdown output escapes every expression's text instead (see md_escape).
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                             autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, finalize=None if autoescape else md_escape)
    env.filters["safe_url"] = safe_url
    return env


def context(briefing: Briefing, *, paper: str | None = None, omitted: list[str] | None = None) -> dict[str, Any]:
    notes = Footnotes()
    ex = briefing.extraction
    cites = {id(item): notes.numbers(item) for _, item in ex.items()}
    return {
        "b": briefing, "x": ex, "article": briefing.article, "grounding": briefing.grounding,
        "meta": briefing.meta, "sections": SECTIONS, "bands": LIKELIHOOD_BANDS,
        "cites": lambda item: cites.get(id(item), []), "footnotes": notes.spans,
        "segments": highlight_segments(briefing.article.text, notes.spans),
        "source_url": safe_url(briefing.article.url), "quote_text": quote_text,
        "source_date": long_date(briefing.article.date),
        "page_size": PAPERS[paper].css if paper in PAPERS else None, "omitted": omitted or [],
        # A story (several sources): support per item, where the sources differ, when each was published.
        "support": lambda item: support(item, briefing.sources), "when": when,
        "conflict_lines": [conflict_line(c, briefing.sources) for c in briefing.conflicts],
    }


def render(briefing: Briefing, fmt: str = "md", *, template_dir: str | Path | None = None,
           paper: str | None = None, max_pages: int | None = None) -> str | bytes:
    """Render a briefing as ``md`` or ``html`` (text), or ``pdf`` (bytes, printed by headless Chromium).

    ``paper`` (``a4`` or ``letter``) sets the HTML's ``@page`` size; PDF defaults to A4, HTML without it prints
    on the reader's paper. ``max_pages`` (PDF) trims the lowest-priority items until the briefing fits.
    """
    import jinja2

    spec = FORMATS.get(fmt)
    if spec is None or spec.template is None:
        templated = ", ".join(n for n, f in FORMATS.items() if f.template)
        raise RenderError(f"unknown format {fmt!r}; choose one of {templated}")
    if template_dir is not None and not Path(template_dir).is_dir():
        raise RenderError(f"--template-dir {template_dir}: no such folder")
    if paper is not None and paper not in PAPERS:
        raise RenderError(f"unknown paper {paper!r}; choose one of {', '.join(PAPERS)}")
    if max_pages is not None and (not spec.printed or max_pages < 1):
        raise RenderError("--max-pages needs -f pdf and a number of pages of at least 1")
    env = _env(str(template_dir) if template_dir else None, spec.autoescape)
    briefing = verified(briefing)  # stored offsets are never trusted (#18)

    def html_of(b: Briefing, omitted: list[str]) -> str:
        try:
            return env.get_template(spec.template).render(**context(b, paper=paper, omitted=omitted))
        except jinja2.TemplateError as e:
            raise RenderError(f"template {spec.template} failed: {e}") from None

    if spec.printed:
        from briefing.output.pdf import fit_pdf

        paper = paper or "a4"
        return fit_pdf(briefing, html_of, max_pages=max_pages)
    return html_of(briefing, [])
