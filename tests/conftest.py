"""Test isolation and cassette setup.

- Every test runs with a temporary HOME and cache/data dirs and without the user's keys or endpoints.
- Live network is refused (``--block-network`` in pyproject); cassettes replay (``--record-mode=none``).
- Cassettes live in ``cassettes/<test module>/``, with JSON bodies decoded and secrets scrubbed; every test marked
  ``vcr`` fails if its cassette holds an interaction it did not use (:func:`cassette_fully_played`, automatic).
- Model requests are refused (:data:`briefing.model.guard.ALLOW_MODEL_REQUESTS` is False, :func:`no_model_requests`):
  a test that forgets its mock fails at once instead of starting the local model server. Tests marked ``slow`` and
  recording runs are let through.
- Record again with ``scripts/record-cassettes`` (it starts a real local llama.cpp server).
"""

from __future__ import annotations

import json
import os

import pytest

from tests.helpers import EXAMPLE, ROOT, SHARED  # noqa: F401  (ROOT, SHARED: still imported from here by a few)

#: The endpoint tests talk to. Replays ignore host and port; recording points it at the real local server.
RECORD_BASE_URL = os.environ.get("BRIEFING_RECORD_BASE_URL", "http://127.0.0.1:8765/v1")
RECORDING = "BRIEFING_RECORD_BASE_URL" in os.environ

_USER_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "BRIEFING_PROVIDER",
             "BRIEFING_MODEL", "BRIEFING_GGUF", "BRIEFING_LOCAL_MODEL", "BRIEFING_MAX_RETRIES", "BRIEFING_TIMEOUT",
             "BRIEFING_MAX_TOKENS", "BRIEFING_CACHE_DIR", "BRIEFING_DATA_DIR")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """A temp home with empty cache/data dirs, and none of the user's keys or endpoints."""
    home = tmp_path_factory.mktemp("home")
    for name in _USER_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


@pytest.fixture(autouse=True)
def no_model_requests(request, monkeypatch):
    """Refuse to start the local model (see :mod:`briefing.model.guard`), except in ``slow`` tests, which run the
    real one, and when recording cassettes. Remote endpoints are kept off by ``--block-network`` and
    ``--record-mode=none`` instead, so mock transports, cassettes and loopback servers work as they are."""
    from briefing.model import guard

    if not (RECORDING or request.node.get_closest_marker("slow")):
        monkeypatch.setattr(guard, "ALLOW_MODEL_REQUESTS", False)


# ------------------------------------------------------------------------------------------ cassettes

_SECRET_HEADERS = ("authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie",
                   "set-cookie")


def _decode_bodies(interaction: dict) -> None:
    for part in ("request", "response"):
        msg = interaction.get(part) or {}
        body = msg.get("body")
        raw = body.get("string") if isinstance(body, dict) else body
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
        if isinstance(raw, str) and raw[:1] in "{[":
            try:
                parsed = json.loads(raw)
            except ValueError:
                continue
            if isinstance(body, dict):
                msg["body"] = {"json": parsed}
            else:
                msg["body"] = {"json": parsed}


def _encode_bodies(interaction: dict) -> None:
    for part in ("request", "response"):
        msg = interaction.get(part) or {}
        body = msg.get("body")
        if isinstance(body, dict) and "json" in body:
            text = json.dumps(body["json"], ensure_ascii=False, separators=(",", ":"))
            msg["body"] = {"string": text} if part == "response" else text


class ReadableSerializer:
    """YAML cassettes whose JSON bodies are stored decoded, so a reviewer can read prompts and answers."""

    @staticmethod
    def serialize(cassette_dict: dict) -> str:
        import yaml

        class Dumper(yaml.SafeDumper):
            pass

        def text(dumper, value):  # multi-line strings (prompts, answers) as literal blocks
            style = "|" if "\n" in value and not any(c in value for c in "\r\t") else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

        Dumper.add_representer(str, text)
        for i in cassette_dict.get("interactions", []):
            _decode_bodies(i)
        return yaml.dump(cassette_dict, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)

    @staticmethod
    def deserialize(cassette_string: str) -> dict:
        import yaml

        data = yaml.safe_load(cassette_string) or {}
        for i in data.get("interactions", []):
            _encode_bodies(i)
        return data


def _scrub_request(request):
    for h in list(request.headers):
        if h.lower() in _SECRET_HEADERS:
            del request.headers[h]
    return request


def _scrub_response(response):
    headers = response.get("headers", {})
    for h in list(headers):
        if h.lower() in _SECRET_HEADERS:
            del headers[h]
    return response


def _json_body(r1, r2):
    def load(r):
        body = r.body.decode() if isinstance(r.body, bytes) else (r.body or "")
        try:
            return json.loads(body)
        except ValueError:
            return body

    assert load(r1) == load(r2), "request body differs from the recorded one (prompts or schema changed?)"


def pytest_recording_configure(config, vcr):
    vcr.register_serializer("yaml", ReadableSerializer)
    vcr.register_matcher("json_body", _json_body)


@pytest.fixture(scope="module")
def vcr_config():
    return {
        "serializer": "yaml",
        "match_on": ["method", "path", "json_body"],
        "filter_headers": list(_SECRET_HEADERS),
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request):
    return str(ROOT / "cassettes" / request.module.__name__.split(".")[-1])


@pytest.fixture(autouse=True)
def cassette_fully_played(request):
    """Every test marked ``vcr`` fails if its cassette holds an interaction it did not play (not when recording)."""
    if not request.node.get_closest_marker("vcr"):
        yield
        return
    cassette = request.getfixturevalue("vcr")
    yield
    if not RECORDING:
        assert cassette.all_played, (
            f"{len(cassette) - cassette.play_count} unused interaction(s) in cassette {cassette._path}")


@pytest.fixture
def cassette_all_played():
    """Kept so tests written before :func:`cassette_fully_played` became automatic still run; it adds nothing."""


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def model_settings():
    """Settings for tests that talk to a model: the real local llama.cpp server when recording, the cassette
    otherwise (replay matches method, path and JSON body, not host or port)."""
    from briefing.config import Settings

    # Recording waits for a real model on a shared 2-core machine: a request may take many minutes there.
    return Settings(provider="llamacpp", base_url=RECORD_BASE_URL, model="local", max_retries=1, http_retries=0,
                    timeout=3600.0 if RECORDING else 600.0)


# ------------------------------------------------------------------------------------ browser tests (#13)
# Tests marked ``browser`` without Chromium: skipped with one reason, or failed when CI is set. The decision is
# tests/browser.py's, made here once for every such test.

def pytest_runtest_setup(item):
    if item.get_closest_marker("browser"):
        from tests.browser import require_chromium

        require_chromium()
# ------------------------------------------------------------------------------- end browser tests (#13)
