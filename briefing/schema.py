"""The extraction a model fills, and the grounded briefing document built around it.

Field descriptions are the model's instructions: the system prompt lists them and the JSON Schema carries them.
Fields a model must not write (evidence spans, verification flags, resolved ISO dates) are computed after the
call and hidden from the model's schema with ``SkipJsonSchema``; they still validate when a briefing JSON is read
back. Every list and string is bounded: the bounds become part of the decoding grammar of local models, which
stops a small model from looping until max_tokens.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, create_model, model_validator
from pydantic.json_schema import SkipJsonSchema

from briefing.roles import Role

SCHEMA_VERSION = "1.6"

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
    # The schema (and the grammar made from it) says 1..999; validation takes any integer, so that an id the model
    # got wrong ([0], like an id past the article's end) is a grounding failure named to the model and flagged on
    # the item, not a rejected answer (one 0 had failed a whole long article's briefing after its re-ask).
    list[Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": 999})]],
    Field(min_length=1, max_length=3,
          description="Ids of the article sentences [n] that state this item (find them; any order)."),
]


#: What small models write for "nothing" in an optional text ("role": "None"): read as null.
NULL_WORDS = frozenset({"none", "null", "n/a", "na", "unknown", "not stated", "not specified", "unspecified", "-"})


def _null_word(value: Any) -> Any:
    if isinstance(value, str) and value.strip().strip(".").lower() in NULL_WORDS | {""}:
        return None
    return value


#: An optional text the model fills; a placeholder word is null.
MaybeText = Annotated[str | None, BeforeValidator(_null_word)]


def _text(max_chars: int, description: str) -> Any:
    return Field(min_length=1, max_length=max_chars, description=description)


def _items(max_items: int, description: str, min_items: int = 0, optional: bool = False,
           ask: int | None = None) -> Any:
    """A bounded list, bounded so a grammar cannot loop; required in every model schema (``_all_required``).
    ``optional`` sections default to empty when a profile does not ask for them. ``ask``: the minimum the model's
    schema (and so its grammar) asks for, above the ``min_items`` a briefing read back must have (briefings made
    when fewer were asked stay valid)."""
    extra = {"minItems": ask} if ask is not None else None
    if optional:  # the minimum binds the model (schema, grammar), not a briefing read back without the section
        return Field(default_factory=list, max_length=max_items, description=description,
                     json_schema_extra={"minItems": ask if ask is not None else min_items})
    return Field(min_length=min_items, max_length=max_items, description=description, json_schema_extra=extra)


class Span(BaseModel):
    """A verbatim slice of the article: ``article[start:end] == text``."""

    model_config = ConfigDict(extra="forbid")
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source: int | None = Field(default=None, description="Index of the source article in a briefing of several "
                                                         "(``Briefing.sources``); None: the briefing's article.")


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
    sources: SkipJsonSchema[list[int]] = Field(
        default_factory=list, description="In a briefing merged from several sources: the indexes of the sources "
                                          "that state the item (computed by the merge).")


class Cited(Item):
    """An item the model supports by citing sentence ids; ``ev`` is declared last in each subclass so the model
    writes the claim first and then finds the sentences that state it."""


class Point(Cited):
    text: Annotated[str, Role.TEXT] = _text(220, "One fact, at most 15 words, in your own words.")
    ev: Ids


class Dateline(Item):
    """Where and when: the wire dateline the text opens with, or else (``opening``) the place and time its
    opening sentences give for the event — found by the tool, verbatim, never asked of the model."""

    place: Annotated[str | None, Role.NAME] = Field(max_length=60, description="Place of the dateline, as written, "
                                                                             "or null.")
    date: Annotated[str | None, Role.DATE] = Field(max_length=40, description="Date of the dateline, as written, "
                                                                            "or null.")
    iso: SkipJsonSchema[str | None] = Field(default=None, description="ISO date when derivable (computed).")
    opening: SkipJsonSchema[bool] = Field(default=False, description="Place and time taken from the article's "
                                          "opening sentences (no wire dateline): shown, not counted as a claim.")


class BottomLine(Cited):
    text: Annotated[str, Role.TEXT] = _text(420, "Who did what, where, when and why, in one sentence of at most 30 "
                                                 "words; give the day or date the article gives.")
    ev: Ids


class Actor(Cited):
    name: Annotated[str, Role.NAME] = _text(80, "Person or body, named as in the article.")
    role: Annotated[MaybeText, Role.TITLE] = Field(max_length=100, description="Role or title, as stated, or null.")
    affiliation: SkipJsonSchema[Annotated[str | None, Role.NAME]] = Field(
        default=None, max_length=80, description="Country or organisation (not asked of the model).")
    stance: SkipJsonSchema[Annotated[str | None, Role.TEXT]] = Field(
        default=None, max_length=200, description="The actor's stance (not asked; see positions).")
    ev: Ids


class Position(Cited):
    party: Annotated[str, Role.NAME] = _text(60, "A party to the matter, e.g. a country or organisation.")
    stance: Annotated[str, Role.TEXT] = _text(220, "What it stated or wants, at most 15 words.")
    ev: Ids


class Event(Cited):
    date: Annotated[MaybeText, Role.DATE] = Field(max_length=40,
                                                  description="When, as the article states it, or null.")
    what: Annotated[str, Role.TEXT] = _text(200, "What happened, at most 12 words.")
    who: Annotated[MaybeText, Role.NAME] = Field(max_length=80, description="Who acted, or null.")
    recipient: SkipJsonSchema[Annotated[str | None, Role.NAME]] = Field(
        default=None, max_length=80, description="Who it was aimed at (not asked of the model).")
    type: PloverType | None = Field(description="PLOVER event type, or null if none fits (an accident, a game).")
    mode: SkipJsonSchema[str | None] = Field(default=None, max_length=40,
                                             description="PLOVER mode (not asked of the model).")
    context: SkipJsonSchema[str | None] = Field(default=None, max_length=40,
                                                description="PLOVER context (not asked of the model).")
    ev: Ids
    iso: SkipJsonSchema[str | None] = Field(default=None, description="ISO date when derivable (computed).")
    model_type: SkipJsonSchema[PloverType | None] = Field(
        default=None, description="The PLOVER type the model gave, when the tool removed it because neither the "
                                  "event nor its sentences show any sign of it (computed).")


class Quote(Item):
    speaker: Annotated[str, Role.NAME] = _text(80, "Who the article says spoke the words (an unnamed official stays "
                                                   "unnamed).")
    text: Annotated[str, Role.QUOTE] = _text(400, "Words inside quotation marks, copied exactly.")
    context: SkipJsonSchema[Annotated[str | None, Role.TEXT]] = Field(
        default=None, max_length=160, description="What the quote was about (not asked of the model).")
    model_speaker: SkipJsonSchema[Annotated[str | None, Role.NAME]] = Field(
        default=None, max_length=80, description="The speaker the model named, when the article attributes the "
                                                 "words to someone else and the tool took the speaker from it "
                                                 "(computed).")
    chosen: SkipJsonSchema[bool] = Field(
        default=False, description="Chosen from the article by the tool, because the model gave no quote that "
                                   "could be verified (computed; not counted in the grounding figure).")


class Outlook(Cited):
    text: Annotated[str, Role.TEXT] = _text(220, "A next step the article expects (a meeting, visit, vote, "
                                                 "decision), at most 15 words.")
    likelihood: Likelihood = Field(description="ICD 203 likelihood that it happens.")
    confidence: Confidence = Field(description="Confidence in that judgement.")
    basis: Annotated[str, Role.TEXT] = _text(160, "What that rests on, at most 10 words.")
    ev: Ids


class Question(Cited):
    text: Annotated[str, Role.TEXT] = _text(200, "A question the article leaves open, at most 12 words.")
    ev: Ids


def _all_required(schema: dict[str, Any]) -> None:
    """Every section the model sees is required, so a decoding grammar cannot skip one."""
    schema["required"] = list(schema.get("properties", {}))


from briefing.sections import NAMES as SECTIONS, PROFILES  # noqa: E402  (the one table of sections)


class Sections(BaseModel):
    """What every extraction shares: the grounding check, the tool-found dateline, items in document order."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_all_required)

    dateline: SkipJsonSchema[Dateline] = Field(
        default_factory=lambda: Dateline(place=None, date=None),
        description="Dateline the article's text opens with (found by the tool, not asked of the model).")

    @model_validator(mode="after")
    def _check_against_article(self, info: ValidationInfo) -> "Sections":
        """Let the caller's grounding check run inside validation, so a model is re-asked with the failures.

        The check comes in the validation context (``{"check": callable}``); without one, nothing is checked.
        """
        check = (info.context or {}).get("check") if info is not None else None
        if check is not None:
            check(self)
        return self

    def items(self) -> list[tuple[str, Item]]:
        """Every item with its path, e.g. ``("key_points[2]", Point(...))``, in document order."""
        out: list[tuple[str, Item]] = [("dateline", self.dateline), ("bottom_line", getattr(self, "bottom_line"))]
        for name in SECTIONS:
            out.extend((f"{name}[{i}]", item) for i, item in enumerate(getattr(self, name, [])))
        return out


