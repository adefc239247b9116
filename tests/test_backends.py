"""What each backend is sent, pinned on MOCK transports (the answers are constructed here, not model output), and the
schema OpenAI's strict structured outputs decode under, checked against OpenAI's rules for every section profile.

Only llama-cpp-python's server and llama.cpp's own ``llama-server`` were met for real (cassettes,
tests/test_llama_cpp_server.py); OpenAI, Ollama and vLLM are held to their documented request shapes here.
"""

from __future__ import annotations

import json

import httpx2
import pytest
from pydantic import ValidationError

from briefing.brief import Briefer
from briefing.config import Settings
from briefing.ingest.core import load
from briefing.strict import STRUCTURAL, strict_schema, violations
from briefing.schema import extraction_model
from briefing.sections import PROFILE_NAMES
from tests.helpers import EXAMPLE, completion, extraction, mock_client


def tool_call(arguments: str, name: str) -> dict:
    """A MOCK chat completion that answers with one tool call, as OpenAI does for a forced function."""
    body = completion(None, model="gpt-4o-mini")
    body["choices"][0]["finish_reason"] = "tool_calls"
    body["choices"][0]["message"]["tool_calls"] = [
        {"id": "call_mock", "type": "function", "function": {"name": name, "arguments": arguments}}]
    return body


def sent(settings: Settings, answer) -> tuple[list[httpx2.Request], object]:
    """Brief the example through ``settings`` with a MOCK transport answering ``answer(body)``; return the requests
    and the briefing."""
    requests: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        requests.append(request)
        return httpx2.Response(200, json=answer(json.loads(request.content)))

    with Briefer(settings, client_factory=lambda s, url: mock_client(s, handler, url)) as briefer:
        briefing = briefer.brief(load(str(EXAMPLE))).briefing
    return requests, briefing


def common(body: dict, model: str) -> None:
    assert body["model"] == model
    assert body["temperature"] == 0 and body["seed"] == 0 and body["max_tokens"] == 1400
    roles = [m["role"] for m in body["messages"]]
    assert roles[0] == "system" and roles[-1] == "user" and "[1] " in body["messages"][-1]["content"]


# ------------------------------------------------------------------------------------------ request shapes

def test_openai_request_shape_on_a_mock_transport():
    s = Settings(provider="openai", api_key="sk-test-0123456789", max_retries=0, http_retries=0)
    requests, b = sent(s, lambda body: tool_call(json.dumps(extraction()), body["tools"][0]["function"]["name"]))
    assert len(requests) == 1
    assert str(requests[0].url) == "https://api.openai.com/v1/chat/completions"
    body = json.loads(requests[0].content)
    common(body, "gpt-4o-mini")
    assert "response_format" not in body
    assert len(body["tools"]) == 1, "instructor's tool is replaced, not sent beside the strict one"
    fn = body["tools"][0]["function"]
    assert fn["strict"] is True and fn["name"] == "Extraction" and fn["description"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "Extraction"}}
    assert body["parallel_tool_calls"] is False, "strict tools are not compatible with parallel tool calls"
    assert violations(fn["parameters"]) == []
    assert fn["parameters"] == strict_schema(extraction_model("full").model_json_schema())
    assert b.meta.provider == "openai" and b.extraction.headline == extraction()["headline"]


def test_ollama_request_shape_on_a_mock_transport():
    s = Settings(provider="ollama", model="qwen2.5", max_retries=0, http_retries=0)
    requests, b = sent(s, lambda body: completion(json.dumps(extraction()), model="qwen2.5"))
    assert str(requests[0].url) == "http://localhost:11434/v1/chat/completions"
    body = json.loads(requests[0].content)
    common(body, "qwen2.5")
    assert "tools" not in body and "repeat_penalty" not in body
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "Extraction"
    assert fmt["json_schema"]["schema"] == extraction_model("full").model_json_schema()
    assert b.meta.endpoint == "http://localhost:11434/v1"


def test_vllm_request_shape_on_a_mock_transport():
    s = Settings(provider="vllm", model="Qwen/Qwen2.5-7B-Instruct", max_retries=0, http_retries=0)
    requests, _ = sent(s, lambda body: completion(json.dumps(extraction()), model=body["model"]))
    assert str(requests[0].url) == "http://localhost:8000/v1/chat/completions"
    body = json.loads(requests[0].content)
    common(body, "Qwen/Qwen2.5-7B-Instruct")
    assert "tools" not in body
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == extraction_model("full").model_json_schema()


