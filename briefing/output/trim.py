"""Fitting a briefing to its pages: which items give way first, by the trim priorities of
:data:`briefing.sections.TABLE`."""

from __future__ import annotations

from typing import Any

from briefing.sections import TRIM_ORDER


def trim_plan(extraction: Any) -> list[str]:
    """The order items are dropped in: one pass after another, each pass taking the last item of every section
    above its floor, lowest-priority section first. Returns section names, one per dropped item."""
    left = {s.name: len(getattr(extraction, s.name)) for s in TRIM_ORDER}
    plan: list[str] = []
    while True:
        step = [s.name for s in TRIM_ORDER if left[s.name] > s.floor]
        if not step:
            return plan
        for name in step:
            left[name] -= 1
        plan.extend(step)


def trim(briefing: Any, k: int) -> tuple[Any, list[str]]:
    """A copy of ``briefing`` without the first ``k`` items of :func:`trim_plan`, and what was left out
    (e.g. ``"2 of 5 timeline events"``)."""
    copy = briefing.model_copy(deep=True)
    ex = copy.extraction
    dropped: dict[str, int] = {}
    for name in trim_plan(ex)[:k]:
        dropped[name] = dropped.get(name, 0) + 1
    omitted = []
    for section in TRIM_ORDER:
        n = dropped.get(section.name, 0)
        if n:
            items = getattr(ex, section.name)
            omitted.append(f"{n} of {len(items)} {section.label[len(items) != 1]}")
            setattr(ex, section.name, items[:len(items) - n])
    return copy, omitted