class Extraction(Sections):
    """The structured briefing a model extracts from one article (all sections; those outside the asked
    profile stay empty)."""

    headline: Annotated[str, Role.HEADLINE] = _text(120, "Headline, at most 10 words.")
    key_points: list[Point] = _items(6, "4 to 6 key points, most important first: what happened, where and "
                                                 "how, why it happened or matters, and what comes next.",
                                     min_items=3, ask=4)
    actors: list[Actor] = _items(5, "The main actors.", min_items=1)
    positions: list[Position] = _items(4, "Each party's position.", min_items=1, optional=True)
    timeline: list[Event] = _items(5, "Main events, in order.", min_items=1, optional=True)
    quotes: list[Quote] = _items(3, "1 to 3 telling direct quotes; [] only if the article quotes no one.",
                                 optional=True)
    issues: list[Point] = _items(4, "What is at stake.", min_items=1, optional=True)
    outlook: list[Outlook] = _items(3, "What to watch next.", min_items=1)
    open_questions: list[Question] = _items(3, "What the article leaves open.", min_items=1, optional=True)
    #: Written last, so the model sums up what it has written rather than copying the article's first sentence
    #: (the page shows it first).
    bottom_line: BottomLine = Field(description="The bottom line up front, written last: the sum of the points "
                                                   "above, not the article's first sentence.")


