"""The chat messages sent to the model, rendered from the Jinja2 templates in ``prompts/``.

The field guide in the system prompt is generated from the schema's field descriptions, so the schema is the
single source of the model's instructions.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from briefing.text.article import Article
from briefing.resources import data_dir, prompt_env as _env
from briefing.schema import LIKELIHOOD_BANDS, PLOVER_TYPES, SCHEMA_VERSION, Extraction, extraction_model
from briefing.sections import PROFILES


def prompt_dir() -> Path:
    return data_dir("prompts")


def field_guide(model: type[BaseModel] = Extraction, prefix: str = "") -> list[str]:
    """One line per field the model fills: ``name: description``; nested item fields indented by path."""
    lines: list[str] = []
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})

    seen: set[tuple[str, str]] = set()

    def walk(props: dict[str, Any], path: str) -> None:
        for name, spec in props.items():
            desc = spec.get("description", "")
            ref = spec.get("$ref") or (spec.get("items") or {}).get("$ref")
            if not ref and (name, desc) in seen:
                continue  # e.g. "ev", explained once
            seen.add((name, desc))
            lines.append(f"{path}{name}: {desc}".rstrip(": "))
            if ref:
                sub = defs[ref.split("/")[-1]]
                walk(sub.get("properties", {}), f"{path}{name}{'[]' if 'items' in spec else ''}.")

    walk(schema.get("properties", {}), prefix)
    return lines


def render_messages(article: Article, *, language: str | None = None, sections: str = "full") -> list[dict[str, str]]:
    """System and user messages for one article; the field guide lists the fields of the ``sections`` profile.
    ``language`` None: the article's own (:func:`briefing.text.language.detect`)."""
    from briefing.text.language import detect

    language = language or detect(article.text, article.language)
    env = _env(str(prompt_dir()))
    meta = {k: v for k, v in (("title", article.title), ("source", article.source), ("date", article.date))
            if v}
    system = env.get_template("system.j2").render(
        field_guide=field_guide(extraction_model(sections)), likelihoods=list(LIKELIHOOD_BANDS),
        sections=PROFILES[sections],  # the example answer shows the profile's sections only
        plover=list(PLOVER_TYPES),
        language=language)
    # The article must not be able to close its own delimiter.
    numbered = re.sub(r"<(/?)article", r"<\1 article", article.numbered(), flags=re.I)
    user = env.get_template("user.j2").render(numbered=numbered, meta=meta)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def hash_templates(h: Any, folder: Path) -> None:
    """Feed the name and bytes of every template directly in ``folder`` to the hash ``h``."""
    for p in sorted(folder.glob("*.j2")):
        h.update(p.name.encode())
        h.update(p.read_bytes())


def prompt_hash(sections: str = "full") -> str:
    """A hash of everything that shapes the model's answer apart from the article: templates, schema, profile."""
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    if sections != "full":  # the full profile keeps the hash it had before profiles existed
        h.update(sections.encode())
    hash_templates(h, prompt_dir())
    h.update(json.dumps(extraction_model(sections).model_json_schema(), sort_keys=True).encode())
    return h.hexdigest()[:16]
