"""The call log: every model call in SQLite, secrets scrubbed, shown by `briefing logs`."""

from __future__ import annotations

import json

import httpx2

from briefing import cli
from briefing.brief import Briefer
from briefing.ingest.inputs import expand
from briefing.batch.run import run_batch
from briefing.store.calllog import REDACTED, CallLog, scrub, scrub_url
from briefing.config import Settings
from tests.mock_model import MockModel, articles

KEY = "sk-test-Zx81QwErTy0987654321abc"


def test_scrub_removes_secrets_wherever_they_are():
    value = {
        "headers": {"Authorization": f"Bearer {KEY}", "X-Api-Key": "abc123", "Accept": "json"},
        "messages": [{"role": "user", "content": f"my key is {KEY} and token Bearer abcdefghijklmnop"}],
        "api_key": "whatever", "nested": [{"error": "Incorrect API key provided: hf_abcdefghijklmnopqr"}],
        "custom": "the configured secret PLAINSECRET99 leaks here",
    }
    out = scrub(value, secrets=["PLAINSECRET99"])
    text = json.dumps(out)
    for secret in (KEY, "abc123", "abcdefghijklmnop", "whatever", "hf_abcdefghijklmnopqr", "PLAINSECRET99"):
        assert secret not in text
    assert out["headers"]["Accept"] == "json" and out["headers"]["Authorization"] == REDACTED
    assert out["messages"][0]["content"].startswith("my key is [REDACTED]")
    assert value["headers"]["Authorization"].endswith(KEY)                  # the input is left alone
    assert scrub_url("https://user:pw@host.example/v1?api_key=s3cr3t&x=1") == \
        "https://[REDACTED]@host.example/v1?api_key=%5BREDACTED%5D&x=1"
    assert scrub_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"


def test_calls_are_logged_with_secrets_scrubbed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    paths = articles(tmp_path, 2)

    def fault(n, body):  # MOCK: the endpoint rejects the first request, echoing the key as OpenAI does
        if n == 1:
            return httpx2.Response(401, json={"error": {"message": f"Incorrect API key provided: {KEY}."}})
        return None

    mock = MockModel(fault=fault)
    s = Settings(provider="llamacpp", base_url="https://user:hunter2@mock.invalid/v1?key=QUERYSECRET",
                 model="local", api_key=KEY, http_retries=0, max_retries=0)
    with Briefer(s, calllog=CallLog(secrets=[KEY]), client_factory=mock.client_factory()) as runner:
        result = run_batch(expand(paths), runner, tmp_path / "out", quiet=True)
    assert [r["status"] for r in result.records] == ["failed", "ok"]
    assert KEY not in json.dumps(result.records)

    db = (tmp_path / "data" / "calls.sqlite3")
    assert db.exists()
    raw = b"".join(p.read_bytes() for p in db.parent.iterdir())           # the database and its WAL
    for secret in (KEY, "hunter2", "QUERYSECRET"):
        assert secret.encode() not in raw
    capsys.readouterr()
    assert cli.main(["logs", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["outcome"] for r in rows] == ["error", "ok"]
    failed, ok = rows
    assert "401" in failed["error"] and REDACTED in failed["error"]
    assert failed["endpoint"].startswith("https://[REDACTED]@mock.invalid/v1")
    assert ok["prompt_tokens"] == 1000 and ok["completion_tokens"] == 300 and ok["latency"] >= 0
    assert ok["model"] == "local" and len(ok["prompt_hash"]) == 16 and ok["attempt"] == 1
    assert ok["request"]["messages"][0]["role"] == "system" and ok["request"]["temperature"] == 0.0
    assert json.loads(ok["response"]["choices"][0]["message"]["content"])["headline"]

    assert cli.main(["logs", "-n", "1"]) == 0
    table = capsys.readouterr().out
    assert "ok" in table and "1000+300" in table and "1 call(s) shown of 2" in table


def test_no_log_records_nothing(tmp_path, monkeypatch, capsys):
    paths = articles(tmp_path, 2)
    mock = MockModel()
    mock.install(monkeypatch)
    flags = ["--provider", "llamacpp", "--base-url", "http://mock.invalid/v1", "--model", "local", "-q"]
    assert cli.main(["generate", *paths, "-o", str(tmp_path / "a"), "--no-log", *flags]) == 0
    assert mock.calls == 2
    capsys.readouterr()
    assert cli.main(["logs"]) == 0 and "no model calls logged" in capsys.readouterr().out
    assert cli.main(["generate", *paths, "-o", str(tmp_path / "b"), "--no-cache", *flags]) == 0
    assert cli.main(["logs", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
