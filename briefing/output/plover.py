"""Timeline events as PLOVER-coded JSONL rows that join with POLECAT-style event data.

One row per timeline event that has a PLOVER type (events the model could not type, such as an accident, are
not PLOVER events and are left out): actor, recipient, event type, mode, context, date (as stated and ISO), the
event text and its evidence spans. ``schemas/plover-event.schema.json`` is the published JSON Schema of a row (``PloverEvent``).
"""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field

from briefing.schema import Briefing, PloverType, Span


class PloverEvent(BaseModel):
    """One PLOVER-coded event taken from a briefing's timeline."""

    model_config = ConfigDict(extra="forbid", title="PloverEvent")
    event_id: str = Field(description="story_id plus the event's position in the timeline")
    story_id: str = Field(description="sha256 prefix of the article text")
    event_type: PloverType = Field(description="PLOVER event type")
    event_mode: str | None = Field(description="PLOVER mode, where the model could tell")
    contexts: list[str] = Field(description="PLOVER contexts, where the model could tell")
    actor: str | None = Field(description="source actor as named in the article")
    recipient: str | None = Field(description="target actor as named in the article")
    event_date: str | None = Field(description="ISO date, when derivable from the article's date")
    date_as_stated: str | None = Field(description="the date as the article states it")
    text: str = Field(description="what happened")
    evidence: list[Span] = Field(description="verbatim spans of the article, offsets into its text")
    supported: bool | None = Field(description="whether the evidence was verified in the article")
    source: str | None = Field(description="article title, URL or file name")


def events(briefing: Briefing) -> list[PloverEvent]:
    story = hashlib.sha256(briefing.article.text.encode()).hexdigest()[:16]
    source = briefing.article.url or briefing.article.title or briefing.article.source
    return [
        PloverEvent(event_id=f"{story}-{i}", story_id=story, event_type=e.type, event_mode=e.mode,
                    contexts=[e.context] if e.context else [], actor=e.who, recipient=e.recipient,
                    event_date=e.iso, date_as_stated=e.date, text=e.what, evidence=e.evidence,
                    supported=e.supported, source=source)
        for i, e in enumerate(briefing.extraction.timeline, start=1) if e.type is not None
    ]


def to_jsonl(briefing: Briefing) -> str:
    return "".join(json.dumps(ev.model_dump(mode="json"), ensure_ascii=False) + "\n" for ev in events(briefing))


def json_schema() -> dict:
    schema = PloverEvent.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://briefing.invalid/schema/plover-event.json"
    return schema
