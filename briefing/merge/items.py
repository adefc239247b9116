"""One item per fact, actor, quote and event: grounded extractions merged, each item with the evidence of every
source that states it.

Each :class:`Sourced` extraction was grounded against its own text; a :class:`Source` says where that text starts in
the merged document (``offset``: the start of a part in the whole article) or which article it is (``index`` into a
story's sources, recorded on every span as ``Span.source``). Spans are moved by ``offset`` so they stay exact slices
of the whole text: ``whole[span.start:span.end] == span.text``.

Two items are the same when a reader would say so, judged on their words (the model writes each part or article
in its own words, so equality is too strict and embeddings are not to be had here):

- actors: the same person or body by name ("Wang Yi", "Wang", "Mr Wang"); a role from any source fills a gap;
- quotes: the same words (one contains the other, or most of their three-word runs are shared), whoever the
  outlets credit; a differing speaker is a conflict, not a second quote;
- facts (key points, issues, outlook, open questions), events and positions: most content words shared, numbers
  left out of the comparison so that "5 dead" and "7 dead" are one fact with a conflict
  (:mod:`briefing.merge.conflicts`) rather than two facts.

Items keep the order in which they first appear; an item stated by more sources comes first within its section
only when ``rank_by_support`` is asked (stories), so a long article keeps its reading order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from briefing.merge.same import same_item
from briefing.schema import Extraction, Item, Quote, Span, max_length
from briefing.sections import NAMES as SECTIONS

@dataclass(frozen=True)
class Source:
    """Where a sourced extraction's text lies: ``offset`` into the merged text (parts of one article), ``index``
    into the briefing's sources (articles of one story; None for one article), and what a reader sees of it."""

    id: str
    index: int | None = None
    offset: int = 0
    label: str | None = None        # "Independent", "Mirror", or "part 2"
    published: str | None = None    # ISO time, when known


@dataclass
class Sourced:
    """One grounded extraction and the source it was grounded against."""

    source: Source
    extraction: Extraction


@dataclass
class Merged:
    """The merged extraction (items carry ``sources`` and all their evidence), the sources in order, and the
    conflicts found between them."""

    extraction: Extraction
    sources: list[Source]
    conflicts: list[Any] = field(default_factory=list)
    #: Items left out of a section because it was full (the schema's bound), by section: said, never silent.
    omitted: dict[str, int] = field(default_factory=dict)

    def support(self, item: Item) -> int:
        """How many sources state ``item``."""
        return len(set(item.sources))


# ------------------------------------------------------------------------------------------------ merging

def _moved(span: Span, source: Source) -> Span:
    return Span(text=span.text, start=span.start + source.offset, end=span.end + source.offset,
                source=source.index if source.index is not None else span.source)


def _placed(item: Item, source: Source, position: int) -> Item:
    """A copy of ``item`` with its spans in the merged text's offsets and its source recorded."""
    copy = item.model_copy(deep=True)
    copy.evidence = [_moved(s, source) for s in item.evidence]
    copy.sources = [position]
    return copy


def _absorb(into: Item, other: Item) -> None:
    """Add ``other``'s evidence and sources to ``into``; fill what ``into`` lacks (a role, a date, a who)."""
    seen = {(s.source, s.start, s.end) for s in into.evidence}
    for span in other.evidence:
        if (span.source, span.start, span.end) not in seen:
            into.evidence.append(span)
            seen.add((span.source, span.start, span.end))
    into.sources = sorted(set(into.sources) | set(other.sources))
    for name in ("role", "date", "who", "iso", "context", "affiliation"):
        if hasattr(into, name) and getattr(into, name, None) in (None, "") and getattr(other, name, None):
            setattr(into, name, getattr(other, name))
    if into.supported is not True and other.supported is True:  # a verified statement of it exists
        into.supported, into.problems, into.located = True, [], other.located
        if isinstance(into, Quote) and isinstance(other, Quote):
            into.speaker, into.model_speaker, into.chosen = other.speaker, other.model_speaker, other.chosen
            into.text = other.text


def merge_section(groups: Sequence[Sequence[Item]], *, same: Callable[[Item, Item], bool] = same_item,
                  rank_by_support: bool = False) -> list[Item]:
    """Merge one section's items, given per source in source order (``groups[i]`` holds source ``i``'s items,
    already placed)."""
    out: list[Item] = []
    place: list[int] = []  # each merged item's position within the source that first stated it
    for group in groups:
        for k, item in enumerate(group):
            match = next((m for m in out if same(m, item)), None)
            if match is None:
                out.append(item)
                place.append(k)
            else:
                _absorb(match, item)
    if rank_by_support:  # most sources first; among equals, each source's first item, then each one's second …
        order = sorted(range(len(out)), key=lambda i: (-len(set(out[i].sources)), place[i], min(out[i].sources)))
        out = [out[i] for i in order]
    return out


def section_cap(name: str) -> int | None:
    """The most items the schema allows in section ``name`` (a merged briefing reads back like any other)."""
    return max_length(Extraction, name)


def merge(parts: Sequence[Sourced], *, rank_by_support: bool = False, conflicts: bool = True) -> Merged:
    """Merge grounded extractions into one. The headline, dateline and bottom line are the first source's (a story
    or a long article has them written again over the merged items: :mod:`briefing.story`); every section's items
    are merged by :func:`same_item`, keeping all evidence. ``conflicts`` finds figures, dates and speakers that the
    sources give differently (:func:`briefing.merge.conflicts.find`)."""
    if not parts:
        raise ValueError("nothing to merge")
    sources = [p.source for p in parts]
    first = parts[0]
    merged = first.extraction.model_copy(deep=True)
    merged.bottom_line = _placed(first.extraction.bottom_line, first.source, 0)
    merged.dateline = _placed(first.extraction.dateline, first.source, 0)
    omitted: dict[str, int] = {}
    for name in SECTIONS:
        groups = [[_placed(item, p.source, i) for item in getattr(p.extraction, name)] for i, p in enumerate(parts)]
        items = merge_section(groups, rank_by_support=rank_by_support)
        cap = section_cap(name)
        if cap is not None and len(items) > cap:
            kept = sorted(sorted(range(len(items)), key=lambda k: -len(set(items[k].sources)))[:cap])
            omitted[name] = len(items) - cap
            items = [items[k] for k in kept]
        setattr(merged, name, items)
    result = Merged(extraction=merged, sources=sources, omitted=omitted)
    if conflicts:
        from briefing.merge.conflicts import find

        result.conflicts = find(parts, merged)
    return result
