"""The extraction a model fills, and the grounded briefing document built around it.

Field descriptions are the model's instructions: the system prompt lists them and the JSON Schema carries them.
Fields a model must not write (evidence spans, verification flags, resolved ISO dates) are computed after the
call and hidden from the model's schema with ``SkipJsonSchema``; they still validate when a briefing JSON is read
back. Every list and string is bounded: the bounds become part of the decoding grammar of local models, which
stops a small model from looping until max_tokens.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic.json_schema import SkipJsonSchema

SCHEMA_VERSION = "1.0"

#: ICD 203 likelihood bands, lowest to highest, with their probability ranges.
LIKELIHOOD_BANDS: dict[str, str] = {
    "almost no chance": "1-5%",
    "very unlikely": "5-20%",
    "unlikely": "20-45%",
    "roughly even chance": "45-55%",
    "likely": "55-80%",
    "very likely": "80-95%",
    "almost certain": "95-99%",
}
Likelihood = Literal[
    "almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely", "very likely",
    "almost certain",
]
Confidence = Literal["low", "moderate", "high"]

#: PLOVER event types (the event ontology behind POLECAT).
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
PloverType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]

Ids = Annotated[
    list[Annotated[int, Field(ge=1, le=999)]],
    Field(min_length=1, max_length=3,
          description="Evidence: ids of the numbered article sentences [n] that state this item."),
]


def _text(max_chars: int, description: str) -> Any:
    return Field(min_length=1, max_length=max_chars, description=description)


def _items(max_items: int, description: str, min_items: int = 0) -> Any:
    """A required, bounded list: required so a grammar cannot skip it, bounded so it cannot loop."""
    return Field(min_length=min_items, max_length=max_items, description=description)


class Span(BaseModel):
    """A verbatim slice of the article: ``article[start:end] == text``."""

    model_config = ConfigDict(extra="forbid")
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Item(BaseModel):
    """Base of every briefing item: what the model cites, and what grounding found."""

    model_config = ConfigDict(extra="forbid")

    evidence: SkipJsonSchema[list[Span]] = Field(
        default_factory=list, description="Verbatim spans of the article supporting the item (computed).")
    supported: SkipJsonSchema[bool | None] = Field(
        default=None, description="Whether the evidence was verified in the article (computed).")
    problems: SkipJsonSchema[list[str]] = Field(
        default_factory=list, description="Why the item is not supported, when it is not (computed).")
    located: SkipJsonSchema[bool] = Field(
        default=False, description="The evidence was found by the tool because the sentences the model cited "
                                   "did not state the item (computed).")


class Cited(Item):
    """An item the model supports by citing sentence ids; ``ev`` is declared last in each subclass so the model
    writes the claim first and then finds the sentences that state it."""


class Point(Cited):
    text: str = _text(220, "One factual statement from the article, at most 30 words.")
    ev: Ids


class Dateline(Item):
    place: str | None = Field(max_length=60, description="Place of the dateline, as stated, or null.")
    date: str | None = Field(max_length=40, description="Date of the dateline, as stated, or null.")
    iso: SkipJsonSchema[str | None] = Field(default=None, description="ISO date when derivable (computed).")


class BottomLine(Cited):
    text: str = _text(420, "Bottom line up front: at most 2 sentences, at most 60 words.")
    ev: Ids


class Actor(Cited):
    name: str = _text(80, "Person or body, named as in the article.")
    role: str | None = Field(max_length=100, description="Role or title, as stated, or null.")
    affiliation: str | None = Field(max_length=80, description="Country or organisation, or null.")
    stance: str | None = Field(max_length=200, description="The actor's stated stance, at most 25 words, or null.")
    ev: Ids


class Position(Cited):
    party: str = _text(60, "A party to the matter, e.g. a country or organisation.")
    stance: str = _text(220, "What this party stated or wants, at most 30 words.")
    ev: Ids


class Event(Cited):
    date: str | None = Field(max_length=40, description="When, as the article states it, or null.")
    what: str = _text(200, "What happened, at most 25 words.")
    who: str | None = Field(max_length=80, description="Who acted, or null.")
    recipient: str | None = Field(default=None, max_length=80, description="Who it was aimed at, if any.")
    type: PloverType = Field(description="PLOVER event type of what happened.")
    mode: str | None = Field(default=None, max_length=40, description="PLOVER mode, only where clear.")
    context: str | None = Field(default=None, max_length=40, description="PLOVER context, only where clear.")
    ev: Ids
    iso: SkipJsonSchema[str | None] = Field(default=None, description="ISO date when derivable (computed).")


class Quote(Item):
    speaker: str = _text(80, "Who said it, exactly as the article attributes it (an anonymous official "
                             "stays anonymous).")
    text: str = _text(400, "The quoted words, copied character for character from the article.")
    context: str | None = Field(default=None, max_length=160, description="What the quote was about.")


class Outlook(Cited):
    text: str = _text(220, "A next step, scheduled event or thing to watch, at most 30 words.")
    likelihood: Likelihood = Field(description="ICD 203 likelihood that it happens.")
    confidence: Confidence = Field(description="Confidence in that judgement.")
    basis: str = _text(160, "What the confidence rests on, at most 20 words.")
    ev: Ids


class Question(Cited):
    text: str = _text(200, "Something the article leaves unanswered, as a question.")
    ev: Ids


class Extraction(BaseModel):
    """The structured briefing a model extracts from one article."""

    model_config = ConfigDict(extra="forbid")

    headline: str = _text(120, "Briefing headline, at most 14 words.")
    dateline: Dateline = Field(description="Dateline of the article.")
    bottom_line: BottomLine = Field(description="The bottom line up front.")
    key_points: list[Point] = _items(6, "3 to 6 key points, most important first.", min_items=3)
    actors: list[Actor] = _items(5, "The main actors, most important first.", min_items=1)
    positions: list[Position] = _items(4, "Each party's stated position.", min_items=1)
    timeline: list[Event] = _items(5, "Events in the order they happened.", min_items=1)
    quotes: list[Quote] = _items(3, "The most telling direct quotes (none if the article has none).")
    issues: list[Point] = _items(4, "The matters at stake.", min_items=1)
    outlook: list[Outlook] = _items(3, "Next steps, scheduled events and what to watch.", min_items=1)
    open_questions: list[Question] = _items(3, "What the article leaves unanswered.", min_items=1)

    @model_validator(mode="after")
    def _check_against_article(self, info: ValidationInfo) -> "Extraction":
        """Let the caller's grounding check run inside validation, so a model is re-asked with the failures.

        The check comes in the validation context (``{"check": callable}``); without one, nothing is checked.
        """
        check = (info.context or {}).get("check") if info is not None else None
        if check is not None:
            check(self)
        return self

    def items(self) -> list[tuple[str, Item]]:
        """Every item with its path, e.g. ``("key_points[2]", Point(...))``, in document order."""
        out: list[tuple[str, Item]] = [("dateline", self.dateline), ("bottom_line", self.bottom_line)]
        for name in ("key_points", "actors", "positions", "timeline", "quotes", "issues", "outlook",
                     "open_questions"):
            out.extend((f"{name}[{i}]", item) for i, item in enumerate(getattr(self, name)))
        return out


class ArticleInfo(BaseModel):
    """The article as the briefing saw it; span offsets index ``text``."""

    model_config = ConfigDict(extra="forbid")
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    date: str | None = Field(default=None, description="Reference date (ISO) used to resolve relative dates.")
    language: str | None = None


class Grounding(BaseModel):
    """What the briefing could and could not support from the article."""

    model_config = ConfigDict(extra="forbid")
    supported: int = 0
    total: int = 0
    unsupported: list[str] = Field(default_factory=list, description="Paths of unsupported items.")
    dropped_quotes: list[Quote] = Field(default_factory=list,
                                        description="Quotes that failed verification and are not shown.")
    unknown_names: list[str] = Field(default_factory=list,
                                     description="Names in the briefing that the article does not contain.")

    @property
    def figure(self) -> str:
        return f"{self.supported} of {self.total} items supported by the text"


class Meta(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str | None = None
    provider: str | None = None
    endpoint: str | None = None
    usage: dict[str, Any] = Field(default_factory=dict)
    prompt_hash: str | None = None
    created: str | None = None
    tool_version: str | None = None


class Briefing(BaseModel):
    """The document ``briefing generate -f json`` writes and ``briefing render`` reads."""

    model_config = ConfigDict(extra="forbid")
    schema_version: str = SCHEMA_VERSION
    article: ArticleInfo
    extraction: Extraction
    grounding: Grounding = Field(default_factory=Grounding)
    meta: Meta = Field(default_factory=Meta)


def extraction_json_schema() -> dict[str, Any]:
    """The JSON Schema of what the model fills (``briefing schema``)."""
    schema = Extraction.model_json_schema()
    schema["$id"] = f"https://briefing.invalid/schema/extraction-{SCHEMA_VERSION}.json"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
