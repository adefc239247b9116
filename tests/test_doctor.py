"""``briefing doctor`` on MOCK transports (every answer here is constructed, not model output): an endpoint that
works, a refused connection, an endpoint that ignores or rejects the schema, a model it does not serve; and the
local model file's checksum states."""

from __future__ import annotations

import hashlib
import json

import httpx2
import pytest

from briefing import doctor
from briefing.cli import main as cli_main
from briefing.config import Settings
from briefing.model import local
from tests.helpers import completion
from tests.loopback import closed_port

ENDPOINT = "http://mock.invalid/v1"
PROBE = json.dumps({"city": "Paris", "country": "France"})


class Server:
    """A MOCK OpenAI-compatible endpoint: ``GET /models`` lists ``models``; chat completions answer ``chat(body)``."""

    def __init__(self, models=("local",), chat=lambda body: httpx2.Response(200, json=completion(PROBE))):
        self.models = models
        self.chat = chat
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if request.url.path.endswith("/models"):
            return httpx2.Response(200, json={"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "mock"} for m in self.models]})
        return self.chat(json.loads(request.content))

    def run(self, settings: Settings) -> tuple[int, list[str]]:
        lines: list[str] = []
        code = doctor.main(settings, out=lines.append,
                           http_client_factory=lambda s: httpx2.Client(transport=httpx2.MockTransport(self)))
        return code, lines

    def bodies(self) -> list[dict]:
        return [json.loads(r.content) for r in self.requests if r.method == "POST"]


def test_doctor_ok_endpoint_on_a_mock_transport():
    server = Server(models=("/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",))
    code, lines = server.run(Settings(base_url=ENDPOINT))
    assert code == 0, lines
    assert [line[0] for line in lines] == ["✓"] * 4
    assert lines[0] == f"✓ provider: llamacpp (auto: the base URL {ENDPOINT} is not on Ollama's port 11434)"
    assert lines[1] == f"✓ endpoint: {ENDPOINT} answers GET /models (1 model(s))"
    assert "answers to any name" in lines[2] and "qwen2.5-coder" in lines[2]
    assert lines[3].startswith('✓ structured output: a two-field schema (JSON_SCHEMA + extras) came back valid: '
                               '{"city":"Paris","country":"France"}')
    (body,) = server.bodies()  # the llamacpp row's request shape, with the probe's schema
    assert body["response_format"]["type"] == "json_object"
    assert list(body["response_format"]["schema"]["properties"]) == ["city", "country"]
    assert body["max_tokens"] == 64


def test_doctor_openai_probe_uses_strict_tools_on_a_mock_transport():
    def chat(body):
        answer = completion(None, model="gpt-4o-mini")
        answer["choices"][0]["message"]["tool_calls"] = [{"id": "call_mock", "type": "function", "function": {
            "name": body["tools"][0]["function"]["name"], "arguments": PROBE}}]
        return httpx2.Response(200, json=answer)

    server = Server(models=("gpt-4o", "gpt-4o-mini"), chat=chat)
    code, lines = server.run(Settings(api_key="sk-test-0123456789"))
    assert code == 0, lines
    assert lines[0] == "✓ provider: openai (OPENAI_API_KEY is set and no base URL)"
    assert lines[2] == "✓ model: gpt-4o-mini is served"
    fn = server.bodies()[0]["tools"][0]["function"]
    assert fn["strict"] is True and fn["parameters"]["additionalProperties"] is False
    assert "maxLength" not in json.dumps(fn["parameters"])
    assert str(server.requests[0].url) == "https://api.openai.com/v1/models"


def test_doctor_refused_connection_on_a_mock_transport():
    def refuse(request):
        raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)

    lines: list[str] = []
    code = doctor.main(Settings(provider="vllm", model="m"), out=lines.append,
                       http_client_factory=lambda s: httpx2.Client(transport=httpx2.MockTransport(refuse)))
    assert code == 1
    assert lines[1] == ("✗ endpoint: cannot reach the model endpoint http://localhost:8000/v1 (connection refused "
                        "or network down; tried once, no retries)")
    assert lines[2:] == ["· model: not checked: the endpoint did not answer",
                         "· structured output: not checked: the endpoint did not answer"]


def test_doctor_endpoint_without_schema_support_on_a_mock_transport():
    # a server that ignores response_format and answers in prose
    server = Server(models=("qwen2.5",),
                    chat=lambda body: httpx2.Response(200, json=completion("The capital of France is Paris.")))
    code, lines = server.run(Settings(provider="ollama", model="qwen2.5"))
    assert code == 1
    assert lines[2] == "✓ model: qwen2.5 is served"
    assert lines[3].startswith("✗ structured output: a two-field schema (JSON_SCHEMA) failed: no valid answer after "
                               "1 attempt(s)")
    assert server.bodies()[0]["response_format"]["type"] == "json_schema"


def test_doctor_endpoint_that_rejects_the_schema_on_a_mock_transport():
    err = {"error": {"message": "response_format type json_schema is not supported", "type": "invalid_request"}}
    server = Server(chat=lambda body: httpx2.Response(400, json=err))
    code, lines = server.run(Settings(provider="vllm", base_url=ENDPOINT, model="local"))
    assert code == 1
    assert lines[3] == ("✗ structured output: a two-field schema (JSON_SCHEMA) failed: the model endpoint "
                        f"{ENDPOINT} failed with HTTP 400: response_format type json_schema is not supported")


def test_doctor_model_not_served_on_a_mock_transport():
    server = Server(models=("Qwen/Qwen2.5-7B-Instruct",))
    code, lines = server.run(Settings(provider="vllm", model="qwen"))
    assert code == 1
    assert lines[2] == "✗ model: 'qwen' is not served there (it serves Qwen/Qwen2.5-7B-Instruct; --model)"


def test_doctor_openai_without_a_key_fails_the_provider_check():
    code, lines = Server().run(Settings(provider="openai"))
    assert (code, lines) == (1, ["✗ provider: openai (named by --provider or BRIEFING_PROVIDER), but "
                                 "OPENAI_API_KEY is not set"])


# ------------------------------------------------------------------------------------------ the local model file

@pytest.fixture
def tiny_model(monkeypatch, tmp_path):
    """A constructed 16-byte 'model' in place of the packaged ones, and an empty cache dir."""
    content = b"GGUF" + bytes(12)
    model = local.LocalModel(name="tiny", label="Tiny", packages=("no-such-package-part1",), size=len(content),
                             sha256=hashlib.sha256(content).hexdigest(), filename="tiny.gguf")
    monkeypatch.setattr(local, "MODELS", {"tiny": model})
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "cache"))
    return model, content


