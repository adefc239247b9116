"""Model and endpoint faults: rate limits, server errors, timeouts, refused connections, invalid answers, refusals,
truncation, Ctrl-C — each a clear ModelError (exit 1) or exit 130, never a traceback, never a partial file.

Two layers: ``*_mock_transport`` tests put an ``httpx2.MockTransport`` under the openai client and call the pipeline;
``*_loopback`` tests run the real CLI against a canned HTTP server on 127.0.0.1 (or a closed port). The canned
answers are fault responses written here, not model output. Retry sleeps are recorded, not slept.
"""

from __future__ import annotations

import json
import time

import httpx2
import pytest

from briefing.text.article import Article
from briefing.cli import main
from briefing.config import Settings
from briefing.errors import ModelError, OutputTruncatedError, RefusalError
from briefing.brief import generate
from tests.helpers import EXAMPLE, completion, extraction, mock_client
from tests.loopback import Loopback, Reply, closed_port

LOOPBACK = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
ENDPOINT = "http://mock.invalid/v1"
FAKE_KEY = "sk-test-faults-0123456789abcdefSECRET"
GOOD = json.dumps(extraction())


class Clock:
    """Stands in for the ``time`` module inside openai's client: records retry sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def __getattr__(self, name):
        return getattr(time, name)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    import openai._base_client

    c = Clock()
    monkeypatch.setattr(openai._base_client, "time", c)
    return c


def api_error(status: int, message: str, headers: dict | None = None, **extra) -> httpx2.Response:
    return httpx2.Response(status, headers=headers, json={"error": {"message": message, **extra}})


class Endpoint:
    """A mock transport answering from a list of responses (or exceptions to raise); the last one repeats."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def bodies(self) -> list[dict]:
        return [json.loads(r.content) for r in self.requests]


def settings(**over) -> Settings:
    base = dict(provider="llamacpp", base_url=ENDPOINT, model="local", max_retries=1, http_retries=3, timeout=5.0,
                api_key=FAKE_KEY)
    base.update(over)
    return Settings(**base)


def brief(endpoint: Endpoint, s: Settings | None = None):
    s = s or settings()
    return generate(Article(EXAMPLE.read_text()), s, client=mock_client(s, endpoint))


def fails(endpoint: Endpoint, s: Settings | None = None, kind=ModelError) -> ModelError:
    with pytest.raises(kind) as err:
        brief(endpoint, s)
    e = err.value
    assert e.exit_code == 1
    line = e.one_line()
    assert "\n" not in line and FAKE_KEY not in line
    return e


# ------------------------------------------------------------------------------------------ rate limits, 5xx

def test_fault_429_retry_after_is_honoured_mock_transport(clock):
    ep = Endpoint(api_error(429, "Rate limit reached", {"Retry-After": "2"}),
                  httpx2.Response(200, json=completion(GOOD)))
    b = brief(ep)
    assert len(ep.requests) == 2
    assert clock.sleeps == [2.0], "waited exactly what Retry-After asked"
    assert b.extraction.headline == extraction()["headline"]


def test_fault_429_exhausted_mock_transport(clock):
    ep = Endpoint(api_error(429, "Rate limit reached for requests"))
    e = fails(ep)
    assert len(ep.requests) == 4, "the first try and 3 retries"
    assert len(clock.sleeps) == 3 and clock.sleeps[0] < clock.sleeps[1] < clock.sleeps[2], "exponential backoff"
    assert e.one_line() == f"rate limited by {ENDPOINT} (HTTP 429), still after 3 retries with backoff"


def test_fault_5xx_retried_then_answered_mock_transport(clock):
    ep = Endpoint(api_error(502, "bad gateway"), httpx2.Response(503, text="upstream down"),
                  httpx2.Response(200, json=completion(GOOD)))
    b = brief(ep)
    assert len(ep.requests) == 3 and len(clock.sleeps) == 2
    assert b.meta.usage["attempts"] == 1, "transport retries are not re-asks"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_fault_5xx_exhausted_mock_transport(clock, status):
    ep = Endpoint(api_error(status, "llama server crashed", type="server_error"))
    e = fails(ep)
    assert len(ep.requests) == 4
    assert e.one_line() == (f"the model endpoint {ENDPOINT} failed with HTTP {status}: llama server crashed "
                            f"(tried 4 times with backoff)")


