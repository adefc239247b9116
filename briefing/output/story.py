"""How a story's parts read on the page: a source's time ("9 Nov 21:13"), an item's support ("3 of 5 sources",
"single source"), a conflict in one line with its sources and the latest marked."""

from __future__ import annotations

from typing import Any, Sequence

from briefing.schema import Conflict, SourceInfo


def when(published: str | None) -> str:
    """'9 Nov 21:13' (the time left out at midnight, which is what a date without a time reads as)."""
    from datetime import datetime

    if not published:
        return "undated"
    try:
        t = datetime.fromisoformat(published)
    except ValueError:
        return published
    return f"{t.day} {t:%b}" + (f" {t:%H:%M}" if (t.hour, t.minute) != (0, 0) else "")


def conflict_line(conflict: Conflict, sources: Sequence[SourceInfo]) -> str:
    """'dead: at least five (independent, 9 Nov), seven (mirror, 9 Nov 21:13; latest)'."""
    parts = []
    for v in conflict.values:
        names = ", ".join(f"{sources[i].publisher or sources[i].id}" for i in v.sources[:3])
        if len(v.sources) > 3:
            names += f" +{len(v.sources) - 3}"
        parts.append(f"{v.value} ({names}, {when(v.published)}{'; latest' if v.latest else ''})")
    return f"{conflict.about}: " + ", ".join(parts)


def support(item: Any, sources: Sequence[SourceInfo]) -> str | None:
    """"3 of 5 sources" or "single source" for an item of a story; None for a briefing of one article."""
    if not sources:
        return None
    n = len(set(getattr(item, "sources", []) or []))
    if n == 0:
        return None
    return "single source" if n == 1 else f"{n} of {len(sources)} sources"