def test_llamacpp_request_shape_on_a_mock_transport():
    s = Settings(provider="llamacpp", base_url="http://127.0.0.1:8080/v1", model="local", max_retries=0,
                 http_retries=0)
    requests, _ = sent(s, lambda body: completion(json.dumps(extraction())))
    assert str(requests[0].url) == "http://127.0.0.1:8080/v1/chat/completions"
    body = json.loads(requests[0].content)
    common(body, "local")
    assert "tools" not in body
    # the form both llama.cpp servers turn into a grammar (llama-cpp-python's answers json_schema with HTTP 500)
    assert body["response_format"] == {"type": "json_object",
                                       "schema": extraction_model("full").model_json_schema()}
    assert body["repeat_penalty"] == 1.1


# ------------------------------------------------------------------------------------------ strict schemas

@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_strict_schema_of_every_profile_satisfies_openai_rules(profile):
    schema = extraction_model(profile).model_json_schema()
    strict = strict_schema(schema)
    assert violations(strict) == [], "a schema change broke OpenAI's strict rules: fix briefing.strict"
    # the strict variant is the same shape: same fields at every level, same definitions
    assert list(strict["properties"]) == list(schema["properties"]) and set(strict["$defs"]) == set(schema["$defs"])
    assert strict["required"] == list(schema["properties"])


def test_the_pydantic_schema_needs_the_strict_variant_and_keeps_its_bounds():
    schema = extraction_model("full").model_json_schema()
    found = violations(schema)
    assert any("unsupported keyword 'maxLength'" in v for v in found)
    assert any("$ref with sibling keywords" in v for v in found)
    assert "maxLength" not in json.dumps(strict_schema(schema))
    too_long = extraction(headline="x" * 500)
    with pytest.raises(ValidationError, match="headline"):  # the bound stays on our side
        extraction_model("full").model_validate(too_long)


def test_violations_names_each_broken_rule():
    schema = {
        "type": "object", "additionalProperties": False, "required": ["a"],
        "properties": {
            "a": {"type": "string", "minLength": 1, "default": "x"},
            "b": {"type": "object", "properties": {"c": {"type": "integer"}}, "required": ["c"]},
            "d": {"$ref": "#/$defs/D", "description": "a D"},
            "e": {"$ref": "#/$defs/Missing"},
        },
        "$defs": {"D": {"type": "object", "properties": {}, "additionalProperties": False, "required": []}},
    }
    found = violations(schema)
    assert "$: properties not in required: b, d, e" in found
    assert "$.a: unsupported keyword 'default'" in found and "$.a: unsupported keyword 'minLength'" in found
    assert "$.b: object without additionalProperties: false" in found
    assert "$.d: $ref with sibling keywords ['description']" in found
    assert "$.e: $ref '#/$defs/Missing' does not name a definition in $defs" in found
    assert violations({"anyOf": [{"type": "object"}]})[:2] == ["$: the root must be an object",
                                                                 "$: the root must not be anyOf"]
    deep: dict = {"type": "object", "properties": {}, "additionalProperties": False, "required": []}
    for _ in range(11):
        deep = {"type": "object", "properties": {"x": deep}, "additionalProperties": False, "required": ["x"]}
    assert violations(deep) == ["$: objects nested 12 levels deep (at most 10)"]


def test_strict_schema_closes_objects_and_inlines_refs_with_siblings():
    schema = {"type": "object", "title": "T", "properties": {
        "n": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}], "default": None},
        "d": {"$ref": "#/$defs/D", "description": "a D"},
        "r": {"$ref": "#/$defs/D"}},
        "$defs": {"D": {"type": "object", "properties": {"k": {"type": "integer", "minimum": 1}}}}}
    strict = strict_schema(schema)
    assert violations(strict) == []
    assert strict["properties"]["n"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert strict["properties"]["d"]["description"] == "a D" and "$ref" not in strict["properties"]["d"]
    assert strict["properties"]["r"] == {"$ref": "#/$defs/D"}
    assert set(json.dumps(strict).count(k) for k in ("minimum", "maxLength", "default")) == {0}
    assert schema["properties"]["n"]["default"] is None, "the input is not changed"
    assert {"type", "properties", "required", "additionalProperties"} <= STRUCTURAL
