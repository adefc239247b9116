"""A switch that refuses to start the embedded local model, for test suites (pydantic-ai's
``ALLOW_MODEL_REQUESTS`` is the model).

``ALLOW_MODEL_REQUESTS`` is True in normal use. A test suite sets it False (``tests/conftest.py`` does, for every
test but the slow ones and cassette recording) so that a test that forgets its mock fails at once with a clear
:class:`~briefing.errors.ConfigError` instead of assembling the model file and starting a llama.cpp server
(minutes on a CPU).

What it guards: the local model only — resolving (and assembling) its file, :func:`briefing.model.local.resolve`,
and starting its server, :func:`briefing.model.local.serve`. It does not guard requests to an endpoint: those go
through an HTTP client that tests replace with a mock transport or a cassette (vcr patches below the client, so a
check above it could not tell a replay from a real request), or point at a loopback server of their own; live
network is refused by pytest's ``--block-network`` and unrecorded requests by ``--record-mode=none``.
"""

from __future__ import annotations

from briefing.errors import ConfigError

#: False: :func:`check` refuses to start the local model.
ALLOW_MODEL_REQUESTS = True


def check(what: str) -> None:
    """Raise :class:`ConfigError` naming ``what`` was refused when model requests are disabled."""
    if not ALLOW_MODEL_REQUESTS:
        raise ConfigError(f"model requests are disabled (briefing.model.guard.ALLOW_MODEL_REQUESTS is False): "
                          f"refused to {what}")
