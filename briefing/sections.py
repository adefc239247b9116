"""The briefing's sections, stated once: reading order, titles, which profile asks for them, and how they give way
when a page is short. The schema, the prompts, the templates, the page trimming and the settings all read this.

This module imports nothing, so the command line can offer ``--sections`` choices without loading pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    #: (singular, plural) label of one item, for "2 of 5 timeline events".
    label: tuple[str, str]
    #: Trim priority: lower goes first when a page is short (the headline and bottom line never go).
    trim_rank: int
    #: Items of the section that are never trimmed.
    floor: int


#: The sections after headline and bottom line, in document order.
TABLE: tuple[Section, ...] = (
    Section("key_points", "Key points", ("key point", "key points"), trim_rank=7, floor=3),
    Section("actors", "Actors", ("actor", "actors"), trim_rank=4, floor=1),
    Section("positions", "Positions", ("position", "positions"), trim_rank=5, floor=1),
    Section("timeline", "Timeline", ("timeline event", "timeline events"), trim_rank=3, floor=1),
    Section("quotes", "Quotes", ("quote", "quotes"), trim_rank=2, floor=0),
    Section("issues", "Issues at stake", ("issue", "issues"), trim_rank=1, floor=0),
    Section("outlook", "Outlook", ("outlook item", "outlook items"), trim_rank=6, floor=1),
    Section("open_questions", "Open questions", ("open question", "open questions"), trim_rank=0, floor=0),
)
BY_NAME = {s.name: s for s in TABLE}
NAMES: tuple[str, ...] = tuple(s.name for s in TABLE)

#: Which sections a model is asked for. ``brief`` is the embedded local model's default: on two CPU cores every
#: output token costs ~0.15 s, so the model writes what only it can (key points, actors, positions, timeline,
#: outlook) and the tool takes the quotes from the article itself, with the speaker the article credits
#: (:func:`briefing.grounding.finalize.article_quotes`; eval/FINDINGS.md has the before and after).
PROFILES: dict[str, tuple[str, ...]] = {
    "full": NAMES,
    "brief": ("key_points", "actors", "positions", "timeline", "outlook"),
}
PROFILE_NAMES: tuple[str, ...] = tuple(PROFILES)

#: Sections from lowest to highest trim priority.
TRIM_ORDER: tuple[Section, ...] = tuple(sorted(TABLE, key=lambda s: s.trim_rank))
