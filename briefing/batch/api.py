"""Beyond one machine: write the exact chat requests for an offline batch runner, and turn its results into
briefings.

``prepare`` writes one line per article in the OpenAI Batch API input format, which vLLM's ``run-batch`` reads too::

    {"custom_id": "<id>", "method": "POST", "url": "/v1/chat/completions", "body": {...}}

The body is what instructor sends for the provider's mode (:data:`briefing.llm.BACKENDS`): the messages from
:func:`briefing.prompts.render_messages`, model, temperature, seed, max_tokens, and the response format (for
llama.cpp the ``json_object`` + schema form). Beside it, ``<name>.articles.jsonl`` keeps each article as read, since
grounding needs the exact text. ``collect`` reads the runner's output lines (``{"custom_id", "response":
{"status_code", "body"}, "error"}``), validates each answer as an :class:`~briefing.schema.Extraction` with the
grounding check (keeping an answer whose only failures are grounding, flagged, as the pipeline does; a batch cannot
re-ask), grounds, renders and writes a manifest; every failure is named there.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

from briefing.text.article import Article
from briefing.batch.run import MANIFEST, RunResult
from briefing.ingest.inputs import Input, _slug
from briefing.output import formats
from briefing.output.produce import produce
from briefing.config import Settings
from briefing.errors import BriefingError, ConfigError, InputError, ModelError
from briefing.usage import Usage

URL = "/v1/chat/completions"


def articles_path(requests_path: str | Path) -> Path:
    """Where ``prepare`` keeps the articles beside ``requests_path``: ``requests.jsonl`` → ``requests.articles.jsonl``."""
    p = Path(requests_path)
    return p.with_name(p.stem + ".articles.jsonl")


def request_body(article: Article, settings: Settings) -> dict[str, Any]:
    """The chat completion body instructor would send for ``article`` with ``settings`` (first attempt)."""
    import instructor
    from instructor.processing import handle_response_model

    from briefing.config import sections_for
    from briefing.model.prompts import render_messages
    from briefing.schema import extraction_model

    backend = settings.backend
    model = settings.model or backend.default_model
    if not model:
        raise ConfigError(f"name the model the batch runner serves with --model (provider {backend.name})")
    sections = sections_for(settings)
    response_model = extraction_model(sections)
    messages = render_messages(article, language=settings.language, sections=sections)
    _, body = handle_response_model(response_model, mode=getattr(instructor.Mode, backend.mode), messages=messages,
                                    model=model, temperature=settings.temperature, seed=settings.seed,
                                    max_tokens=settings.max_tokens)
    if backend.extras:
        body.update(backend.extras(response_model.model_json_schema()))  # what the openai client merges from extra_body
    return body


def prepare(items: list[Input], settings: Settings, out_path: str | Path, *, date: str | None = None,
            say=print) -> tuple[int, list[tuple[str, str]]]:
    """Write the requests and the articles beside them; return how many were written and the failures."""
    from briefing.output.write import write_atomic
    from briefing.config import sections_for
    from briefing.model.prompts import prompt_hash
    from briefing.schema import SCHEMA_VERSION

    requests: list[str] = []
    articles: list[str] = []
    failures: list[tuple[str, str]] = []
    phash = prompt_hash(sections_for(settings))
    for item in items:
        try:
            article = item.load(date)
            body = request_body(article, settings)
        except InputError as e:
            failures.append((item.id, e.one_line()))
            say(f"{item.id}: {e.one_line()}")
            continue
        requests.append(json.dumps({"custom_id": item.id, "method": "POST", "url": URL, "body": body},
                                   ensure_ascii=False))
        info = article.info().model_dump()
        articles.append(json.dumps({"custom_id": item.id, "input": item.origin, "article": info,
                                    "prompt_hash": phash, "schema_version": SCHEMA_VERSION,
                                    "sections": sections_for(settings),
                                    "provider": settings.resolved_provider(), "model": body.get("model")},
                                   ensure_ascii=False))
    write_atomic(out_path, "".join(line + "\n" for line in requests))
    write_atomic(articles_path(out_path), "".join(line + "\n" for line in articles))
    return len(requests), failures


def _read_jsonl(path: str | Path, what: str) -> list[tuple[int, Any]]:
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file ({what})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read {what} ({e})") from None
    out = []
    for n, line in enumerate(lines, start=1):
        if line.strip():
            try:
                out.append((n, json.loads(line)))
            except ValueError as e:
                out.append((n, InputError(f"{path}:{n}: not JSON ({e.msg})")))
    return out


def _result_error(line: dict[str, Any]) -> str | None:
    err = line.get("error")
    if err:
        return f"the batch runner reported: {err.get('message') if isinstance(err, dict) else err}"
    resp = line.get("response") or {}
    status = resp.get("status_code")
    if status != 200:
        body = resp.get("body")
        detail = (body.get("error") or {}).get("message") if isinstance(body, dict) and \
            isinstance(body.get("error"), dict) else body
        return f"the request failed with HTTP {status}: {str(detail)[:200]}"
    return None


def collect(results_path: str | Path, out_dir: str | Path, *, articles: str | Path | None = None,
            fmt: str = "md", template_dir: str | None = None, say=print,
            render: Callable[[Any], str | bytes] | None = None) -> RunResult:
    """Validate, ground and render every result; write ``<id>.<fmt>`` and a manifest into ``out_dir``."""
    from briefing.brief import Briefer
    from briefing.model.prompts import prompt_hash
    from briefing.output.write import write_atomic

    render = render or (lambda b: produce(b, fmt, template_dir=template_dir))
    t0 = time.monotonic()
    results_path = Path(results_path)
    if articles is None:
        candidates = sorted(results_path.parent.glob("*.articles.jsonl"))
        if len(candidates) != 1:
            raise InputError(f"name the articles file that `briefing batch prepare` wrote with --articles "
                             f"(found {len(candidates)} *.articles.jsonl beside {results_path})")
        articles = candidates[0]
    known: dict[str, dict[str, Any]] = {}
    for n, rec in _read_jsonl(articles, "the articles file"):
        if isinstance(rec, dict) and "custom_id" in rec and isinstance(rec.get("article"), dict):
            known[str(rec["custom_id"])] = rec
        else:
            raise InputError(f"{articles}:{n}: not an articles record written by `briefing batch prepare`")
    current = {prompt_hash(r.get("sections") or "full") for r in known.values()}
    stale = {r.get("prompt_hash") for r in known.values()} - current
    if stale:
        say(f"warning: the requests were prepared with other prompts or schema ({', '.join(sorted(stale))}; now "
            f"{', '.join(sorted(current))}); the answers are still checked against the current schema")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    total = Usage()
    for n, line in _read_jsonl(results_path, "the batch results"):
        rec: dict[str, Any] = {"id": None, "input": f"{results_path}:{n}", "status": "failed", "output": None,
                               "source": "batch", "usage": Usage().as_dict(), "grounding": None, "error": None}
        try:
            if isinstance(line, Exception):
                raise line
            if not isinstance(line, dict) or "custom_id" not in line:
                raise InputError(f"{results_path}:{n}: not a batch result line (no custom_id)")
            cid = rec["id"] = str(line["custom_id"])
            seen.add(cid)
            info = known.get(cid)
            if info is None:
                raise InputError(f"no prepared article has custom_id {cid!r}")
            rec["input"] = info.get("input")
            error = _result_error(line)
            if error:
                raise ModelError(error)
            body = line["response"]["body"]
            u = body.get("usage") or {}
            usage = Usage(calls=1, attempts=1, prompt_tokens=u.get("prompt_tokens") or 0,
                          completion_tokens=u.get("completion_tokens") or 0)
            rec["usage"] = usage.as_dict()
            total.add(usage)
            article = Article.from_info(info["article"])
            settings = Settings(provider=info.get("provider"), sections=info.get("sections") or "full")
            briefing = Briefer(settings).brief(article, completion=body, usage=usage,
                                               model=body.get("model") or info.get("model")).briefing
            briefing.meta.batch = True  # Meta allows extra fields
            target = out / f"{_slug(cid)}.{formats.get(fmt).suffix}"
            write_atomic(target, render(briefing))
            g = briefing.grounding
            rec.update(status="ok", output=str(target), grounding=g.figure, supported=g.supported, total=g.total)
        except BriefingError as e:
            rec.update(error=e.one_line(), error_type=type(e).__name__, exit_code=e.exit_code)
        except (KeyError, TypeError, ValueError) as e:
            rec.update(error=f"malformed result line: {type(e).__name__}: {e}", error_type="InputError",
                       exit_code=2)
        records.append(rec)
    for cid, info in known.items():
        if cid not in seen:
            records.append({"id": cid, "input": info.get("input"), "status": "failed", "output": None,
                            "source": "batch", "usage": Usage().as_dict(), "grounding": None,
                            "error": "no result for this request in the batch results", "error_type": "ModelError",
                            "exit_code": 1})
    manifest = out / MANIFEST
    write_atomic(manifest, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return RunResult(records=records, usage=total, seconds=time.monotonic() - t0, manifest=manifest)