def max_length(model: type[BaseModel], field: str) -> int | None:
    """The ``max_length`` bound of ``model.field`` (a text's grammar cap, a list's most items), or None."""
    info = model.model_fields.get(field)
    if info is None:
        return None
    return next((m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None), None)


def min_length(model: type[BaseModel], field: str) -> int:
    """The ``min_length`` bound of ``model.field`` (the fewest items a briefing's section holds), or 0."""
    info = model.model_fields.get(field)
    if info is None:
        return 0
    return next((m.min_length for m in info.metadata if getattr(m, "min_length", None) is not None), 0)


def leave_out(ex: BaseModel, path: str, item: BaseModel) -> bool:
    """Take ``item`` (at ``path`` in ``ex``) off its section's list, unless it is no list's item (the bottom line)
    or the section holds no more than the fewest items its schema asks for; whether it went."""
    section = item_place(path)[0]
    items = getattr(ex, section)
    if not isinstance(items, list) or len(items) <= min_length(type(ex), section):
        return False
    items.remove(item)
    return True


#: The field that holds what an item claims, in its own words (checked against its sentences, measured for
#: copying, sent back by the rewrite pass).
CLAIM_FIELD: dict[type, str] = {Point: "text", BottomLine: "text", Outlook: "text", Question: "text",
                                Position: "stance", Event: "what"}


