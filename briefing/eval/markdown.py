"""The Jinja2 environment the eval reports render their Markdown with (``templates/eval*.md.j2``)."""

from __future__ import annotations

import re


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _yes(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "no")


def env():
    """The Jinja2 environment of the report templates (Markdown: not autoescaped; undefined names fail)."""
    import jinja2

    from briefing.resources import data_dir

    out = jinja2.Environment(loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, autoescape=False)
    out.filters["pct"] = _pct
    out.filters["yes"] = _yes
    out.filters["cell"] = lambda s: re.sub(r"\s+", " ", str(s)).replace("|", "\\|")
    return out
