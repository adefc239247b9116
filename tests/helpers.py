"""What several test modules share, in one place: paths, MOCK answers and clients, the constructed extraction of the
example article, span checks and the CLI in a subprocess.

Everything here is constructed test data or plumbing, never model output (real answers live in ``cassettes/`` and
``tests/data/batch/results.jsonl``). The MOCK endpoint that answers any article is :mod:`tests.mock_model`; the
constructed full-page briefings for layout tests are :mod:`tests.samples`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "vienna-talks.txt"
SHARED = ROOT.parent / "shared"
DATA = ROOT / "tests" / "data"


# ------------------------------------------------------------------------------------------ MOCK answers

def completion(content: str | None, *, model: str = "local", prompt_tokens: int = 100, completion_tokens: int = 50,
               finish_reason: str = "stop", refusal: str | None = None) -> dict[str, Any]:
    """A MOCK ``chat.completion`` body as an OpenAI-compatible server returns it."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message["refusal"] = refusal
    return {"id": "chatcmpl-mock", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": finish_reason, "message": message}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


class Script:
    """A MOCK transport handler answering chat completions from a list (``completion(content, **usage)``),
    recording the requests it saw."""

    def __init__(self, *contents: str | None, **usage: Any):
        self.contents = list(contents)
        self.requests: list[dict[str, Any]] = []
        self.usage = usage

    def __call__(self, request):
        import json

        import httpx2

        self.requests.append(json.loads(request.content))
        return httpx2.Response(200, json=completion(self.contents.pop(0), **self.usage))


def mock_client(settings, handler: Callable, base_url: str | None = None):
    """The instructor client :func:`briefing.model.call.make_client` builds, over an ``httpx2.MockTransport``
    calling ``handler(request) -> httpx2.Response``."""
    import httpx2

    from briefing.model.call import make_client

    return make_client(settings, base_url or settings.base_url,
                       http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))


def saved_answer(name: str):
    """A real model answer kept in ``tests/data/answers`` (its README says where each comes from), as a briefing."""
    from briefing.schema import Briefing

    return Briefing.model_validate_json((ROOT / "tests" / "data" / "answers" / name).read_text(encoding="utf-8"))


def extraction(**over) -> dict[str, Any]:
    """A constructed answer for the example article, every item citing the sentences that state it (``over``
    replaces whole fields)."""
    base = {
        "headline": "US and China seek to move past balloon row",
        "dateline": {"place": "WASHINGTON", "date": "May 11"},
        "bottom_line": {"text": "Sullivan and Wang Yi held eight-hour talks in Vienna.", "ev": [4]},
        "key_points": [
            {"text": "Both sides agreed to maintain the channel of communication.", "ev": [14]},
            {"text": "Sullivan raised concerns about American citizens detained in China.", "ev": [15]},
            {"text": "Sullivan raised concerns about Chinese military aid to Russia.", "ev": [16]},
        ],
        "actors": [{"name": "Jake Sullivan", "role": "National Security Adviser", "affiliation": "United States",
                    "stance": "Washington did not seek conflict.", "ev": [4]}],
        "positions": [{"party": "China", "stance": "Talks were frank and constructive.", "ev": [5]}],
        "timeline": [{"date": "Wednesday", "what": "Sullivan and Wang Yi held talks in Vienna.", "who": "Sullivan",
                      "type": "CONSULT", "ev": [4]}],
        "quotes": [{"speaker": "Daniel Russel", "text": "Both sides send strong - sometimes angry - messages"}],
        "issues": [{"text": "Detained American citizens in China.", "ev": [15]}],
        "outlook": [{"text": "The two sides will keep engaging.", "likelihood": "likely", "confidence": "moderate",
                     "basis": "An official said the White House expects engagement.", "ev": [6]}],
        "open_questions": [{"text": "When will Blinken visit Beijing?", "ev": [6]}],
    }
    base.update(over)
    return base


# ------------------------------------------------------------------------------------------ checks

def spans_in(node) -> Iterator[dict]:
    """Every span object (``text``, ``start``, ``end``, maybe more) anywhere in a JSON document."""
    if isinstance(node, dict):
        if {"text", "start", "end"} <= set(node):
            yield node
        for v in node.values():
            yield from spans_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from spans_in(v)


def check_every_span(doc: dict) -> int:
    """Assert every span of a briefing JSON is the exact slice of its article; return how many there are."""
    text = doc["article"]["text"]
    n = 0
    for span in spans_in(doc):
        assert text[span["start"]:span["end"]] == span["text"], span
        n += 1
    return n


# ------------------------------------------------------------------------------------------ the CLI

def run(*args, stdin=None, env=None) -> subprocess.CompletedProcess:
    """``python -m briefing ARGS`` in a subprocess, from the repository root."""
    return subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True, input=stdin,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)
