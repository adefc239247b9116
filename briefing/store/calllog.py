"""The call log: every model call (each attempt, re-asks included) in SQLite under the user data dir
(``platformdirs.user_data_dir("briefing")``, or ``BRIEFING_DATA_DIR``).

A row holds the time, provider, model, endpoint, prompt hash, attempt number, outcome, tokens, latency, and the
request and response bodies with secrets scrubbed (:func:`scrub`). ``briefing logs`` shows them; ``--no-log``
turns recording off. The file's schema is :data:`briefing.store.migrations.CALLS`, opened by
:class:`briefing.store.db.Store`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from briefing.paths import data_dir
from briefing.redact import REDACTED, scrub, scrub_url  # noqa: F401  (REDACTED: re-exported for callers)
from briefing.store.db import Store
from briefing.store.migrations import CALLS

DB_NAME = "calls.sqlite3"


class CallLog:
    """Append-only, thread-safe SQLite log of model calls."""

    COLUMNS = ("id", "time", "run", "item", "provider", "model", "endpoint", "prompt_hash", "attempt", "outcome",
               "error", "prompt_tokens", "completion_tokens", "latency", "request", "response")

    def __init__(self, path: str | Path | None = None, *, secrets: Iterable[str] = ()):
        self.secrets = [s for s in secrets if s]
        self._store = Store(path or data_dir() / DB_NAME, CALLS, what="the call log",
                            hint="set BRIEFING_DATA_DIR or use --no-log")
        self.path = self._store.path
        self._db = self._store.conn
        self._lock = self._store.lock

    def record(self, rec: Any, *, provider: str | None = None, model: str | None = None,
               endpoint: str | None = None, prompt_hash: str | None = None, run: str | None = None,
               item: str | None = None) -> None:
        """Store one :class:`~briefing.llm.CallRecord`, scrubbed."""
        request = dict(rec.request or {})
        request.update(request.pop("extra_body", None) or {})  # as sent: the openai client merges extra_body
        request = scrub(request, self.secrets)
        response = scrub(rec.response, self.secrets)
        error = scrub(rec.error, self.secrets) if rec.error else None
        row = (rec.started, run, item, provider, model or (rec.request or {}).get("model"), scrub_url(endpoint),
               prompt_hash, rec.attempt, rec.outcome, error, rec.prompt_tokens, rec.completion_tokens,
               round(rec.seconds, 4), json.dumps(request, ensure_ascii=False),
               json.dumps(response, ensure_ascii=False) if response is not None else None)
        with self._lock:
            self._db.execute(f"INSERT INTO calls ({', '.join(self.COLUMNS[1:])}) VALUES "
                             f"({', '.join('?' * (len(self.COLUMNS) - 1))})", row)
            self._db.commit()

    def recent(self, n: int | None = 20, *, bodies: bool = True) -> list[dict[str, Any]]:
        """The last ``n`` calls (all when ``n`` is None), oldest first."""
        cols = self.COLUMNS if bodies else self.COLUMNS[:-2]
        sql = f"SELECT {', '.join(cols)} FROM calls ORDER BY id DESC"
        with self._lock:
            rows = self._db.execute(sql + (" LIMIT ?" if n is not None else ""),
                                    (n,) if n is not None else ()).fetchall()
        out = []
        for row in reversed(rows):
            d = dict(zip(cols, row))
            for k in ("request", "response"):
                if d.get(k):
                    d[k] = json.loads(d[k])
            out.append(d)
        return out

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM calls").fetchone()[0]

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> "CallLog":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
