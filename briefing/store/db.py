"""The store layer: open a store's SQLite file and bring its schema up to date with migrations.

A store (the extraction cache, the call log) is one SQLite file opened through sqlite-utils, in WAL mode (readers
never wait for a writer), with a 30 s busy timeout (two processes writing one file take turns), usable from any
thread (``check_same_thread=False``) behind one lock per store.

Its schema is a list of migrations (:class:`Migrations`, the idea of simonw/llm's ``migrations.py``): each is a
function applied once, in order, and recorded by name in the file's ``_migrations`` table, so a release can add a
column or an index for users who already have a database. The runner takes SQLite's write lock
(``BEGIN IMMEDIATE``) before it reads what is applied, so two processes opening a new file at once apply each
migration once; a migration and its record commit together or not at all. Names this release does not know
(a newer release's migrations) are left alone.

Migrations write through ``db.execute`` inside the runner's transaction (never a helper that commits on its own),
which behaves the same on every supported sqlite-utils.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from briefing.errors import ConfigError

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATIONS_TABLE = "_migrations"
TIMEOUT_S = 30

Migration = Callable[["Database"], None]


class Migrations:
    """One store's schema as an ordered list of migrations; use an instance as a decorator to append one."""

    def __init__(self) -> None:
        self._steps: list[Migration] = []

    def __call__(self, fn: Migration) -> Migration:
        if fn.__name__ in self.names:
            raise ValueError(f"migration {fn.__name__} is declared twice")
        self._steps.append(fn)
        return fn

    def __iter__(self) -> Iterator[Migration]:
        return iter(self._steps)

    @property
    def names(self) -> list[str]:
        return [fn.__name__ for fn in self._steps]


def applied(db: "Database") -> set[str]:
    """The names of the migrations recorded in this file (none when it has no ``_migrations`` table)."""
    if not db.table(MIGRATIONS_TABLE).exists():
        return set()
    return {row["name"] for row in db.table(MIGRATIONS_TABLE).rows}


def migrate(db: "Database", migrations: Migrations) -> list[str]:
    """Apply the migrations this file lacks, in order, each with its record; return the names applied now."""
    if set(migrations.names) <= applied(db):
        return []                         # up to date: no write lock taken, so opening stays cheap
    conn = db.conn
    conn.commit()                         # nothing may be pending before BEGIN
    conn.execute("BEGIN IMMEDIATE")       # one writer at a time: a second process waits here, then reads our record
    try:
        db.execute(f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = applied(db)
        now = []
        for fn in migrations:
            if fn.__name__ in done:
                continue
            fn(db)
            db.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)",
                       (fn.__name__, datetime.now(timezone.utc).isoformat(timespec="seconds")))
            now.append(fn.__name__)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return now


class Store:
    """One store's open SQLite file, migrated: ``db`` (a sqlite-utils Database), ``conn``, ``lock``, ``path``.

    ``what`` and ``hint`` word the one-line :class:`ConfigError` raised when the file cannot be opened or migrated,
    e.g. ``cannot open the cache PATH: REASON (set BRIEFING_CACHE_DIR or use --no-cache)``.
    """

    def __init__(self, path: str | Path, migrations: Migrations, *, what: str, hint: str):
        from sqlite_utils import Database

        self.path = Path(path)
        conn = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=TIMEOUT_S, check_same_thread=False)
            self.db = Database(conn, execute_plugins=False)
            self.db.enable_wal()
            self.applied_now = migrate(self.db, migrations)
        except (OSError, sqlite3.Error) as e:
            if conn is not None:
                conn.close()
            raise ConfigError(f"cannot open {what} {self.path}: {e} ({hint})") from None
        self.conn = conn
        self.lock = threading.Lock()

    def close(self) -> None:
        with self.lock:
            self.conn.close()
