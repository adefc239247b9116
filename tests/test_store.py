"""The store layer: files made before migrations upgrade in place, new files get every migration once, several
threads and two processes share one file, and a file that cannot be opened is a one-line ConfigError."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest

from briefing import cli
from briefing.errors import ConfigError
from briefing.store import migrations
from briefing.store.cache import Cache
from briefing.store.calllog import CallLog
from briefing.store.db import Migrations, Store, migrate

# Exactly the statements of the releases before migrations (git show aa7f735:briefing/cache.py, .../calllog.py).
OLD_CACHE_SQL = ("CREATE TABLE IF NOT EXISTS extractions (key TEXT PRIMARY KEY, created REAL NOT NULL, "
                 "model TEXT, prompt_hash TEXT, extraction TEXT NOT NULL, usage TEXT)")
OLD_CALLS_SQL = ("CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY AUTOINCREMENT, time REAL NOT NULL, "
                 "run TEXT, item TEXT, provider TEXT, model TEXT, endpoint TEXT, prompt_hash TEXT, attempt INTEGER, "
                 "outcome TEXT, error TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, latency REAL, "
                 "request TEXT, response TEXT)")


def old_file(path, create_sql: str, insert_sql: str, row: tuple) -> None:
    """A database as the releases before migrations left it: WAL, their table, one row, no _migrations."""
    db = sqlite3.connect(str(path))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(create_sql)
    db.execute(insert_sql, row)
    db.commit()
    db.close()


def recorded(path) -> list[tuple[str, str]]:
    with sqlite3.connect(str(path)) as db:
        return db.execute("SELECT name, applied_at FROM _migrations ORDER BY rowid").fetchall()


def schema(path) -> dict[str, str]:
    with sqlite3.connect(str(path)) as db:
        return dict(db.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall())


def call(**kw) -> SimpleNamespace:
    base = dict(request={"model": "m", "messages": []}, response={"ok": 1}, error=None, started=1.0, attempt=1,
                outcome="ok", prompt_tokens=10, completion_tokens=5, seconds=0.5)
    return SimpleNamespace(**{**base, **kw})


def test_a_cache_file_from_before_migrations_upgrades_in_place(tmp_path):
    path = tmp_path / "extractions.sqlite3"
    old_file(path, OLD_CACHE_SQL, "INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?, ?)",
             ("k", 1.0, "m", "p", '{"x": 1}', '{"attempts": 2}'))
    with Cache(path) as cache:
        assert cache.get("k") == ('{"x": 1}', {"attempts": 2}) and len(cache) == 1
        cache.put("k2", '{"y": 2}')
        assert len(cache) == 2
    first = recorded(path)
    assert [name for name, _ in first] == migrations.CACHE.names == ["m001_extractions"]
    assert schema(path)["extractions"] == OLD_CACHE_SQL.replace(" IF NOT EXISTS", "")   # the table is unchanged
    with Cache(path) as cache:
        assert cache._store.applied_now == [] and cache.get("k2") == ('{"y": 2}', {})
    assert recorded(path) == first


def test_a_call_log_from_before_migrations_upgrades_in_place(tmp_path):
    path = tmp_path / "calls.sqlite3"
    old_file(path, OLD_CALLS_SQL,
             "INSERT INTO calls (time, run, item, model, outcome, request) VALUES (?, ?, ?, ?, ?, ?)",
             (5.0, "run-0", "old", "m", "ok", '{"model": "m"}'))
    assert "calls_time" not in schema(path)
    with CallLog(path) as log:
        assert log._store.applied_now == ["m001_calls", "m002_calls_time_index"]
        old = log.recent()
        assert [(r["item"], r["run"], r["request"]) for r in old] == [("old", "run-0", {"model": "m"})]
        log.record(call(), item="new", run="run-1")
        assert [r["item"] for r in log.recent()] == ["old", "new"] and log.count() == 2
    first = recorded(path)
    assert [name for name, _ in first] == migrations.CALLS.names == ["m001_calls", "m002_calls_time_index"]
    assert schema(path)["calls_time"] == "CREATE INDEX calls_time ON calls (time)"                  # m002's effect
    with sqlite3.connect(str(path)) as db:
        plan = " ".join(str(r) for r in db.execute("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM calls"))
    assert "calls_time" in plan                                    # the count reads the index, not the bodies
    with CallLog(path) as log:
        assert log._store.applied_now == [] and log.count() == 2
    assert recorded(path) == first


def test_a_new_file_gets_every_migration_once(tmp_path):
    with Cache(tmp_path / "c.sqlite3") as cache, CallLog(tmp_path / "l.sqlite3") as log:
        assert cache._store.applied_now == migrations.CACHE.names
        assert log._store.applied_now == migrations.CALLS.names
        assert cache._store.db.journal_mode == "wal" and log._store.db.journal_mode == "wal"
    assert [n for n, _ in recorded(tmp_path / "c.sqlite3")] == migrations.CACHE.names
    assert [n for n, _ in recorded(tmp_path / "l.sqlite3")] == migrations.CALLS.names
    made_old = tmp_path / "old.sqlite3"
    old_file(made_old, OLD_CALLS_SQL, "INSERT INTO calls (time) VALUES (?)", (1.0,))
    CallLog(made_old).close()
    assert schema(tmp_path / "l.sqlite3") == schema(made_old)          # a fresh file and an upgraded one agree


def test_a_failing_migration_leaves_no_trace_and_a_later_one_applies_after_the_earlier(tmp_path):
    steps = Migrations()

    @steps
    def m001_t(db):
        db.execute("CREATE TABLE t (a TEXT)")

    @steps
    def m002_broken(db):
        db.execute("ALTER TABLE t ADD COLUMN b TEXT")
        db.execute("THIS IS NOT SQL")

    with pytest.raises(ConfigError, match="syntax error"):
        Store(tmp_path / "s.sqlite3", steps, what="the store", hint="a hint")
    with sqlite3.connect(str(tmp_path / "s.sqlite3")) as db:              # all or nothing: t, b and records gone
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == []
    with pytest.raises(ValueError, match="declared twice"):
        steps(m001_t)

    fixed = Migrations()
    fixed(m001_t)

    @fixed
    def m002_b(db):
        db.execute("ALTER TABLE t ADD COLUMN b TEXT")

    store = Store(tmp_path / "s.sqlite3", fixed, what="the store", hint="a hint")
    assert store.applied_now == ["m001_t", "m002_b"] and list(store.db["t"].columns_dict) == ["a", "b"]
    assert migrate(store.db, fixed) == []
    store.close()


def test_unknown_migrations_in_a_newer_file_are_left_alone(tmp_path):
    path = tmp_path / "calls.sqlite3"
    CallLog(path).close()
    with sqlite3.connect(str(path)) as db:
        db.execute("INSERT INTO _migrations VALUES ('m099_from_a_newer_release', 'later')")
    with CallLog(path) as log:
        assert log._store.applied_now == [] and log.count() == 0
    assert len(recorded(path)) == len(migrations.CALLS.names) + 1


@pytest.mark.parametrize("make, env, flag", [(Cache, "BRIEFING_CACHE_DIR", "--no-cache"),
                                              (CallLog, "BRIEFING_DATA_DIR", "--no-log")])
def test_an_unusable_location_is_a_one_line_config_error(tmp_path, make, env, flag):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    not_sqlite = tmp_path / "not.sqlite3"
    not_sqlite.write_bytes(b"this is not a database, it is text " * 100)
    for path in (blocker / "sub" / "x.sqlite3", tmp_path, not_sqlite):    # parent is a file; a folder; not SQLite
        with pytest.raises(ConfigError) as e:
            make(path)
        msg = str(e.value)
        assert "\n" not in msg and str(path) in msg and env in msg and flag in msg, msg
    assert not_sqlite.read_bytes().startswith(b"this is not a database")   # left as it was


def test_the_cli_says_one_line_when_the_cache_cannot_be_opened(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(blocker / "cache"))
    assert cli.main(["cache", "info"]) == ConfigError.exit_code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot open the cache" in err and "BRIEFING_CACHE_DIR" in err
    assert "Traceback" not in err


def test_several_threads_share_one_store(tmp_path):
    cache, log = Cache(tmp_path / "c.sqlite3"), CallLog(tmp_path / "l.sqlite3")

    def work(t: int) -> None:
        for i in range(25):
            cache.put(f"{t}-{i}", json.dumps({"t": t, "i": i}))
            assert cache.get(f"{t}-{i}")[0] == json.dumps({"t": t, "i": i})
            log.record(call(), item=f"{t}-{i}")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 200 and log.count() == 200 and cache.hits == 200
    assert len({r["item"] for r in log.recent(None)}) == 200
    cache.close()
    log.close()


WRITER = """
import sys
from types import SimpleNamespace
from briefing.store.cache import Cache
from briefing.store.calllog import CallLog
me, folder = sys.argv[1], sys.argv[2]
print("opening", flush=True)
rec = SimpleNamespace(request={"model": "m"}, response=None, error=None, started=1.0, attempt=1, outcome="ok",
                      prompt_tokens=1, completion_tokens=1, seconds=0.1)
