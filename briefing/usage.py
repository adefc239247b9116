"""What a model call cost: calls, attempts, tokens and seconds, failed attempts and re-asks included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Usage:
    """Token and call accounting for one article, failed attempts and re-asks included."""

    calls: int = 0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: "Usage") -> "Usage":
        self.calls += other.calls
        self.attempts += other.attempts
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.seconds += other.seconds
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "attempts": self.attempts,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Usage":
        """The inverse of :meth:`as_dict` (unknown keys and ``total_tokens`` ignored)."""
        data = data or {}
        return cls(**{k: data[k] for k in ("calls", "attempts", "prompt_tokens", "completion_tokens", "seconds")
                      if k in data})
