"""What each text field of the schema holds — a name, a title, free text, a quote, a date — declared once on the
field (``Annotated[str, Role.NAME]``) and read by every check that reads text by kind: the briefing's unknown names,
the eval's invented names, the claim checks."""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel


class Role(str, Enum):
    """What a text field holds, for the checks that read text by kind (the briefing's unknown names, the eval's
    invented names). Declared once, on the field, as ``Annotated[str, Role.NAME]``: pydantic keeps it in the
    field's metadata and leaves it out of the JSON Schema the model sees. :func:`fields_by_role` reads it."""

    NAME = "name"  #: a person, body or place as the article names it: the whole value must occur there
    TITLE = "title"  #: a role or title ("Foreign Minister"): capitalised names inside it are read
    TEXT = "text"  #: free text in the model's words (claims, stances, questions): names inside it are read
    HEADLINE = "headline"  #: free text too, but in title case its capitals do not mark names
    QUOTE = "quote"  #: words copied verbatim from the article (checked by locating them, not for names)
    DATE = "date"  #: a date as written


def role_of(field: Any) -> Role | None:
    """The :class:`Role` a model field (``Model.model_fields[name]``) declares, or None."""
    return next((m for m in field.metadata if isinstance(m, Role)), None)


def fields_by_role(model: BaseModel, path: str = "") -> Iterator[tuple[str, Role, str]]:
    """Every non-empty text field that declares a role, as ``(path, role, value)`` ("actors[0].name"), in field
    order, through nested items and lists of items."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        where = f"{path}.{name}" if path else name
        role = role_of(field)
        if role is not None:
            if isinstance(value, str) and value:
                yield where, role, value
        elif isinstance(value, BaseModel):
            yield from fields_by_role(value, where)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, BaseModel):
                    yield from fields_by_role(v, f"{where}[{i}]")
