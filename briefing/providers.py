"""The providers, stated once: how each backend is asked for schema-valid JSON, its defaults, and its capabilities.

Everything that differs between backends is an attribute here, read by the settings, the model call, the cache key,
the batch requests and the command line; no code asks ``if provider == …``. Imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


def _llamacpp_extras(schema: dict[str, Any]) -> dict[str, Any]:
    # Both llama.cpp servers turn a json_object schema into a decoding grammar: llama-cpp-python's (it answers the
    # json_schema form with HTTP 500) and llama.cpp's own llama-server (it reads both forms into the same grammar;
    # tests/test_llama_cpp_server.py). A mild repeat penalty helps against loops.
    return {"response_format": {"type": "json_object", "schema": schema}, "repeat_penalty": 1.1}


def _openai_extras(schema: dict[str, Any]) -> dict[str, Any]:
    # Strict structured outputs: the tool instructor names is replaced by the same tool with the strict variant of
    # the schema (briefing.strict), so OpenAI decodes under it; validation keywords stay on the pydantic side.
    # Strict tools are not compatible with parallel tool calls.
    from briefing.strict import strict_schema

    tool = {"name": schema["title"], "description": schema.get("description", ""),
            "parameters": strict_schema(schema), "strict": True}
    return {"tools": [{"type": "function", "function": tool}], "parallel_tool_calls": False}


@dataclass(frozen=True)
class Backend:
    name: str
    mode: str                          # instructor.Mode member name
    extras: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    default_model: str | None = None
    default_base_url: str | None = None
    needs_key: bool = False
    sections: str = "full"             # section profile asked for unless --sections says otherwise
    reask_grounding: bool = True       # re-ask misquotes, misattributions and invented ids (vs. flag them)
    #: The tool starts the model itself (a llama.cpp server on a loopback port for the run): the model is named by
    #: its file, not by a port, and no endpoint is recorded in the briefing.
    served_locally: bool = False
    #: Tokens of context the tool runs the model with, when the tool decides it (None: the endpoint's business):
    #: at least ``context_tokens``, sized up to the article (``brief.context_for``), at most ``max_context_tokens``.
    context_tokens: int | None = None
    max_context_tokens: int | None = None
    #: The server serves one model and answers whatever model name a request sends (llama.cpp's servers), so the
    #: name need not be one ``GET /models`` lists.
    any_model_name: bool = False
    #: Texts of an answer that copy a run of more than 25 words from the article (and a bottom line that copies
    #: a sentence) are sent back in one short call to be said in the model's own words (``model/rewrite.py``):
    #: for small local models, which copy; a large endpoint rarely does, and pays per call.
    rewrite_copies: bool = False


#: provider → how to ask it for schema-valid JSON.
BACKENDS: dict[str, Backend] = {b.name: b for b in (
    Backend("openai", "TOOLS", _openai_extras, default_model="gpt-4o-mini", needs_key=True),
    Backend("llamacpp", "JSON_SCHEMA", _llamacpp_extras, default_model="local", any_model_name=True),
    # On two CPU cores a re-ask costs a whole second answer (60-120 s), and 12 of 13 re-asked answers of the 1.5B
    # model measured (10 eval briefings, 3 cassette recordings) still had a failing quote: flag and withhold
    # instead (--reask-grounding to re-ask).
    Backend("local", "JSON_SCHEMA", _llamacpp_extras, default_model="local", sections="brief",
            reask_grounding=False, served_locally=True, context_tokens=4096, any_model_name=True,
            rewrite_copies=True,
            # Qwen2.5 takes 32K, but the f16 KV cache costs 28 KB a token: 18K keeps CLI + server under 2.5 GiB
            # (about 11,000 words of news text; README "Long articles").
            max_context_tokens=18432),
    Backend("ollama", "JSON_SCHEMA", default_base_url="http://localhost:11434/v1"),
    Backend("vllm", "JSON_SCHEMA", default_base_url="http://localhost:8000/v1"),
)}
PROVIDERS: tuple[str, ...] = tuple(BACKENDS)
#: Where the openai client goes when no base URL is set (named in messages).
OPENAI_URL = "https://api.openai.com/v1"
