"""Every error the tool expects, in one place, each carrying what a caller needs to report it.

The CLI turns a :class:`BriefingError` into one line on stderr and its ``exit_code``; anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from briefing.usage import Usage


class BriefingError(Exception):
    """Base of all expected failures. ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def one_line(self) -> str:
        return " ".join(str(self.message).split())


class InputError(BriefingError):
    """The user's input cannot be used: missing file, empty text, unknown format, malformed JSON."""

    exit_code = 2


class ConfigError(BriefingError):
    """The configuration is incomplete or contradictory (unknown provider, no model to run)."""

    exit_code = 2


@dataclass
class _ModelFailureData:
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    last_response: Any = None


class ModelError(BriefingError):
    """The model or its endpoint failed: unreachable, rate limited past retries, invalid output after re-asks."""

    exit_code = 1

    def __init__(self, message: str, *, attempts: int = 0, usage: Usage | None = None,
                 last_response: Any = None, endpoint: str | None = None):
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or Usage()
        self.last_response = last_response
        self.endpoint = endpoint


class OutputTruncatedError(ModelError):
    """The model stopped at max_tokens: the answer is incomplete (often a decoding loop)."""


class RefusalError(ModelError):
    """The model refused to answer."""


class UngroundedError(BriefingError):
    """``--strict`` was asked for and some items are not supported by the article."""

    exit_code = 3

    def __init__(self, message: str, *, briefing: Any = None):
        super().__init__(message)
        self.briefing = briefing


class RenderError(BriefingError):
    """A template failed, or a requested output (PDF) cannot be produced here."""

    exit_code = 1


class OutputError(BriefingError):
    """The destination cannot be written, or writing it would destroy an input (``-o`` names the article)."""

    exit_code = 2
