"""Offline batches: `briefing batch prepare` writes what instructor would send; `briefing batch collect` validates,
grounds and renders a batch runner's answers.

tests/data/batch/results.jsonl is REAL model output: scripts/record-batch-results sent the prepared requests
(tests/data/batch/requests.jsonl) unchanged to the local llama.cpp server with the default local model and wrote its
answers in the OpenAI Batch API output format. Failure lines in these tests are constructed (mock data) and say so.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx2
import instructor
import openai
import pytest

from briefing import cli
from briefing.ingest.inputs import expand
from briefing.batch.api import URL, articles_path, collect, prepare, request_body
from briefing.config import Settings
from briefing.providers import BACKENDS
from briefing.brief import extract
from briefing.schema import Briefing
from tests.helpers import completion
from tests.mock_model import articles, extraction_for

DATA = Path(__file__).parent / "data" / "batch"


def sent_by_instructor(article, settings: Settings) -> dict:
    """The body of the first request the pipeline sends, caught by a MOCK transport that then fails the call."""
    seen: list[dict] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        return httpx2.Response(400, json={"error": {"message": "mock: stop here"}})

    raw = openai.OpenAI(api_key="not-needed", base_url="http://mock.invalid/v1", max_retries=0,
                        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    client = instructor.from_openai(raw, mode=getattr(instructor.Mode, BACKENDS[settings.resolved_provider()].mode))
    with pytest.raises(Exception):
        extract(article, settings, base_url="http://mock.invalid/v1", model=settings.model or "local", client=client)
    return seen[0]


@pytest.mark.parametrize("provider,model", [("llamacpp", "local"), ("vllm", "Qwen/Qwen2.5-7B-Instruct"),
                                            ("ollama", "qwen2.5"), ("openai", "gpt-4o-mini")])
def test_prepared_body_is_what_instructor_sends(example_text, provider, model):
    from briefing.ingest.core import from_text

    s = Settings(provider=provider, base_url="http://mock.invalid/v1", model=model, api_key="sk-x", max_retries=0,
                 http_retries=0, max_tokens=900, seed=7, language="French")
    article = from_text(example_text, title="Vienna", date="2023-05-11")
    body = request_body(article, s)
    assert body == sent_by_instructor(article, s)
    assert body["model"] == model and body["max_tokens"] == 900 and body["seed"] == 7
    if provider == "llamacpp":
        assert body["response_format"]["type"] == "json_object" and "schema" in body["response_format"]
    elif provider == "openai":
        assert body["tool_choice"]["function"]["name"] == "Extraction"
    else:
        assert body["response_format"]["type"] == "json_schema"


def test_prepare_writes_batch_api_lines_and_the_articles(tmp_path, capsys):
    paths = articles(tmp_path, 2)
    (tmp_path / "empty.txt").write_text("")
    out = tmp_path / "requests.jsonl"
    code = cli.main(["batch", "prepare", *paths, str(tmp_path / "empty.txt"), "-o", str(out),
                     "--provider", "vllm", "--model", "m"])
    assert code == 2 and "empty" in capsys.readouterr().err
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["custom_id"] for x in lines] == ["article-1", "article-2"]
    assert all(x["method"] == "POST" and x["url"] == URL == "/v1/chat/completions" for x in lines)
    assert all(set(x) == {"custom_id", "method", "url", "body"} for x in lines)
    side = [json.loads(x) for x in articles_path(out).read_text().splitlines()]
    assert articles_path(out).name == "requests.articles.jsonl"
    assert [x["custom_id"] for x in side] == ["article-1", "article-2"]
    assert side[0]["article"]["text"] == Path(paths[0]).read_text().strip()


def test_prepare_needs_a_model_name_for_a_served_model(tmp_path):
    with pytest.raises(Exception, match="--model"):
        prepare(expand(articles(tmp_path, 1)), Settings(provider="vllm"), tmp_path / "r.jsonl")


def test_collect_recorded_real_results(tmp_path, capsys):
    """The real model's answers to the prepared requests become grounded briefings."""
    out = tmp_path / "out"
    code = cli.main(["batch", "collect", str(DATA / "results.jsonl"), "-o", str(out), "-f", "json"])
    err = capsys.readouterr().err
    recs = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
    requests = [json.loads(x) for x in (DATA / "requests.jsonl").read_text().splitlines()]
    assert [r["id"] for r in recs] == [r["custom_id"] for r in requests] == ["vienna-talks", "lady-gaga-protest"]
    assert code == 0 and [r["status"] for r in recs] == ["ok", "ok"], err
    for r in recs:
        b = Briefing.model_validate_json(Path(r["output"]).read_text())
        assert b.meta.batch is True and b.meta.usage["completion_tokens"] > 0
        assert b.grounding.total > 0 and r["grounding"] == b.grounding.figure
        for _, item in b.extraction.items():     # every stored span is the exact slice of the article
            for span in item.evidence:
                assert b.article.text[span.start:span.end] == span.text
    assert b.article.title and b.article.date == "2016-11-09"          # metadata from the JSONL record


