"""briefing: turn a news article into a one-page, source-grounded diplomatic briefing."""

from __future__ import annotations

__version__ = "0.1.0"

from .article import Article  # noqa: E402
from .config import Settings  # noqa: E402
from .errors import (  # noqa: E402
    BriefingError, ConfigError, InputError, ModelError, OutputTruncatedError, RefusalError, RenderError,
    UngroundedError, Usage,
)
from .schema import SCHEMA_VERSION, Briefing, Extraction  # noqa: E402


def generate(article, settings=None, **kwargs):
    """Brief one article (text or :class:`Article`); see :func:`briefing.pipeline.generate`."""
    from .pipeline import generate as _generate

    return _generate(article, settings, **kwargs)


def render(briefing, fmt="md", **kwargs):
    """Render a :class:`Briefing` as ``"md"`` or ``"html"``; see :func:`briefing.render.render`."""
    from .render import render as _render

    return _render(briefing, fmt, **kwargs)


def load(source, **kwargs):
    """Read an article from a path or ``-``; see :func:`briefing.ingest.load`."""
    from .ingest import load as _load

    return _load(source, **kwargs)


__all__ = [
    "Article", "Briefing", "BriefingError", "ConfigError", "Extraction", "InputError", "ModelError",
    "OutputTruncatedError", "RefusalError", "RenderError", "SCHEMA_VERSION", "Settings", "UngroundedError",
    "Usage", "__version__", "generate", "load", "render",
]
