"""A MOCK model endpoint for tests that need many model calls without a model: an httpx2 MockTransport that
answers chat completions like an OpenAI-compatible server.

Its answers are constructed test data, not model output: for each request it reads the numbered article sentences
out of the user message and builds a schema-valid :class:`~briefing.schema.Extraction` that cites real sentence
ids (so strict grounding passes). Real model output lives in cassettes and in ``tests/data/batch/results.jsonl``.
Faults are injected by the test through ``fault(request_number, body) -> httpx2.Response | None``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any, Callable

import httpx2

from tests.helpers import EXAMPLE, SHARED, completion

_LINE = re.compile(r"^\[(\d+)\] (.+)$", re.M)


def sentences_of(body: dict[str, Any]) -> list[tuple[int, str]]:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return [(int(n), text) for n, text in _LINE.findall(user)]


def _words(text: str, n: int, limit: int) -> str:
    return " ".join(text.split()[:n])[:limit].strip() or "Item"


def extraction_for(body: dict[str, Any], *, bad_ids: bool = False) -> dict[str, Any]:
    """A valid extraction for the article in ``body`` (with ``bad_ids``, one citing a sentence that does not exist
    for a claim no sentence states, which strict grounding rejects, so the pipeline re-asks)."""
    sents = sentences_of(body)
    pick = [sents[i % len(sents)] for i in range(6)]

    def cite(i: int) -> list[int]:
        return [pick[i][0]]

    out = {
        "headline": _words(pick[0][1], 12, 120),
        "dateline": {"place": None, "date": None},
        "bottom_line": {"text": _words(pick[1][1], 40, 420), "ev": cite(1)},
        "key_points": [{"text": _words(pick[i][1], 25, 220), "ev": cite(i)} for i in range(3)],
        "actors": [{"name": _words(pick[2][1], 2, 80), "role": None, "affiliation": None, "stance": None,
                    "ev": cite(2)}],
        "positions": [{"party": _words(pick[3][1], 2, 60), "stance": _words(pick[3][1], 25, 220), "ev": cite(3)}],
        "timeline": [{"date": None, "what": _words(pick[4][1], 20, 200), "who": None, "type": "CONSULT",
                      "ev": cite(4)}],
        "quotes": [],
        "issues": [{"text": _words(pick[5][1], 25, 220), "ev": cite(5)}],
        "outlook": [{"text": _words(pick[0][1], 20, 220), "likelihood": "likely", "confidence": "low",
                     "basis": "The article", "ev": cite(0)}],
        "open_questions": [{"text": "What happens next?", "ev": cite(0)}],
    }
    if bad_ids:
        out["key_points"][0] = {"text": "Quarterly zinc tariffs were tripled overnight.", "ev": [len(sents) + 50]}
    return out


def _is_synthesis(body: dict[str, Any]) -> bool:
    return any("<findings>" in (m.get("content") or "") for m in body["messages"])


def synthesis_for(body: dict[str, Any]) -> dict[str, Any]:
    """A story's headline, bottom line and outlook citing real finding ids (the first and second findings)."""
    found = sentences_of(body)
    first = re.sub(r"^\(\d+ of \d+ reports\) ", "", found[0][1])
    return {"headline": _words(first, 8, 120), "bottom_line": {"text": _words(first, 30, 420), "ev": [found[0][0]]},
            "outlook": [{"text": _words(first, 12, 220), "likelihood": "likely", "confidence": "low",
                         "basis": "The reports", "ev": [found[0][0]]}]}


class MockModel:
    """The mock endpoint: counts requests, tracks how many are in flight at once, can delay and inject faults."""

    #: The usage every answer reports.
    PROMPT_TOKENS = 1000
    COMPLETION_TOKENS = 300

    def __init__(self, *, delay: float = 0.0, hold: int = 0,
                 fault: Callable[[int, dict[str, Any]], httpx2.Response | None] | None = None):
        """``hold=k``: each request waits (up to 5 s) until ``k`` requests are in flight, so a test sees the
        caller's real concurrency however slow the machine is."""
        self.delay = delay
        self.hold = hold
        self.fault = fault
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Condition()
        self.transport = httpx2.MockTransport(self.handle)

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        with self._lock:
            self.requests.append(body)
            n = len(self.requests)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._lock.notify_all()
            if self.hold:
                self._lock.wait_for(lambda: self.in_flight >= self.hold, timeout=5)
        try:
            if self.delay:
                time.sleep(self.delay)
            if self.fault:
                injected = self.fault(n, body)
                if injected is not None:
                    return injected
            content = json.dumps(synthesis_for(body) if _is_synthesis(body) else extraction_for(body))
            return httpx2.Response(200, json=completion(content, model=body.get("model", "local"),
                                                        prompt_tokens=self.PROMPT_TOKENS,
                                                        completion_tokens=self.COMPLETION_TOKENS))
        finally:
            with self._lock:
                self.in_flight -= 1

    @property
    def calls(self) -> int:
        return len(self.requests)

    def client_factory(self):
        """A ``(settings, base_url) -> instructor client`` like :func:`briefing.llm.make_client`, over this
        transport."""
        import instructor
        import openai

        from briefing.providers import BACKENDS

        def make(settings, base_url):
            backend = BACKENDS[settings.resolved_provider()]
            raw = openai.OpenAI(api_key=settings.api_key or "not-needed", base_url=base_url,
                                timeout=settings.timeout, max_retries=settings.http_retries,
                                http_client=httpx2.Client(transport=self.transport))
            return instructor.from_openai(raw, mode=getattr(instructor.Mode, backend.mode))

        return make

    def install(self, monkeypatch) -> None:
        """Make every client the code under test creates (CLI included) talk to this mock."""
        monkeypatch.setattr("briefing.model.call.make_client", self.client_factory())


def articles(folder, n: int = 3) -> list[str]:
    """``n`` distinct articles (the example and texts of the shared corpus, ≥ 40 words each) as .txt files."""
    texts = [EXAMPLE.read_text(encoding="utf-8")]
    for f in sorted((SHARED / "corpus").glob("*.json")):
        texts.append(json.loads(f.read_text(encoding="utf-8"))["text"])
    paths = []
    for i in range(n):
        p = folder / f"article-{i + 1}.txt"
        p.write_text(texts[i % len(texts)] + ("" if i < len(texts) else f"\n\nCopy {i}."), encoding="utf-8")
        paths.append(str(p))
    return paths
