"""One structured call to an OpenAI-compatible endpoint through instructor, with usage and faults accounted for.

The instructor mode and any request extras are chosen per backend by :data:`BACKENDS`. Transport faults (429,
5xx, timeouts) are retried with backoff by the openai client, which honours ``Retry-After``; invalid or
ungrounded answers are re-asked by instructor with the validation errors. Whatever fails becomes a
:class:`~briefing.errors.ModelError` that says what happened, how many attempts were made and what they cost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import BaseModel

from briefing.config import Settings
from briefing.providers import BACKENDS, OPENAI_URL
from briefing.errors import ModelError, OutputTruncatedError, RefusalError
from briefing.usage import Usage


@dataclass
class CallRecord:
    """One HTTP call to the model, for the call log and for usage accounting."""

    attempt: int
    started: float
    seconds: float
    request: dict[str, Any]
    response: dict[str, Any] | None
    outcome: str  # "ok", "invalid", "error"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None


@dataclass
class Result:
    value: Any
    usage: Usage
    completion: Any
    calls: list[CallRecord] = field(default_factory=list)


def _dump(obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json", exclude_none=True)
    return obj if isinstance(obj, dict) else {"value": repr(obj)}


def _safe_request(kwargs: dict[str, Any]) -> dict[str, Any]:
    keep = ("model", "messages", "temperature", "seed", "max_tokens", "response_format", "tools", "tool_choice",
            "extra_body")
    return {k: kwargs[k] for k in keep if k in kwargs}


def _describe(exc: BaseException, endpoint: str, settings: Settings) -> tuple[type[ModelError], str]:
    import openai

    tries = (f"tried {settings.http_retries + 1} times with backoff" if settings.http_retries > 0 else
             "tried once, no retries")

    if getattr(exc, "server_stopped", None):  # our local server died (briefing.model.local.transport)
        return ModelError, _redact(exc.server_stopped, settings)
    kinds: list[tuple[type, Callable[[Any], str]]] = [
        (openai.APITimeoutError, lambda e: f"the model endpoint {endpoint} did not answer within "
                                           f"{settings.timeout:g} s ({tries})"),
        (openai.APIConnectionError, lambda e: f"cannot reach the model endpoint {endpoint} "
                                              f"(connection refused or network down; {tries})"),
        (openai.AuthenticationError, lambda e: f"the model endpoint {endpoint} rejected the API key (HTTP 401)"),
        (openai.RateLimitError, lambda e: f"rate limited by {endpoint} (HTTP 429), still after "
                                          f"{settings.http_retries} retries with backoff"),
        (openai.NotFoundError, lambda e: f"{endpoint} has no model or route for this request (HTTP 404): "
                                         f"{_api_message(e)}"),
        (openai.APIStatusError, lambda e: f"the model endpoint {endpoint} failed with HTTP "
                                          f"{getattr(e, 'status_code', '?')}: {_api_message(e)}"
                                          + (f" ({tries})" if getattr(e, "status_code", 0) >= 500 else "")),
    ]
    for kind, say in kinds:
        if isinstance(exc, kind):
            return ModelError, _redact(say(exc), settings)
    return ModelError, _redact(f"the model call failed: {_short(exc)}", settings)


def _api_message(exc: BaseException) -> str:
    """The endpoint's own error message (``{"error": {"message": ...}}``), else the exception's text."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"].strip():
        return _short(Exception(body["message"]))
    return _short(exc)


def _redact(message: str, settings: Settings) -> str:
    """Never let the API key into a message, even when an endpoint echoes it back."""
    from briefing.redact import scrub

    return scrub(message, [settings.api_key or ""])


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _root_cause(exc: BaseException) -> BaseException:
    import openai

    seen = exc
    for _ in range(6):
        if isinstance(seen, openai.OpenAIError):
            return seen
        failed = getattr(seen, "failed_attempts", None)
        nxt = (failed[-1].exception if failed else None) or seen.__cause__ or seen.__context__
        if nxt is None:
            break
        seen = nxt
    return exc


def make_client(settings: Settings, base_url: str | None, *, http_client: Any = None):
    """An instructor client for the configured backend; ``http_client`` (an ``httpx2.Client``) for proxies and
    mock transports."""
    import logging

    import instructor
    import openai

    # instructor logs every failed attempt at ERROR; failures reach the user as one clear error instead.
    logging.getLogger("instructor").addHandler(logging.NullHandler())
    logging.getLogger("instructor").propagate = False
    backend = BACKENDS[settings.resolved_provider()]
    key = settings.api_key or ("not-needed" if not backend.needs_key else None)
    if key is None:
        raise ModelError("the openai provider needs OPENAI_API_KEY (or use --base-url for another endpoint)")
    if http_client is None and base_url:
        from briefing.model.local import serves, transport

        if serves(base_url):  # a server this process started: its death is reported, not retried
            http_client = openai.DefaultHttpxClient(transport=transport(base_url), timeout=settings.timeout)
    raw = openai.OpenAI(api_key=key, base_url=base_url, timeout=settings.timeout,
                        max_retries=settings.http_retries, http_client=http_client)
    return instructor.from_openai(raw, mode=getattr(instructor.Mode, backend.mode))


