"""Settings: which endpoint and model, how to call it. Flags win over environment variables, which win over
defaults. The API key is read from ``OPENAI_API_KEY`` and never printed.

==========================  =====================  ==================================================
flag                        environment            meaning
==========================  =====================  ==================================================
``--provider``              ``BRIEFING_PROVIDER``  openai | llamacpp | ollama | vllm | local (auto)
``--base-url``              ``OPENAI_BASE_URL``    any OpenAI-compatible endpoint
``--model``                 ``BRIEFING_MODEL``     model name at that endpoint
(none)                      ``OPENAI_API_KEY``     key for the endpoint
``--gguf``                  ``BRIEFING_GGUF``      local model file (provider ``local``)
``--local-model``           ``BRIEFING_LOCAL_MODEL`` which packaged local model to use
``--max-retries``           ``BRIEFING_MAX_RETRIES`` re-asks after invalid or ungrounded answers
``--timeout``               ``BRIEFING_TIMEOUT``   seconds per request
``--sections``              ``BRIEFING_SECTIONS``  full | brief (default: brief for the local model)
``--[no-]reask-grounding``  ``BRIEFING_REASK_GROUNDING``  re-ask grounding failures (default: not locally)
``--[no-]rewrite-copies``   ``BRIEFING_REWRITE_COPIES``    rewrite copied texts in one short call (default: locally)
==========================  =====================  ==================================================

Auto provider: no base URL and a key → ``openai``; no base URL and no key → ``local`` (a model on this
machine); a base URL → ``ollama`` when it is on port 11434, else ``llamacpp`` (the llama.cpp / llama-cpp-python
server). Name the provider to be sure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from briefing.errors import ConfigError

from briefing.providers import BACKENDS, PROVIDERS, Backend
from briefing.sections import PROFILE_NAMES as SECTION_PROFILES


@dataclass(frozen=True)
class Settings:
    provider: str | None = None
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    gguf: str | None = None
    local_model: str | None = None
    temperature: float = 0.0
    seed: int = 0
    max_tokens: int = 1400
    max_retries: int = 1
    timeout: float = 600.0
    http_retries: int = 3
    language: str | None = None  # the briefing's language; None: the article's (briefing.text.language)
    quiet: bool = False
    sections: str | None = None
    reask_grounding: bool | None = None
    rewrite_copies: bool | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        env = os.environ if env is None else env
        values: dict[str, Any] = {
            "provider": env.get("BRIEFING_PROVIDER") or None,
            "base_url": env.get("OPENAI_BASE_URL") or None,
            "model": env.get("BRIEFING_MODEL") or None,
            "api_key": env.get("OPENAI_API_KEY") or None,
            "gguf": env.get("BRIEFING_GGUF") or None,
            "local_model": env.get("BRIEFING_LOCAL_MODEL") or None,
            "sections": env.get("BRIEFING_SECTIONS") or None,
        }
        for name in ("reask_grounding", "rewrite_copies"):
            raw = env.get(f"BRIEFING_{name.upper()}")
            if raw:
                if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise ConfigError(f"BRIEFING_{name.upper()} must be 1 or 0, not {raw!r}")
                values[name] = raw.lower() in ("1", "true", "yes")
        for name, conv in (("max_retries", int), ("timeout", float), ("max_tokens", int)):
            raw = env.get(f"BRIEFING_{name.upper()}")
            if raw:
                try:
                    values[name] = conv(raw)
                except ValueError:
                    raise ConfigError(f"BRIEFING_{name.upper()} must be a number, not {raw!r}") from None
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if v is not None and k in known})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if self.provider is not None and self.provider not in PROVIDERS:
            raise ConfigError(f"unknown provider {self.provider!r}; choose one of {', '.join(PROVIDERS)}")
        if self.sections is not None and self.sections not in SECTION_PROFILES:
            raise ConfigError(f"unknown sections {self.sections!r}; choose one of {', '.join(SECTION_PROFILES)}")
        if self.max_retries < 0 or self.max_tokens < 1 or self.timeout <= 0:
            raise ConfigError("max-retries must be ≥ 0, max-tokens ≥ 1 and timeout > 0")

    def resolved_provider(self) -> str:
        if self.provider:
            return self.provider
        if self.base_url:
            return "ollama" if ":11434" in self.base_url else "llamacpp"
        return "openai" if self.api_key else "local"

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    @property
    def backend(self) -> Backend:
        """The provider's row of :data:`briefing.providers.BACKENDS`."""
        return BACKENDS[self.resolved_provider()]


def sections_for(settings: Settings) -> str:
    """The section profile a run asks for: ``--sections``, else the provider's default."""
    return settings.sections or settings.backend.sections


def rewrites_copies(settings: Settings) -> bool:
    """Whether copied texts are rewritten in one short call: ``--[no-]rewrite-copies``, else the provider's
    default (``Backend.rewrite_copies``)."""
    if settings.rewrite_copies is not None:
        return settings.rewrite_copies
    return settings.backend.rewrite_copies


def reasks_grounding(settings: Settings) -> bool:
    """Whether grounding failures are re-asked: ``--[no-]reask-grounding``, else the provider's default."""
    if settings.reask_grounding is not None:
        return settings.reask_grounding
    return settings.backend.reask_grounding