def claim_text(item: Item) -> str:
    """What ``item`` claims in its own words (:data:`CLAIM_FIELD`; '' for items without such a field)."""
    field = CLAIM_FIELD.get(type(item))
    return (getattr(item, field, None) or "") if field else ""


def extraction_model(profile: str = "full") -> type[Sections]:
    """The model a call asks for: :class:`Extraction`, or a model with only the profile's sections (its answer
    converts with ``Extraction.model_validate(answer.model_dump())``)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown sections profile {profile!r}; choose one of {', '.join(PROFILES)}")
    return _profile_model(profile)


@lru_cache(maxsize=None)
def _profile_model(profile: str) -> type[Sections]:
    if profile == "full":
        return Extraction
    keep = {"headline", "bottom_line", *PROFILES[profile]}
    fields = {n: (f.annotation, f) for n, f in Extraction.model_fields.items() if n in keep}  # the schema's order
    return create_model(f"Extraction_{profile}", __base__=Sections, __doc__=Extraction.__doc__, **fields)


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
    split: int = Field(default=1, ge=1, description="The sentence split the model's sentence ids refer to "
                                                    "(briefing.text.article.SPLIT_VERSION when it was written; "
                                                    "1 in briefings of schema 1.3 and before).")


class CopiedRun(BaseModel):
    """The longest run of words a text copies from the article, outside quotation marks
    (:func:`briefing.grounding.copying.copied_run`)."""

    model_config = ConfigDict(extra="forbid")
    words: int = Field(ge=0, description="Words copied in a row.")
    text: str = Field(description="Those words, lower-cased.")
    sentence: int | None = Field(default=None, description="Id of the article sentence the text copies (most of "
                                                           "it, in a row), or None.")


class CopiedItem(BaseModel):
    """An item whose own words copy more than 25 words of the article in a row, after the model's rewrite and the
    tool's shortening (:mod:`briefing.grounding.uncopy`): left out of the page when unsupported, else shown."""

    model_config = ConfigDict(extra="forbid")
    path: str = Field(description="Where the model put it (`key_points[2]`, `outlook[1]` ...).")
    copied: CopiedRun = Field(description="The run it copies.")
    left_out: bool = Field(description="Left out of the page (it was not supported either).")
    item: dict[str, Any] | None = Field(
        default=None, description="The item left out, as the model gave it, so that grounding the answer again "
                                  "starts from all of it (schema 1.6; None when shown, or before).")

    @property
    def note(self) -> str:
        """ "key point 3 (27 words in a row)": the item as a reader counts it."""
        return f"{path_label(self.path)} ({self.copied.words} words in a row)"


def item_place(path: str) -> tuple[str, int | None]:
    """Where an item's path puts it: ``key_points[2]`` is ``("key_points", 2)``, ``bottom_line`` is
    ``("bottom_line", None)``."""
    name, _, rest = path.partition("[")
    return name, int(rest.rstrip("]")) if rest else None


def path_label(path: str) -> str:
    """An item's path as a reader counts it: ``key_points[2]`` is "key point 3"."""
    from briefing.sections import BY_NAME

    name, index = item_place(path)
    section = BY_NAME.get(name)
    return f"{section.label[0] if section else name} {(index or 0) + 1}"