def structured_call(messages: list[dict[str, str]], response_model: type[BaseModel], settings: Settings, *,
                    base_url: str | None, model: str, context: dict[str, Any] | None = None,
                    client: Any = None, on_call: Callable[[CallRecord], None] | None = None) -> Result:
    """Ask for ``response_model``; re-ask up to ``settings.max_retries`` times; account every attempt."""
    provider = settings.resolved_provider()
    backend = BACKENDS[provider]
    endpoint = base_url or backend.default_base_url or OPENAI_URL
    client = client or make_client(settings, base_url or backend.default_base_url)
    usage = Usage(calls=1)
    calls: list[CallRecord] = []
    state: dict[str, Any] = {"t0": 0.0, "kwargs": {}}

    def on_kwargs(*_a: Any, **kwargs: Any) -> None:
        usage.attempts += 1
        state["t0"] = time.monotonic()
        state["kwargs"] = kwargs

    def record(response: Any, outcome: str, error: str | None = None) -> None:
        dt = time.monotonic() - state["t0"]
        usage.seconds += dt
        u = getattr(response, "usage", None)
        pt, ct = (getattr(u, "prompt_tokens", 0) or 0, getattr(u, "completion_tokens", 0) or 0) if u else (0, 0)
        usage.prompt_tokens += pt
        usage.completion_tokens += ct
        rec = CallRecord(attempt=usage.attempts, started=time.time() - dt, seconds=dt,
                         request=_safe_request(state["kwargs"]), response=_dump(response), outcome=outcome,
                         prompt_tokens=pt, completion_tokens=ct, error=error)
        calls.append(rec)
        if on_call:
            on_call(rec)

    def on_response(response: Any, *_a: Any, **_k: Any) -> None:
        record(response, "ok")

    def on_error(error: Exception, *_a: Any, **_k: Any) -> None:
        record(None, "error", _short(error))

    def on_parse_error(error: Exception, *_a: Any, **_k: Any) -> None:
        if calls:
            calls[-1].outcome, calls[-1].error = "invalid", _short(error, 2000)

    hooks = {"completion:kwargs": on_kwargs, "completion:response": on_response, "completion:error": on_error,
             "parse:error": on_parse_error}
    for name, hook in hooks.items():
        client.on(name, hook)
    try:
        return _create(client, messages, response_model, settings, context, backend, model, usage, endpoint,
                       calls)
    finally:  # a client may serve a second call (the rewrite pass): this call's accounting ends here
        for name, hook in hooks.items():
            client.off(name, hook)


def _create(client: Any, messages: list[dict[str, str]], response_model: type[BaseModel], settings: Settings,
            context: dict[str, Any] | None, backend: Any, model: str, usage: Usage, endpoint: str,
            calls: list[CallRecord]) -> Result:
    from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

    kwargs: dict[str, Any] = {"model": model, "temperature": settings.temperature, "seed": settings.seed,
                              "max_tokens": settings.max_tokens}
    if backend.extras:
        kwargs["extra_body"] = backend.extras(response_model.model_json_schema())
    try:
        value, completion = client.chat.completions.create_with_completion(
            messages=messages, response_model=response_model, max_retries=settings.max_retries,
            context=context, **kwargs)
    except IncompleteOutputException as e:
        raise OutputTruncatedError(
            f"the model's answer was cut off at max_tokens={settings.max_tokens} (a decoding loop or too long "
            f"an answer) after {usage.attempts} attempt(s)", attempts=usage.attempts, usage=usage,
            last_response=e.last_completion, endpoint=endpoint) from None
    except InstructorRetryException as e:
        cause = _root_cause(e)
        last = e.last_completion
        refusal = _refusal(last) or _refusal_in(e)
        if refusal:
            raise RefusalError(f"the model refused: {refusal}", attempts=usage.attempts, usage=usage,
                               last_response=last, endpoint=endpoint) from None
        if cause is not e:
            kind, msg = _describe(cause, endpoint, settings)
            raise kind(msg, attempts=usage.attempts, usage=usage, last_response=last, endpoint=endpoint) from None
        raise ModelError(f"no valid answer after {usage.attempts} attempt(s): {_validation_summary(e)}",
                         attempts=usage.attempts, usage=usage, last_response=last, endpoint=endpoint) from None
    except Exception as e:  # openai transport errors arrive unwrapped
        import openai

        cause = _root_cause(e)
        if not isinstance(cause, openai.OpenAIError):
            raise
        kind, msg = _describe(cause, endpoint, settings)
        raise kind(msg, attempts=usage.attempts, usage=usage, endpoint=endpoint) from None
    return Result(value=value, usage=usage, completion=completion, calls=calls)


def _validation_summary(exc: BaseException) -> str:
    """'3 validation errors: dateline: Field required; …' from the last failed attempt."""
    from pydantic import ValidationError

    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        errs = cause.errors()
        parts = [f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {' '.join(str(e['msg']).split())}"
                 for e in errs[:3]]
        more = f"; and {len(errs) - 3} more" if len(errs) > 3 else ""
        return f"{len(errs)} validation error(s): " + "; ".join(parts)[:400] + more
    failed = getattr(exc, "failed_attempts", None)  # the last attempt's own error, not instructor's XML dump
    if failed and getattr(failed[-1], "exception", None) is not None:
        return _short(failed[-1].exception, 300)
    return _short(exc, 300)


def _refusal_in(exc: BaseException) -> str | None:
    """instructor's TOOLS mode reports a refusal as an AssertionError that quotes it."""
    import re

    m = re.search(r"Unable to generate a response due to (.+)", str(exc), re.S)
    return " ".join(m.group(1).split()) if m else None


def _refusal(completion: Any) -> str | None:
    try:
        return completion.choices[0].message.refusal or None
    except (AttributeError, IndexError, TypeError):
        return None


def completion_text(completion: Any) -> str | None:
    """The text content of a chat completion, if any."""
    try:
        msg = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    if getattr(msg, "content", None):
        return msg.content
    calls = getattr(msg, "tool_calls", None) or []
    return calls[0].function.arguments if calls else None
