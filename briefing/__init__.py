"""briefing: turn a news article into a one-page, source-grounded diplomatic briefing.

    from briefing import generate, load, render
    b = generate(load("examples/vienna-talks.txt"))   # local model, or OPENAI_API_KEY / OPENAI_BASE_URL
    print(render(b, "md"))

Names are imported lazily so that ``briefing --help`` starts fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "Article": "text.article", "Settings": "config", "SCHEMA_VERSION": "schema", "Briefing": "schema",
    "Extraction": "schema", "BriefingError": "errors", "ConfigError": "errors", "InputError": "errors",
    "ModelError": "errors", "OutputTruncatedError": "errors", "RefusalError": "errors", "RenderError": "errors",
    "UngroundedError": "errors", "Usage": "usage", "generate": "brief", "brief": "brief", "render": "output.render",
    "load": "ingest.core", "generate_story": "story.build",
}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'briefing' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