class EchoedItem(BaseModel):
    """An item of the model's answer that repeats the prompt's example answer, not the article
    (:mod:`briefing.grounding.echo`): left out of the page."""

    model_config = ConfigDict(extra="forbid")
    path: str = Field(description="Where the model put it (`positions[0]` ...).")
    item: dict[str, Any] = Field(description="The item as the model gave it, so that grounding the answer again "
                                             "starts from all of it.")


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
    addressed_to_model: list[int] = Field(
        default_factory=list, description="Ids of the article's sentences that address an AI model (prompt "
                                          "injection); never used as evidence.")
    headline: list[str] | None = Field(
        default=None, description="Why the headline is not supported by the article's sentences ([]: checked and "
                                  "supported; None: not checked, as in briefings made before #15).")
    bottom_line_copy: CopiedRun | None = Field(
        default=None, description="The bottom line's longest run copied from the article, and the sentence it "
                                  "copies if it copies one (None: not checked, as before schema 1.3).")
    copied_items: list[CopiedItem] = Field(
        default_factory=list, description="Items whose text copies more than 25 words of the article in a row: "
                                          "left out when unsupported, else shown (schema 1.5; none before).")
    echoed: list[EchoedItem] = Field(
        default_factory=list, description="Paths, in the model's answer, of the items left out because they repeat "
                                          "the prompt's example answer, not the article (schema 1.6; none before).")

    @property
    def left_out(self) -> list[CopiedItem]:
        return [c for c in self.copied_items if c.left_out]

    @property
    def copied_shown(self) -> list[CopiedItem]:
        return [c for c in self.copied_items if not c.left_out]

    @property
    def echoed_labels(self) -> list[str]:
        """The items left out as echoes of the prompt's example, as a reader counts them ("position 1")."""
        return [path_label(e.path) for e in self.echoed]

    @property
    def figure(self) -> str:
        return f"{self.supported} of {self.total} items supported by the text"


class SourceInfo(BaseModel):
    """One article of a briefing drawn from several (a story): what a reader needs to find it again."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = Field(default=None, description="Publication time (ISO), when known.")
    offset: int = Field(default=0, ge=0, description="Where the article's text starts in the briefing's "
                                                     "``article.text`` (the sources' texts joined).")
    length: int = Field(default=0, ge=0, description="Characters of the article's text there.")
    words: int = 0


class ConflictValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str = Field(description="The figure, date, place or name as one source gives it.")
    sources: list[int] = Field(default_factory=list, description="Indexes of the sources that give it.")
    published: str | None = Field(default=None, description="The latest publication time among them (ISO).")
    latest: bool = Field(default=False, description="The most recently published of the values.")


class Conflict(BaseModel):
    """Sources that disagree on one item: a figure (dead, injured, money), a date, a place or who spoke."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["number", "date", "place", "speaker"]
    about: str = Field(description="What the values are of: 'dead', 'injured', 'date of the crash', a quote.")
    values: list[ConflictValue]


class Gap(BaseModel):
    """An input of a story that could not be briefed: named, with why, so the reader knows what is missing."""

    model_config = ConfigDict(extra="forbid")
    id: str
    input: str | None = None
    error: str


class Change(BaseModel):
    """One thing that changed since an earlier briefing, said in one line (ICD 203: say how and why a judgment
    changed)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["new", "gone", "figure", "quote", "outlook"]
    section: str | None = None
    text: str


class Meta(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str | None = None
    provider: str | None = None
    endpoint: str | None = None
    usage: dict[str, Any] = Field(default_factory=dict)
    prompt_hash: str | None = None
    sections: str | None = Field(default=None, description="Section profile the model was asked for.")
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
    #: A story: the articles it was drawn from (their texts joined in ``article.text``), where they disagree, the
    #: inputs that failed, and what changed since an earlier briefing (``--since``).
    sources: list[SourceInfo] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    changes: list[Change] | None = Field(default=None, description="Since the last briefing (None: not asked).")


def extraction_json_schema() -> dict[str, Any]:
    """The JSON Schema of what the model fills (``briefing schema``)."""
    schema = Extraction.model_json_schema()
    schema["$id"] = f"https://briefing.invalid/schema/extraction-{SCHEMA_VERSION}.json"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
