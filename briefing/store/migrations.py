"""The schema of each store, as migrations (run by :func:`briefing.store.db.migrate`).

``CACHE`` is the extraction cache's (``extractions.sqlite3``), ``CALLS`` the call log's (``calls.sqlite3``). Each
``m001`` creates the table exactly as the releases before migrations did (``CREATE TABLE IF NOT EXISTS`` with the
same statement), so a file made by those releases is upgraded in place and keeps its rows.

To change a schema, append a migration; never edit or reorder one that has shipped (users' files have it
recorded). Keep a change readable by the release before it where you can: an older release that opens a newer
file runs none of the new migrations but still reads and writes it (adding an index, or a column an older
``INSERT`` that names its columns ignores, is safe; dropping or renaming a column is not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.store.db import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

CACHE = Migrations()
CALLS = Migrations()


@CACHE
def m001_extractions(db: "Database") -> None:
    """The cache's table: key → extraction JSON, as created before migrations existed."""
    db.execute("CREATE TABLE IF NOT EXISTS extractions (key TEXT PRIMARY KEY, created REAL NOT NULL, "
               "model TEXT, prompt_hash TEXT, extraction TEXT NOT NULL, usage TEXT)")


@CALLS
def m001_calls(db: "Database") -> None:
    """The call log's table, as created before migrations existed."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY AUTOINCREMENT, time REAL NOT NULL, "
        "run TEXT, item TEXT, provider TEXT, model TEXT, endpoint TEXT, prompt_hash TEXT, attempt INTEGER, "
        "outcome TEXT, error TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, latency REAL, "
        "request TEXT, response TEXT)")


@CALLS
def m002_calls_time_index(db: "Database") -> None:
    """An index on ``calls.time``, so counting the log does not read every call's request and response.

    ``briefing logs`` prints "N call(s) shown of TOTAL", a ``COUNT(*)``; without a secondary index SQLite scans the
    table itself, whose leaf pages hold the first ~4 KB of every row's request and response bodies, so the count
    reads the whole log (3,000 calls with 20 KB bodies, 73 MB: 4 ms warm, 19 ms first time). With the index it
    scans the index of 8-byte times (0.2 ms), and asking for the calls since a time is a range read. Old releases
    are unaffected by an index, so this file stays usable by them.
    """
    db.execute("CREATE INDEX IF NOT EXISTS calls_time ON calls (time)")