def local_lines(**over) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = doctor.main(Settings(local_model="tiny", **over), out=lines.append)
    return code, lines


def test_doctor_local_model_checksum_states(tiny_model):
    model, content = tiny_model
    code, lines = local_lines()
    assert code == 1 and "✗ model file: Tiny is not installed (pip install no-such-package-part1" in lines[2]
    path = local.cache_dir() / model.filename
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    code, lines = local_lines()
    assert code == 0, lines
    assert lines[2] == f"✓ model file: Tiny assembled at {path}, sha256 matches ({model.sha256[:12]}…)"
    assert lines[3] == "· endpoint: the local server is started only with --start-local"
    path.write_bytes(b"GGUF" + bytes(11) + b"x")  # same size, other bytes
    code, lines = local_lines()
    assert code == 1 and lines[2].startswith(f"✗ model file: {path}: sha256 ") and "assembled again" in lines[2]
    path.write_bytes(content[:8])
    assert "is 8 bytes, not 16" in local_lines()[1][2]


def test_doctor_local_model_given_by_gguf(tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + bytes(100))
    code, lines = local_lines(gguf=str(gguf))
    assert code == 0 and lines[2].startswith(f"✓ model file: {gguf} (") and "no checksum" in lines[2]
    gguf.write_bytes(b"not a model")
    code, lines = local_lines(gguf=str(gguf))
    assert code == 1 and lines[2] == f"✗ model file: --gguf/BRIEFING_GGUF: {gguf} is not a GGUF model file"


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_doctor_command_line_against_a_closed_port(capsys):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    code = cli_main(["doctor", "--base-url", url])
    out = capsys.readouterr().out.splitlines()
    assert code == 1 and len(out) == 4
    assert out[1] == f"✗ endpoint: cannot reach the model endpoint {url} (connection refused or network down; " \
                     "tried once, no retries)"
