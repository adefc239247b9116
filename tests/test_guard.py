"""The switch that keeps tests off the real local model (:mod:`briefing.model.guard`): tests/conftest.py turns it
off for every test but the slow ones, so a test that forgets its mock fails at once, naming the switch, instead of
assembling the model file and starting a llama.cpp server (minutes)."""

from __future__ import annotations

import subprocess
import time

import pytest

from briefing.brief import generate
from briefing.config import Settings
from briefing.errors import ConfigError
from briefing.ingest.core import load
from briefing.model import guard, local
from tests.helpers import EXAMPLE

MESSAGE = r"model requests are disabled \(briefing\.model\.guard\.ALLOW_MODEL_REQUESTS is False\)"


@pytest.fixture
def no_server(monkeypatch):
    """Fail loudly if anything tries to start a process (the llama.cpp server is one)."""
    def popen(*args, **kwargs):
        raise AssertionError(f"a process was started: {args[0] if args else kwargs}")

    monkeypatch.setattr(subprocess, "Popen", popen)


def test_the_suite_runs_with_model_requests_disabled():
    assert guard.ALLOW_MODEL_REQUESTS is False


def test_generate_with_the_local_provider_and_no_mock_fails_fast(no_server):
    start = time.monotonic()
    with pytest.raises(ConfigError, match=MESSAGE + ": refused to find or assemble the local model file"):
        generate(load(str(EXAMPLE)), Settings(provider="local"))
    assert time.monotonic() - start < 5


def test_the_cli_names_the_switch_in_one_line(no_server, capsys):
    from briefing.cli import main

    assert main(["generate", str(EXAMPLE), "--provider", "local", "-q"]) == ConfigError.exit_code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ALLOW_MODEL_REQUESTS is False" in err and "Traceback" not in err


def test_serving_a_model_file_is_refused_too(no_server, tmp_path):
    model = local.ResolvedModel(name="m", path=tmp_path / "m.gguf", origin="--gguf")
    with pytest.raises(ConfigError, match=MESSAGE + ": refused to start the local model server"):
        with local.serve(model):
            pass


def test_allowed_the_local_model_is_resolved_as_before(monkeypatch, tmp_path):
    """With the switch on, resolution goes on to its own checks (here: a --gguf file that is not there)."""
    monkeypatch.setattr(guard, "ALLOW_MODEL_REQUESTS", True)
    with pytest.raises(ConfigError, match="no such model file"):
        local.resolve(Settings(provider="local", gguf=str(tmp_path / "missing.gguf")))
