"""Where sources disagree: figures with their nouns ("at least 5 dead" against "7 killed"), the dates of the same
event, the place of a dateline, and who spoke the same words. Found, never averaged: each value is kept with the
sources that give it and the time they were published, and the latest one is marked, since later reports often
revise earlier ones.

A figure is a number (digits or a number word) with what it counts: the noun or verb beside it, read into a few
classes a reader compares across reports (dead, injured, arrested, missing, rescued, people, money) or else the
counted noun's stem. Years, ages, clock times and ordinals are not figures.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from briefing.merge.same import same_item, same_name, same_quote
from briefing.schema import Conflict, ConflictValue, Event, Extraction
from briefing.text.lexicon import (FIGURE_CLASSES, FIGURE_QUALIFIERS, FIGURE_SKIP_WORDS, NOT_FIGURE_WORDS,
                                   NUMBER_WORDS)

_BY_WORD = {w: cls for cls, ws in FIGURE_CLASSES.items() for w in ws}
_TOKEN = re.compile(r"[£$€]?\d[\d,]*(?:\.\d+)?(?:\s?(?:m|bn|million|billion|%))?|[A-Za-z]+(?:-[A-Za-z]+)*|[:]")
_NUMERIC = re.compile(r"([£$€]?)(\d[\d,]*(?:\.\d+)?)(?:\s?(m|bn|million|billion|%))?$")


def _value(token: str) -> tuple[float, str] | None:
    low = token.lower()
    if low in NUMBER_WORDS:
        return float(NUMBER_WORDS[low]), low
    m = _NUMERIC.match(token)
    if not m:
        return None
    num = float(m.group(2).replace(",", ""))
    scale = {"m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}.get((m.group(3) or "").lower(), 1)
    return num * scale, token


def figures(text: str) -> list[tuple[str, float, str]]:
    """``(what, value, as written)`` for each figure in ``text``: "at least five people died" → ("dead", 5.0,
    "at least five")."""
    tokens = _TOKEN.findall(text or "")
    low = [t.lower() for t in tokens]
    out: list[tuple[str, float, str]] = []
    for i, tok in enumerate(tokens):
        got = _value(tok)
        if got is None:
            continue
        value, _ = got
        after = low[i + 1:i + 5]
        if after[:1] and (after[0] in NOT_FIGURE_WORDS or after[0] == ":"):
            continue
        if 1800 <= value <= 2100 and "," not in tok and tok.isdigit():
            continue  # a year
        if i > 0 and low[i - 1] in ("aged", "age", "number", "no", "route", "platform", "at", "on", "since"):
            continue
        what = None
        for w in after:  # "five people were killed", "51 injured", "seven dead"
            if w in _BY_WORD:
                what = _BY_WORD[w]
                break
            if w not in FIGURE_SKIP_WORDS:
                break
        if what is None:  # "killing seven", "the death toll rose to seven", "injuring 51"
            before = low[max(0, i - 4):i]
            what = next((_BY_WORD[w] for w in reversed(before) if w in _BY_WORD), None)
        if what is None and tok[:1] in "£$€":
            what = "money"
        if what is None and after and after[0] in ("people", "persons", "passengers"):
            what = "people"
        if what is None:
            continue
        qual = next((q for q in FIGURE_QUALIFIERS if " ".join(low[max(0, i - 2):i]).endswith(q)), None)
        out.append((what, value, f"{qual} {tok}" if qual else tok))
    return out


def _claims(ex: Extraction) -> Iterable[str]:
    yield ex.bottom_line.text
    for section in ("key_points", "issues", "outlook"):
        for item in getattr(ex, section):
            yield item.text
    for e in ex.timeline:
        yield e.what
    for p in ex.positions:
        yield p.stance


def _values(found: dict[str, list[int]], published: Sequence[str | None]) -> list[ConflictValue]:
    values = []
    for value, srcs in found.items():
        times = [published[s] for s in srcs if published[s]]
        values.append(ConflictValue(value=value, sources=sorted(set(srcs)), published=max(times) if times else None))
    dated = [v for v in values if v.published]
    if len(dated) == len(values) and len({v.published for v in values}) == len(values):
        max(values, key=lambda v: v.published or "").latest = True
    values.sort(key=lambda v: (v.published or "", v.value))
    return values


def find(parts: Sequence, merged: Extraction) -> list[Conflict]:
    """Conflicts among the sourced extractions ``parts`` (see :mod:`briefing.merge.items`), given the merged
    extraction (whose quotes and events are the same item across sources)."""
    published = [p.source.published for p in parts]
    conflicts: list[Conflict] = []

    # Figures: what each source says of each class (its largest figure per class, as a report's headline toll).
    by_what: dict[str, dict[float, tuple[str, list[int]]]] = {}
    for i, part in enumerate(parts):
        best: dict[str, tuple[float, str]] = {}
        for text in _claims(part.extraction):
            for what, value, label in figures(text):
                if what not in best or value > best[what][0]:
                    best[what] = (value, label)
        for what, (value, label) in best.items():
            _, srcs = by_what.setdefault(what, {}).setdefault(value, (label, []))
            srcs.append(i)
    for what, vals in by_what.items():
        if len(vals) > 1:
            found = {label: srcs for _, (label, srcs) in sorted(vals.items())}
            conflicts.append(Conflict(kind="number", about=what, values=_values(found, published)))

    # The same event on different dates.
    for event in merged.timeline:
        dates: dict[str, list[int]] = {}
        for i, part in enumerate(parts):
            for e in part.extraction.timeline:
                if i in event.sources and e.iso and _same_event(e, event):
                    dates.setdefault(e.iso, []).append(i)
        if len(dates) > 1:
            conflicts.append(Conflict(kind="date", about=event.what, values=_values(dates, published)))

    # The same words credited to different people.
    for quote in merged.quotes:
        speakers: dict[str, list[int]] = {}
        for i, part in enumerate(parts):
            for q in part.extraction.quotes:
                if i in quote.sources and q.supported and same_quote(q.text, quote.text):
                    key = next((k for k in speakers if same_name(k, q.speaker)), q.speaker)
                    speakers.setdefault(key, []).append(i)
        if len(speakers) > 1:
            conflicts.append(Conflict(kind="speaker", about=_short(quote.text), values=_values(speakers, published)))

    # Wire datelines that name different places (the opening's place phrases differ in wording, not in fact:
    # "downtown Seattle", "Seattle"; they are no dateline to disagree on).
    places: dict[str, list[int]] = {}
    for i, part in enumerate(parts):
        place = part.extraction.dateline.place
        if place and not part.extraction.dateline.opening:
            key = next((k for k in places if k.lower() == place.lower()), place)
            places.setdefault(key, []).append(i)
    if len(places) > 1:
        conflicts.append(Conflict(kind="place", about="dateline", values=_values(places, published)))
    return conflicts


def _same_event(a: Event, b: Event) -> bool:
    return same_item(a, b) or a.what == b.what


def _short(text: str, n: int = 8) -> str:
    w = text.split()
    return " ".join(w[:n]) + (" …" if len(w) > n else "")

