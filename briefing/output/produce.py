"""A briefing made into one of the :data:`~briefing.output.formats.FORMATS`: a template's rendering (Markdown, HTML,
PDF), the JSON document, or PLOVER rows."""

from __future__ import annotations

from typing import Any

from briefing.output.formats import get


def produce(briefing: Any, fmt: str, *, template_dir: str | None = None, paper: str | None = None,
            max_pages: int | None = None) -> str | bytes:
    """The briefing as ``fmt``: text, or bytes for PDF (``paper`` and ``max_pages`` apply to html and pdf)."""
    spec = get(fmt)
    if spec.kind == "template":
        from briefing.output.render import render

        return render(briefing, fmt, template_dir=template_dir, paper=paper, max_pages=max_pages)
    if spec.kind == "plover":
        from briefing.output.plover import to_jsonl

        return to_jsonl(briefing)
    return briefing.model_dump_json(indent=2)
