"""The extraction cache: the same article, prompts, schema, model and parameters give the stored extraction back,
with no model call.

Entries live in SQLite under the user cache dir (``platformdirs.user_cache_dir("briefing")``, or
``BRIEFING_CACHE_DIR``), keyed by a content hash of everything that shapes the model's answer
(:func:`briefing.model.identity.request_key`).
An entry holds the checked extraction as the pipeline returned it; a hit is grounded again against the article, so
a change in the grounding code applies to cached answers too. ``briefing cache clear`` empties it.
The file's schema is :data:`briefing.store.migrations.CACHE`, opened by :class:`briefing.store.db.Store`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from briefing.paths import cache_dir
from briefing.store.db import Store
from briefing.store.migrations import CACHE

DB_NAME = "extractions.sqlite3"


class Cache:
    """A small thread-safe SQLite store: key → extraction JSON (plus the usage it cost when it was made)."""

    def __init__(self, path: str | Path | None = None):
        self._store = Store(path or cache_dir() / DB_NAME, CACHE, what="the cache",
                            hint="set BRIEFING_CACHE_DIR or use --no-cache")
        self.path = self._store.path
        self._db = self._store.conn
        self._lock = self._store.lock
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
            self._db.execute("INSERT OR REPLACE INTO extractions (key, created, model, prompt_hash, extraction, "
                             "usage) VALUES (?, ?, ?, ?, ?, ?)",
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
        self._store.close()

    def __enter__(self) -> "Cache":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
