"""A stored briefing checked again before it is shown: never trust offsets or a version read from a file.

:func:`verified` re-checks every evidence span against the stored text (``0 <= start <= end <= len(text)`` and
``text[start:end] == span.text``); a span that fails is removed (no ✓, no anchor, no "(chars …)"), its item shown
as unverified with the reason, and the grounding figure recomputed. :func:`check_version` refuses a briefing
written by a newer tool (one line, exit 2), since it may mean things this version cannot show.
"""

from __future__ import annotations

import json
import re
from typing import Any

from briefing.errors import InputError
from briefing.schema import SCHEMA_VERSION, Briefing, Span

MISMATCH = "its evidence does not match the stored article text"


def _version(value: Any) -> tuple[int, ...] | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d+(\.\d+)*", value.strip()):
        return None
    return tuple(int(p) for p in value.strip().split("."))


def check_version(document: str | dict[str, Any], name: str) -> None:
    """Refuse a briefing JSON whose ``schema_version`` is newer than this tool's :data:`SCHEMA_VERSION`."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return  # validation says what is wrong with it
    if not isinstance(document, dict):
        return
    stored = _version(document.get("schema_version"))
    if stored is not None and stored > (_version(SCHEMA_VERSION) or ()):
        raise InputError(f"{name}: written with schema version {document['schema_version']}, newer than this "
                         f"tool's {SCHEMA_VERSION}; upgrade briefing to render it")


def span_ok(briefing: Briefing, span: Span) -> bool:
    """The span is the stored text's slice; in a story (``Briefing.sources``: the articles' texts joined in
    ``article.text``), it also lies inside the article its ``source`` names."""
    text = briefing.article.text
    if not (0 <= span.start <= span.end <= len(text) and text[span.start:span.end] == span.text):
        return False
    if span.source is None:
        return True
    sources = briefing.sources
    if not 0 <= span.source < len(sources):
        return False
    src = sources[span.source]
    return src.offset <= span.start and span.end <= src.offset + src.length


def verified(briefing: Briefing) -> Briefing:
    """The briefing with every span re-checked (a copy when any fails; the same object when all hold)."""
    bad = [(path, item) for path, item in briefing.extraction.items()
           if any(not span_ok(briefing, s) for s in item.evidence)]
    if not bad:
        return briefing
    out = briefing.model_copy(deep=True)
    g = out.grounding
    for path, item in out.extraction.items():
        if all(span_ok(out, s) for s in item.evidence):
            continue
        counted = item.supported and not getattr(item, "chosen", False)
        item.evidence = [s for s in item.evidence if span_ok(out, s)]
        item.supported = False
        if MISMATCH not in item.problems:
            item.problems = [*item.problems, MISMATCH]
        if counted:
            g.supported = max(0, g.supported - 1)
            if path not in g.unsupported:
                g.unsupported = [*g.unsupported, path]
    return out