def test_fault_400_context_length_is_not_retried_and_names_the_limit_mock_transport(clock):
    ep = Endpoint(api_error(400, "This model's maximum context length is 8192 tokens. However, your messages "
                                 "resulted in 9120 tokens.", code="context_length_exceeded"))
    e = fails(ep)
    assert len(ep.requests) == 1 and clock.sleeps == []
    assert "HTTP 400" in e.one_line() and "maximum context length is 8192 tokens" in e.one_line()


def test_fault_401_names_the_endpoint_and_hides_the_key_mock_transport(clock):
    ep = Endpoint(api_error(401, f"Incorrect API key provided: {FAKE_KEY}"))
    e = fails(ep)
    assert ep.requests[0].headers["authorization"] == f"Bearer {FAKE_KEY}", "the key is sent to the endpoint…"
    assert e.one_line() == f"the model endpoint {ENDPOINT} rejected the API key (HTTP 401)"  # …and nowhere else


def test_fault_echoed_key_is_redacted_from_messages_mock_transport(clock):
    ep = Endpoint(api_error(400, f"invalid request from key {FAKE_KEY}"))
    e = fails(ep)
    assert "[REDACTED]" in e.one_line()


# ------------------------------------------------------------------------------------------ transport

def test_fault_timeout_mock_transport(clock):
    ep = Endpoint(httpx2.ReadTimeout("timed out"))
    e = fails(ep, settings(timeout=7.5))
    assert len(ep.requests) == 4
    assert e.one_line() == f"the model endpoint {ENDPOINT} did not answer within 7.5 s (tried 4 times with backoff)"


def test_fault_connection_refused_mock_transport(clock):
    ep = Endpoint(httpx2.ConnectError("[Errno 111] Connection refused"))
    e = fails(ep)
    assert e.one_line().startswith(f"cannot reach the model endpoint {ENDPOINT} (connection refused")
    assert e.endpoint == ENDPOINT


# ------------------------------------------------------------------------------------------ answers

def test_fault_invalid_json_is_reasked_then_fails_with_the_attempt_count_mock_transport(clock):
    ep = Endpoint(httpx2.Response(200, json=completion("Sure! Here is the briefing: {headline: ...")))
    e = fails(ep)
    assert len(ep.requests) == 2 and e.attempts == 2
    assert e.one_line().startswith("no valid answer after 2 attempt(s): ") and "Invalid JSON" in e.one_line()
    reask = ep.bodies()[1]["messages"]
    assert len(reask) > len(ep.bodies()[0]["messages"]), "the re-ask carries the failed answer and the error"


def test_fault_invalid_json_then_a_valid_answer_mock_transport(clock):
    ep = Endpoint(httpx2.Response(200, json=completion("{not json")), httpx2.Response(200, json=completion(GOOD)))
    b = brief(ep)
    assert b.meta.usage["attempts"] == 2 and b.meta.usage["prompt_tokens"] == 200


def test_fault_schema_failure_counts_every_attempt_mock_transport(clock):
    ep = Endpoint(httpx2.Response(200, json=completion('{"headline": 42, "key_points": "none"}')))
    e = fails(ep, settings(max_retries=2))
    assert len(ep.requests) == 3 and e.attempts == 3
    assert e.one_line().startswith("no valid answer after 3 attempt(s): ")
    assert "headline: Input should be a valid string" in e.one_line()


def test_fault_a_sentence_id_of_0_is_flagged_on_its_item_not_a_failed_briefing_mock_transport(clock):
    """The local model gave an outlook "ev": [0] for a long article (its grammar does not hold the schema's minimum):
    the answer was rejected twice and the article failed. Now the id is a grounding failure: named in the re-ask,
    then flagged on the item of the answer kept."""
    answer = extraction()
    answer["outlook"][0]["ev"] = [0]
    ep = Endpoint(httpx2.Response(200, json=completion(json.dumps(answer))))
    b = brief(ep)
    assert len(ep.requests) == 2 and "cites sentence [0]" in ep.bodies()[1]["messages"][-1]["content"]
    item = b.extraction.outlook[0]
    assert item.supported is False and item.problems[0].startswith("cites sentence [0] but the article has")