def test_collect_names_every_failure(tmp_path, example_text):
    """Result lines here are MOCK data, constructed to cover each way a batch result can fail."""
    src = tmp_path / "in"
    src.mkdir()
    paths = articles(src, 3)
    req = tmp_path / "requests.jsonl"
    s = Settings(provider="llamacpp", base_url="http://mock.invalid/v1", model="local")
    prepare(expand(paths), s, req)
    bodies = {x["custom_id"]: x["body"] for x in map(json.loads, req.read_text().splitlines())}
    good = completion(json.dumps(extraction_for(bodies["article-1"])))
    lines = [
        {"custom_id": "article-1", "response": {"status_code": 200, "body": good}, "error": None},
        {"custom_id": "article-2", "response": {"status_code": 200, "body": completion(
            '{"headline": "cut off', finish_reason="length")}, "error": None},
        {"custom_id": "article-3", "response": {"status_code": 200, "body": completion('{"headline": "x"}')},
         "error": None},
        {"custom_id": "nobody", "response": {"status_code": 200, "body": good}, "error": None},
        {"custom_id": "article-1b", "response": None, "error": {"code": "batch_expired", "message": "expired"}},
        "not json",
    ]
    results = tmp_path / "results.jsonl"
    results.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    result = collect(results, tmp_path / "out", say=lambda m: None)
    by = {(r["id"] or r["input"]): r for r in result.records}
    assert by["article-1"]["status"] == "ok" and Path(by["article-1"]["output"]).exists()
    assert "cut off at max_tokens" in by["article-2"]["error"]
    assert "not a valid extraction" in by["article-3"]["error"] and "error(s)" in by["article-3"]["error"]
    assert "no prepared article" in by["nobody"]["error"]
    assert "no prepared article" in by["article-1b"]["error"]
    assert any("not JSON" in (r["error"] or "") for r in result.records)
    assert result.exit_code != 0 and len(result.failed) == len(result.records) - 1


def test_collect_reports_runner_errors_and_missing_results(tmp_path):
    """MOCK result lines: one the runner failed (HTTP 500), one missing from the results."""
    paths = articles(tmp_path, 2)
    req = tmp_path / "requests.jsonl"
    prepare(expand(paths), Settings(provider="llamacpp", base_url="http://mock.invalid/v1", model="local"), req)
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps({"custom_id": "article-1", "response": {
        "status_code": 500, "body": {"error": {"message": "mock: server exploded"}}}, "error": None}) + "\n")
    result = collect(results, tmp_path / "out", say=lambda m: None)
    assert [(r["id"], r["status"]) for r in result.records] == [("article-1", "failed"), ("article-2", "failed")]
    assert "HTTP 500" in result.records[0]["error"] and "server exploded" in result.records[0]["error"]
    assert "no result" in result.records[1]["error"]


def test_collect_finds_or_asks_for_the_articles_file(tmp_path):
    results = tmp_path / "results.jsonl"
    results.write_text("")
    with pytest.raises(Exception, match="--articles"):
        collect(results, tmp_path / "out")
    shutil.copy(DATA / "requests.articles.jsonl", tmp_path / "requests.articles.jsonl")
    result = collect(results, tmp_path / "out", say=lambda m: None)
    assert all("no result" in r["error"] for r in result.records) and result.records
