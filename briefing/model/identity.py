"""Which model answers a request, and the content hash a request's answer is cached under.

A local model is named by its file, not by the loopback port it happens to be served on for one run; an endpoint's
model by its name and URL. The briefing records the same identity that the cache key hashes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from briefing.config import Settings, reasks_grounding, rewrites_copies, sections_for
from briefing.text.article import Article

#: Bump when the key's recipe changes, so old entries stop matching.
KEY_VERSION = 1


def model_identity(settings: Settings, model: str | None = None, base_url: str | None = None) -> dict[str, Any]:
    """``{"provider", "model", "base_url"}`` of the model that answers with ``settings``."""
    backend = settings.backend
    if backend.served_locally:
        from briefing.model.local import DEFAULT_MODEL

        name = (Path(settings.gguf).stem if settings.gguf else None) or settings.local_model or DEFAULT_MODEL
        return {"provider": backend.name, "model": name, "base_url": None}
    return {"provider": backend.name, "model": model or settings.model or backend.default_model,
            "base_url": (base_url or settings.base_url or backend.default_base_url or "").rstrip("/") or None}


def request_key(article: Article, settings: Settings, *, model: str | None = None,
                base_url: str | None = None) -> str:
    """The content hash an extraction is stored under: prompts and schema (:func:`~briefing.model.prompts.
    prompt_hash`), schema version, model identity, sampling parameters, language, and the article as the prompt
    shows it."""
    from briefing.model.prompts import prompt_hash
    from briefing.model.rewrite import rewrite_hash
    from briefing.schema import SCHEMA_VERSION

    parts = {
        "v": KEY_VERSION, "schema": SCHEMA_VERSION, "prompts": prompt_hash(sections_for(settings)),
        **model_identity(settings, model, base_url),
        "temperature": settings.temperature, "seed": settings.seed, "max_tokens": settings.max_tokens,
        "max_retries": settings.max_retries, "reask_grounding": reasks_grounding(settings),
        **({"rewrite": rewrite_hash()} if rewrites_copies(settings) else {}),  # the pass changes the answer
        "language": settings.language,
        "text": article.text, "split": article.split, "title": article.title, "source": article.source,
        "date": article.date,
    }
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
