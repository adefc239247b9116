"""The extraction cache: the same article, prompts, schema, model and parameters give the stored extraction back,
with no model call.

Entries live in SQLite under the user cache dir (``platformdirs.user_cache_dir("briefing")``, or
``BRIEFING_CACHE_DIR``), keyed by a content hash of everything that shapes the model's answer (:func:`cache_key`).
An entry holds the checked extraction as the pipeline returned it; a hit is grounded again against the article, so
a change in the grounding code applies to cached answers too. ``briefing cache clear`` empties it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from .article import Article
from .config import Settings
from .errors import ConfigError

#: Bump when the key's recipe changes, so old entries stop matching.
KEY_VERSION = 1
DB_NAME = "extractions.sqlite3"


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("BRIEFING_CACHE_DIR") or user_cache_dir("briefing"))


def model_identity(settings: Settings, model: str | None = None, base_url: str | None = None) -> dict[str, Any]:
    """Which model answers: provider, model name and endpoint. A local model is named by its file, not by the
    loopback port it happens to be served on for one run."""
    from .llm import BACKENDS

    provider = settings.resolved_provider()
    if provider == "local":
        from .local import DEFAULT_MODEL

        name = (Path(settings.gguf).stem if settings.gguf else None) or settings.local_model or DEFAULT_MODEL
        return {"provider": "local", "model": name, "base_url": None}
    backend = BACKENDS[provider]
    return {"provider": provider, "model": model or settings.model or backend.default_model,
            "base_url": (base_url or settings.base_url or backend.default_base_url or "").rstrip("/") or None}


def cache_key(article: Article, settings: Settings, *, model: str | None = None,
              base_url: str | None = None) -> str:
    """The content hash an extraction is stored under: prompts and schema (:func:`~briefing.prompts.prompt_hash`),
    schema version, model identity, sampling parameters, language, and the article as the prompt shows it."""
    from .llm import reasks_grounding, sections_for
    from .prompts import prompt_hash
    from .schema import SCHEMA_VERSION

    parts = {
        "v": KEY_VERSION, "schema": SCHEMA_VERSION, "prompts": prompt_hash(sections_for(settings)),
        **model_identity(settings, model, base_url),
        "temperature": settings.temperature, "seed": settings.seed, "max_tokens": settings.max_tokens,
        "max_retries": settings.max_retries, "reask_grounding": reasks_grounding(settings),
        "language": settings.language,
        "text": article.text, "title": article.title, "source": article.source, "date": article.date,
    }
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Cache:
    """A small thread-safe SQLite store: key → extraction JSON (plus the usage it cost when it was made)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else cache_dir() / DB_NAME
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS extractions (key TEXT PRIMARY KEY, created REAL NOT NULL, "
                             "model TEXT, prompt_hash TEXT, extraction TEXT NOT NULL, usage TEXT)")
            self._db.commit()
        except (OSError, sqlite3.Error) as e:
            raise ConfigError(f"cannot open the cache {self.path}: {e} (set BRIEFING_CACHE_DIR or use "
                              f"--no-cache)") from None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """The stored extraction JSON and the usage it cost, or None."""
        with self._lock:
            row = self._db.execute("SELECT extraction, usage FROM extractions WHERE key = ?", (key,)).fetchone()
            if row is None:
                self.misses += 1
                return None
            self.hits += 1
        return row[0], json.loads(row[1] or "{}")

    def put(self, key: str, extraction_json: str, *, model: str | None = None, prompt_hash: str | None = None,
            usage: dict[str, Any] | None = None) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?, ?)",
                             (key, time.time(), model, prompt_hash, extraction_json, json.dumps(usage or {})))
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0]

    def clear(self) -> int:
        """Delete every entry; return how many there were."""
        with self._lock:
            n = self._db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0]
            self._db.execute("DELETE FROM extractions")
            self._db.commit()
            self._db.execute("VACUUM")
        return n

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Cache":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
