"""Batch runs: many inputs, bounded concurrency, manifest, resume, failures that do not stop the run, progress.

The model is the MOCK endpoint of tests/mock_model.py (an httpx2 MockTransport); real model output is tested in
test_batchapi.py and the cassette tests.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx2
import pytest

from briefing import cli
from briefing.brief import Briefer
from briefing.ingest.inputs import expand, is_many
from briefing.batch.run import read_manifest, run_batch
from briefing.store.cache import Cache
from briefing.store.calllog import CallLog
from briefing.config import Settings
from briefing.errors import InputError
from tests.helpers import completion
from tests.mock_model import MockModel, articles, extraction_for, sentences_of


def settings(**kw) -> Settings:
    base = dict(provider="llamacpp", base_url="http://mock.invalid/v1", model="local", max_retries=1,
                http_retries=0)
    base.update(kw)
    return Settings(**base)


MODEL_FLAGS = ["--provider", "llamacpp", "--base-url", "http://mock.invalid/v1", "--model", "local"]


def manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]


def logged_calls(capsys) -> list[dict]:
    capsys.readouterr()
    assert cli.main(["logs", "-n", "1000", "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


# ------------------------------------------------------------------------------------------------ inputs

def test_expand_paths_folders_globs_and_jsonl(tmp_path):
    a, b = articles(tmp_path, 2)
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "article-1.md").write_text(Path(a).read_text())   # same stem as a: gets a distinct id
    (sub / ".hidden.txt").write_text("x")
    jl = tmp_path / "batch.jsonl"
    jl.write_text("\n".join([
        json.dumps({"id": "inline one", "text": "some text", "title": "T", "date": "2020-01-02"}),
        json.dumps({"id": "by-path", "path": "article-2.txt"}),
        json.dumps({"id": "by-url", "url": "https://example.org/a"}),
        "{not json",
        json.dumps({"id": "nothing"}),
    ]) + "\n")
    items = expand([a, str(sub), str(tmp_path / "article-*.txt"), str(jl), str(tmp_path / "missing.txt")])
    ids = [i.id for i in items]
    assert ids == ["article-1", "article-1-2", "article-1-3", "article-2", "inline-one", "by-path", "by-url",
                   "batch-4", "nothing", "missing"]
    assert len(set(ids)) == len(ids)
    inline = items[4]
    assert inline.text == "some text" and inline.meta == {"title": "T", "date": "2020-01-02"}
    assert items[5].path == str(tmp_path / "article-2.txt")          # relative to the JSONL file
    assert items[6].url == "https://example.org/a"
    assert "not a JSON object" in items[7].error and "needs" in items[8].error
    with pytest.raises(InputError):
        items[7].load()
    assert is_many([a, b]) and is_many([str(sub)]) and is_many([str(jl)]) and not is_many([a])
    with pytest.raises(InputError, match="matches no files"):
        expand([str(tmp_path / "nope-*.txt")])


def test_jsonl_record_metadata_reaches_the_article(tmp_path, example_text):
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"id": "v", "text": example_text, "title": "Vienna", "date": "2023-05-11",
                              "source": "Portal"}) + "\n")
    article = expand([str(jl)])[0].load()
    assert (article.title, article.date, article.source) == ("Vienna", "2023-05-11", "Portal")


# ------------------------------------------------------------------------------------------------ acceptance

def test_folder_of_articles_with_one_unreadable_then_rerun_makes_no_calls(tmp_path, monkeypatch, capsys):
    inp = tmp_path / "in"
    inp.mkdir()
    articles(inp, 3)
    (inp / "broken.txt").write_bytes(b"\x00\x01\x02 binary, not an article \x00")
    out = tmp_path / "out"
    mock = MockModel()
    mock.install(monkeypatch)
    cmd = ["generate", str(inp), "-o", str(out), "-q", "-j", "2", *MODEL_FLAGS]

    code = cli.main(cmd)
    assert code == 2                                     # an input failed (exit code of InputError)
    assert mock.calls == 3
    recs = {r["id"]: r for r in manifest(out)}
    assert set(recs) == {"article-1", "article-2", "article-3", "broken"}
    for rid in ("article-1", "article-2", "article-3"):
        r = recs[rid]
        assert r["status"] == "ok" and r["source"] == "model" and Path(r["output"]).read_text().startswith("#")
        assert r["usage"]["prompt_tokens"] == 1000 and r["usage"]["attempts"] == 1
        assert "items supported by the text" in r["grounding"]
    bad = recs["broken"]
    assert bad["status"] == "failed" and "binary" in bad["error"] and bad["output"] is None
    assert sorted(p.name for p in out.iterdir()) == ["article-1.md", "article-2.md", "article-3.md",
                                                     "manifest.jsonl"]
    first_log = logged_calls(capsys)
    assert len(first_log) == 3 and {c["outcome"] for c in first_log} == {"ok"}

    code = cli.main(cmd)                                 # the same command again
    assert code == 2 and mock.calls == 3                 # zero model calls
    assert len(logged_calls(capsys)) == 3                # and the call log says so
    recs2 = {r["id"]: r for r in manifest(out)}
    assert len(manifest(out)) == 4                       # compacted: one line per input
    assert {recs2[i]["source"] for i in ("article-1", "article-2", "article-3")} == {"resume"}
    assert all(recs2[i]["usage"]["attempts"] == 0 for i in recs2)
    assert recs2["broken"]["status"] == "failed"


def test_cache_answers_a_new_output_folder_and_force(tmp_path, monkeypatch, capsys):
    paths = articles(tmp_path, 3)
    mock = MockModel()
    mock.install(monkeypatch)
    assert cli.main(["generate", *paths, "-o", str(tmp_path / "a"), "-q", *MODEL_FLAGS]) == 0
    assert mock.calls == 3
    assert cli.main(["generate", *paths, "-o", str(tmp_path / "b"), "-q", "-f", "json", *MODEL_FLAGS]) == 0
    assert mock.calls == 3                               # another folder and format: all from the cache
    recs = manifest(tmp_path / "b")
    assert {r["source"] for r in recs} == {"cache"}
    briefing = json.loads(Path(recs[0]["output"]).read_text())
    assert briefing["meta"]["cached"] is True and briefing["grounding"]["total"] > 0
    assert all(r["usage"]["prompt_tokens"] == 0 for r in recs), "a batch reports this run's spend: none"
    assert cli.main(["generate", *paths, "-o", str(tmp_path / "b"), "-q", "-f", "json", "--force",
                     *MODEL_FLAGS]) == 0
    assert {r["source"] for r in manifest(tmp_path / "b")} == {"cache"}    # --force skips resume, not the cache
    assert cli.main(["generate", *paths, "-o", str(tmp_path / "c"), "-q", "--no-cache", *MODEL_FLAGS]) == 0
    assert mock.calls == 6                               # --no-cache asks the model again
    capsys.readouterr()
    assert cli.main(["cache", "info"]) == 0 and "3 cached extraction(s)" in capsys.readouterr().out


def test_resume_redoes_only_changed_and_failed_items(tmp_path):
    paths = articles(tmp_path, 3)
    out = tmp_path / "out"
    failing = {"on": True}

    def fault(n, body):  # the MOCK endpoint fails every request for article 3 (the Croydon story) while "on"
        if failing["on"] and "Croydon" in json.dumps(body):
            return httpx2.Response(500, json={"error": {"message": "mock outage"}})
        return None

    mock = MockModel(fault=fault)
    s = settings()
    with Briefer(s, cache=Cache(), client_factory=mock.client_factory()) as runner:
        r1 = run_batch(expand(paths), runner, out, quiet=True)
    assert [r["status"] for r in r1.records] == ["ok", "ok", "failed"]
    assert r1.records[2]["error_type"] == "ModelError" and "HTTP 500" in r1.records[2]["error"]
    assert r1.exit_code == 1
    calls_before = mock.calls

    failing["on"] = False
    Path(paths[0]).write_text(Path(paths[0]).read_text() + "\n\nA new closing sentence was added later.")
    with Briefer(s, cache=Cache(), client_factory=mock.client_factory()) as runner:
        r2 = run_batch(expand(paths), runner, out, quiet=True)
    assert [r["source"] for r in r2.records] == ["model", "resume", "model"]
    assert mock.calls == calls_before + 2 and r2.exit_code == 0


def test_usage_counts_reasks_and_failed_attempts(tmp_path):
    paths = articles(tmp_path, 3)

    def fault(n, body):  # MOCK: the first article always gets an answer citing a sentence that does not exist
        if sentences_of(body)[0][1].startswith("US China"):
            return httpx2.Response(200, json=completion(json.dumps(extraction_for(body, bad_ids=True)),
                                                        prompt_tokens=900, completion_tokens=100))
        if "Toblerone" in json.dumps(body):       # and the second one an outage
            return httpx2.Response(503, json={"error": {"message": "mock overloaded"}})
        return None

    mock = MockModel(fault=fault)
    with Briefer(settings(max_retries=1), cache=None, client_factory=mock.client_factory()) as runner:
        result = run_batch(expand(paths), runner, tmp_path / "out", quiet=True)
    first, second, third = result.records
    # grounding-only failures after the re-ask: the answer is kept with the failure flagged, both attempts paid
    assert first["status"] == "ok" and first["supported"] < first["total"]
    assert first["usage"]["attempts"] == 2 and first["usage"]["prompt_tokens"] == 1800
    assert second["status"] == "failed" and second["error_type"] == "ModelError" and "503" in second["error"]
    assert second["usage"]["attempts"] == 1 and second["exit_code"] == 1
    assert third["status"] == "ok"
    assert result.usage.attempts == 4 and result.usage.prompt_tokens == 2800
    assert result.usage.completion_tokens == 200 + 300
    assert result.exit_code == 1


def test_rate_limit_is_retried_with_retry_after(tmp_path):
    paths = articles(tmp_path, 2)

    def fault(n, body):  # MOCK: the first request is rate limited
        if n == 1:
            return httpx2.Response(429, headers={"retry-after": "0.01"},
                                   json={"error": {"message": "slow down", "type": "rate_limit"}})
        return None

    mock = MockModel(fault=fault)
    with Briefer(settings(http_retries=2), cache=None, client_factory=mock.client_factory()) as runner:
        result = run_batch(expand(paths), runner, tmp_path / "out", quiet=True)
    assert result.exit_code == 0 and mock.calls == 3


# ------------------------------------------------------------------------------------------------ concurrency

@pytest.mark.parametrize("n", [1, 2, 4])
def test_concurrency_is_bounded_and_used(tmp_path, n):
    paths = articles(tmp_path, 8)
    mock = MockModel(hold=n, delay=0.05)
    with Briefer(settings(), cache=None, client_factory=mock.client_factory()) as runner:
        result = run_batch(expand(paths), runner, tmp_path / "out", concurrency=n, quiet=True)
    assert result.exit_code == 0 and mock.calls == 8
    assert mock.max_in_flight == n
    assert [r["id"] for r in result.records] == [f"article-{i}" for i in range(1, 9)]   # input order kept


def test_concurrency_must_be_positive(tmp_path):
    with Briefer(settings()) as runner, pytest.raises(InputError):
        run_batch(expand(articles(tmp_path, 1)), runner, tmp_path / "out", concurrency=0)


# ------------------------------------------------------------------------------------------------ progress, CLI

class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stream,quiet,expect", [("pipe", False, "lines"), ("pipe", True, "nothing"),
                                                 ("tty", False, "bar")])
def test_progress(tmp_path, stream, quiet, expect):
    paths = articles(tmp_path, 2)
    mock = MockModel()
    err = _TTY() if stream == "tty" else io.StringIO()
    with Briefer(settings(), cache=None, client_factory=mock.client_factory()) as runner:
        run_batch(expand(paths + [str(tmp_path / "gone.txt")]), runner, tmp_path / "out", quiet=quiet, stream=err)
    text = err.getvalue()
    if expect == "nothing":
        assert text == ""
    elif expect == "lines":
        lines = text.splitlines()
        assert len([ln for ln in lines if ln.startswith("[")]) == 3
        assert any("gone: FAILED" in ln and "no such file" in ln for ln in lines)
    else:
        assert "3/3" in text and "1 failed" in text and "ETA" in text


def test_single_input_still_writes_one_file_and_uses_the_cache(tmp_path, monkeypatch, example_text):
    src = tmp_path / "a.txt"
    src.write_text(example_text)
    mock = MockModel()
    mock.install(monkeypatch)
    for _ in range(2):
        assert cli.main(["generate", str(src), "-o", str(tmp_path / "a.md"), "-q", *MODEL_FLAGS]) == 0
    assert mock.calls == 1
    assert (tmp_path / "a.md").read_text().startswith("#")
    assert not (tmp_path / "manifest.jsonl").exists()


def test_many_inputs_need_an_output_folder(tmp_path, capsys):
    paths = articles(tmp_path, 2)
    assert cli.main(["generate", *paths, *MODEL_FLAGS]) == 2
    assert "-o DIR" in capsys.readouterr().err


def test_interrupted_manifest_lines_are_ignored(tmp_path):
    m = tmp_path / "manifest.jsonl"
    m.write_text('{"id": "a", "status": "ok"}\n{"id": "b", "sta')
    assert list(read_manifest(m)) == ["a"]


def test_calls_are_logged_per_item_and_run(tmp_path):
    paths = articles(tmp_path, 2)
    mock = MockModel()
    log = CallLog()
    with Briefer(settings(), calllog=log, client_factory=mock.client_factory(), run_id="run-1") as runner:
        run_batch(expand(paths), runner, tmp_path / "out", quiet=True, concurrency=2)
    rows = log.recent(10)
    assert sorted(r["item"] for r in rows) == ["article-1", "article-2"]
    assert {r["run"] for r in rows} == {"run-1"} and {r["attempt"] for r in rows} == {1}
    assert all(r["prompt_tokens"] == 1000 and r["completion_tokens"] == 300 for r in rows)
    assert rows[0]["request"]["response_format"]["type"] == "json_object"   # extra_body merged, as sent