@pytest.mark.parametrize("provider", ["llamacpp", "openai"])
def test_fault_refusal_is_reported_as_such_mock_transport(clock, provider):
    ep = Endpoint(httpx2.Response(200, json=completion(None, refusal="I'm sorry, I can't help with that.")))
    s = settings(provider=provider, base_url=None if provider == "openai" else ENDPOINT)
    e = fails(ep, s, kind=RefusalError)
    assert e.one_line() == "the model refused: I'm sorry, I can't help with that."


def test_fault_truncated_answer_mock_transport(clock):
    ep = Endpoint(httpx2.Response(200, json=completion('{"headline": "US and China', finish_reason="length")))
    e = fails(ep, kind=OutputTruncatedError)
    assert "cut off at max_tokens=1400" in e.one_line() and len(ep.requests) == 1


def test_fault_not_a_chat_completion_mock_transport(clock):
    ep = Endpoint(httpx2.Response(200, text="<html><body>Proxy login required</body></html>",
                                  headers={"content-type": "text/html"}))
    e = fails(ep)
    assert e.one_line().startswith("no valid answer after 2 attempt(s): ")
    assert "<failed_attempts>" not in e.one_line()


# ------------------------------------------------------------------------------------------ the CLI

def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def model_flags(url: str) -> list[str]:
    return ["--provider", "llamacpp", "--base-url", url, "--model", "local", "--max-retries", "1", "-q"]


def assert_failed_cleanly(code: int, err: str, out_path, *, exit_code: int = 1, needle: str = "") -> None:
    assert code == exit_code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in err
    assert not out_path.exists()
    assert not [p for p in out_path.parent.iterdir() if p.name.endswith(".part")]


@LOOPBACK
def test_cli_fault_connection_refused_closed_port(clock, tmp_path, capsys):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    out = tmp_path / "b.md"
    code, _, err = run_cli(capsys, "generate", str(EXAMPLE), "-o", str(out), *model_flags(url))
    assert_failed_cleanly(code, err, out, needle=f"briefing: error: cannot reach the model endpoint {url} "
                                                 f"(connection refused")
    assert len(clock.sleeps) == 3


@LOOPBACK
def test_cli_fault_429_loopback(tmp_path, capsys):
    """Real sleeps here: the server's ``retry-after-ms: 5`` keeps them short, which also shows it is honoured."""
    reply = Reply(429, json.dumps({"error": {"message": "Rate limit reached"}}),
                  {"Content-Type": "application/json", "retry-after-ms": "5"})
    out = tmp_path / "b.md"
    with Loopback({"/v1/chat/completions": [reply]}) as srv:
        t0 = time.monotonic()
        code, _, err = run_cli(capsys, "generate", str(EXAMPLE), "-o", str(out), *model_flags(f"{srv.url}/v1"))
        took = time.monotonic() - t0
    assert_failed_cleanly(code, err, out, needle=f"rate limited by {srv.url}/v1 (HTTP 429), still after 3 retries")
    assert len(srv.requests) == 4 and took < 3.0, "without Retry-After the backoff alone would take ~3.5 s"


@LOOPBACK
def test_cli_fault_503_loopback(clock, tmp_path, capsys):
    out = tmp_path / "b.md"
    with Loopback({"/v1/chat/completions": [Reply(503, "Service Unavailable: model loading")]}) as srv:
        code, _, err = run_cli(capsys, "generate", str(EXAMPLE), "-o", str(out), *model_flags(f"{srv.url}/v1"))
    assert_failed_cleanly(code, err, out, needle=f"the model endpoint {srv.url}/v1 failed with HTTP 503")
    assert len(srv.requests) == 4


