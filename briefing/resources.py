"""Where the packaged prompts and templates are: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``prompts`` or ``templates``: shipped in the wheel as ``briefing/<name>``, kept at the repo top level."""
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"briefing's {name}/ folder is missing from this installation")


@lru_cache(maxsize=4)
def prompt_env(folder: str):
    """The Jinja2 environment of a folder of prompt templates (chat text: undefined names fail, nothing escaped)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True, autoescape=False)