with Cache(folder + "/c.sqlite3") as cache, CallLog(folder + "/l.sqlite3") as log:
    for i in range(100):
        cache.put(f"{me}-{i}", "{}")
        log.record(rec, item=f"{me}-{i}")
"""


def test_two_processes_open_and_write_one_new_file_at_once(tmp_path):
    """Both processes reach the migration while the test holds the files' write lock, so both find them new."""
    held = []
    for name in ("c.sqlite3", "l.sqlite3"):
        db = sqlite3.connect(str(tmp_path / name), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN IMMEDIATE")
        held.append(db)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, me, str(tmp_path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for me in ("a", "b")]
    assert [p.stdout.readline() for p in procs] == ["opening\n"] * 2
    time.sleep(1.0)                                    # both now wait on the lock inside Cache()
    for db in held:
        db.execute("COMMIT")
        db.close()
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert [n for n, _ in recorded(tmp_path / "c.sqlite3")] == migrations.CACHE.names      # each applied once
    assert [n for n, _ in recorded(tmp_path / "l.sqlite3")] == migrations.CALLS.names
    with Cache(tmp_path / "c.sqlite3") as cache, CallLog(tmp_path / "l.sqlite3") as log:
        assert len(cache) == 200 and log.count() == 200
        assert {r["item"][0] for r in log.recent(None)} == {"a", "b"}