@LOOPBACK
def test_cli_fault_timeout_loopback(clock, tmp_path, capsys):
    out = tmp_path / "b.md"
    with Loopback({"/v1/chat/completions": [Reply(200, json.dumps(completion(GOOD)), delay=1.5)]}) as srv:
        code, _, err = run_cli(capsys, "generate", str(EXAMPLE), "-o", str(out), "--timeout", "0.2",
                               *model_flags(f"{srv.url}/v1"))
    assert_failed_cleanly(code, err, out, needle=f"the model endpoint {srv.url}/v1 did not answer within 0.2 s")


@LOOPBACK
def test_cli_fault_invalid_json_loopback(clock, tmp_path, capsys):
    out = tmp_path / "b.md"
    before = "an earlier briefing\n"
    out.write_text(before)
    bad = Reply(200, json.dumps(completion("I cannot produce JSON today.")), {"Content-Type": "application/json"})
    with Loopback({"/v1/chat/completions": [bad]}) as srv:
        code, _, err = run_cli(capsys, "generate", str(EXAMPLE), "-o", str(out), *model_flags(f"{srv.url}/v1"))
    assert code == 1 and "no valid answer after 2 attempt(s)" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert out.read_text() == before, "the existing output is untouched"
    assert len(srv.requests) == 2


@LOOPBACK
def test_cli_key_never_reaches_messages_outputs_or_logs_loopback(clock, tmp_path, capsys, monkeypatch,
                                                                    isolated_env):
    """The key goes to the endpoint as a bearer token and nowhere else: not stderr, not the output, not the call
    log or cache under HOME — on success and on a 401 that echoes it."""
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    ok = Reply(200, json.dumps(completion(GOOD)), {"Content-Type": "application/json"})
    denied = Reply(401, json.dumps({"error": {"message": f"Incorrect API key provided: {FAKE_KEY}"}}),
                   {"Content-Type": "application/json"})
    out = tmp_path / "b.json"
    with Loopback({"/v1/chat/completions": [ok], "/v2/chat/completions": [denied]}) as srv:
        code2, stdout2, err2 = run_cli(capsys, "generate", str(EXAMPLE), "-f", "json", "-o", str(tmp_path / "c.json"),
                                       *model_flags(f"{srv.url}/v2"))
        code, stdout, err = run_cli(capsys, "generate", str(EXAMPLE), "-f", "json", "-o", str(out),
                                    *model_flags(f"{srv.url}/v1"))
    assert code == 0, err
    assert code2 == 1 and "rejected the API key (HTTP 401)" in err2 and not (tmp_path / "c.json").exists()
    sent = [{k.lower(): v for k, v in r[2].items()}.get("authorization") for r in srv.requests]
    assert sent == [f"Bearer {FAKE_KEY}"] * 2, "the key is sent to the endpoint"
    for text in (stdout, err, stdout2, err2, out.read_text()):
        assert FAKE_KEY not in text
    written = [p for p in isolated_env.rglob("*") if p.is_file()]
    assert written, "the run wrote its call log / cache under HOME"
    for p in written:
        assert FAKE_KEY.encode() not in p.read_bytes(), p


# ------------------------------------------------------------------------------------------ Ctrl-C

def test_ctrl_c_during_the_model_call_exits_130_without_output_mock_transport(tmp_path, capsys, monkeypatch):
    """Ctrl-C while the model is thinking: exit 130, one line, no file."""
    def interrupted(self, request):
        raise KeyboardInterrupt

    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", interrupted)
    out = tmp_path / "b.md"
    code, _, err = run_cli(capsys, "generate", str(EXAMPLE), "-o", str(out), *model_flags("http://127.0.0.1:9/v1"))
    assert code == 130 and err.strip() == "briefing: interrupted"
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_ctrl_c_while_writing_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    """Ctrl-C in the middle of writing the output: the old file is intact and the temp file is gone."""
    import briefing.output.write as output

    out = tmp_path / "b.html"
    out.write_text("the previous briefing")

    def interrupted_fsync(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(out, "<html>" + "x" * 100_000)
    assert out.read_text() == "the previous briefing"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.html"]
