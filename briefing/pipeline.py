"""The one pipeline: article → prompt → model (re-asked until valid and grounded) → grounded briefing."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from . import __version__
from .article import Article
from .config import Settings
from .dates import parse_reference, reference_from_text, resolve
from .errors import InputError, ModelError, UngroundedError, Usage
from .grounding import Grounder, finalize
from .llm import BACKENDS, CallRecord, completion_text, reasks_grounding, sections_for, structured_call
from .prompts import prompt_hash, render_messages
from .schema import ArticleInfo, Briefing, Extraction, Meta, extraction_model

Progress = Callable[[str], None]

#: Characters per token used to refuse articles that cannot fit a local model's context (a safe
#: over-estimate for English with Qwen's tokenizer, which averages about 4).
CHARS_PER_TOKEN = 3.0
LOCAL_CONTEXT = 4096


def _noop(_: str) -> None:
    pass


@contextlib.contextmanager
def endpoint(settings: Settings, progress: Progress = _noop) -> Iterator[tuple[str | None, str]]:
    """Yield ``(base_url, model)``: the configured endpoint, or a local model served for the block."""
    provider = settings.resolved_provider()
    backend = BACKENDS[provider]
    if provider != "local":
        model = settings.model or backend.default_model
        if not model:
            raise InputError(f"name a model for provider {provider} with --model or BRIEFING_MODEL")
        yield settings.base_url or backend.default_base_url, model
        return
    from . import local

    resolved = local.resolve(settings, progress=progress)
    with local.serve(resolved, n_ctx=LOCAL_CONTEXT, progress=progress) as base_url:
        yield base_url, "local"


def model_label(settings: Settings) -> str:
    """The model a briefing records: the endpoint's model name, or the local model's name or file."""
    if settings.resolved_provider() != "local":
        return settings.model or BACKENDS[settings.resolved_provider()].default_model or "unknown"
    from . import local

    return Path(settings.gguf).stem if settings.gguf else local.pick(settings).name


def check_fits(article: Article, settings: Settings, context_tokens: int | None) -> None:
    """Refuse, naming the limit, an article that cannot fit the model's context with room for the answer."""
    if not context_tokens:
        return
    estimate = int(len(article.numbered()) / CHARS_PER_TOKEN) + 700  # instructions and field guide
    budget = context_tokens - settings.max_tokens
    if estimate > budget:
        raise InputError(f"the article is too long for the local model: about {estimate} prompt tokens, but its "
                         f"{context_tokens}-token context leaves {budget} after the {settings.max_tokens}-token "
                         f"answer; use an endpoint with a larger context (--base-url) or shorten the input")


def _lenient(article: Article, error: ModelError) -> Extraction | None:
    """After the re-asks ran out on grounding failures only, keep the last answer with its failures flagged."""
    text = completion_text(error.last_response)
    if not text:
        return None
    try:
        return Extraction.model_validate_json(text, context={"check": Grounder(article, strict=False)})
    except ValueError:
        return None


def _trim_capped(ex: Extraction) -> None:
    """A text that hit its length cap was cut off mid-word by the decoding grammar: end it at its last complete
    sentence, else at its last whole word with an ellipsis."""
    for _, item in ex.items():
        for name, info in type(item).model_fields.items():
            value = getattr(item, name)
            cap = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
            if not isinstance(value, str) or cap is None or len(value) < cap:
                continue
            ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", value)]
            cut = (value[:ends[-1]] if ends and ends[-1] > cap // 5
                   else value[:cap - 2].rsplit(" ", 1)[0].rstrip(" ,;:") + " …")
            setattr(item, name, cut)


def _resolve_dates(ex: Extraction, article: Article) -> None:
    ref = parse_reference(article.date) or reference_from_text(ex.dateline.date, article.text)
    ex.dateline.iso = resolve(ex.dateline.date, ref)
    for event in ex.timeline:
        event.iso = resolve(event.date, ref)


def extract(article: Article, settings: Settings, *, base_url: str | None, model: str,
            client: Any = None, on_call: Callable[[CallRecord], None] | None = None) -> tuple[Extraction, Usage]:
    """The model call with grounding inside validation; a lenient fallback when only grounding failed.

    The call asks for the sections of the run's profile (``--sections``); the answer becomes an
    :class:`Extraction` whose other sections are empty."""
    sections = sections_for(settings)
    messages = render_messages(article, language=settings.language, sections=sections)
    grounder = Grounder(article, strict=reasks_grounding(settings))
    try:
        result = structured_call(messages, extraction_model(sections), settings, base_url=base_url, model=model,
                                 context={"check": grounder}, client=client, on_call=on_call)
        value = result.value
        return (value if isinstance(value, Extraction) else Extraction.model_validate(value.model_dump()),
                result.usage)
    except ModelError as e:
        if not grounder.failures or type(e) is not ModelError:
            raise
        ex = _lenient(article, e)
        if ex is None:
            raise
        return ex, e.usage


def build(article: Article, extraction: Extraction, *, usage: Usage | None = None, model: str | None = None,
          provider: str | None = None, endpoint_url: str | None = None, sections: str = "full") -> Briefing:
    """Wrap a checked extraction into the briefing document."""
    _trim_capped(extraction)
    _resolve_dates(extraction, article)
    grounding = finalize(extraction, article)
    meta = Meta(model=model, provider=provider, endpoint=endpoint_url, usage=(usage or Usage()).as_dict(),
                prompt_hash=prompt_hash(sections), sections=sections,
                created=datetime.now(timezone.utc).isoformat(timespec="seconds"), tool_version=__version__)
    info = ArticleInfo(text=article.text, title=article.title, source=article.source, url=article.url,
                       author=article.author, date=article.date, language=article.language)
    return Briefing(article=info, extraction=extraction, grounding=grounding, meta=meta)


def build_for(article: Article, extraction: Extraction, settings: Settings, *, usage: Usage | None,
              model: str | None, base_url: str | None) -> Briefing:
    """:func:`build` for a run with ``settings``: the provider, the endpoint recorded (none for the local model)
    and the sections profile come from them, the same for every caller."""
    provider = settings.resolved_provider()
    return build(article, extraction, usage=usage, model=model, provider=provider,
                 endpoint_url=None if provider == "local" else base_url, sections=sections_for(settings))


def generate(article: Article | str, settings: Settings | None = None, *, strict: bool = False,
             progress: Progress = _noop, client: Any = None,
             on_call: Callable[[CallRecord], None] | None = None) -> Briefing:
    """Brief one article. ``settings`` default to the environment (see :mod:`briefing.config`)."""
    from .ingest import from_text

    settings = settings or Settings.from_env()
    if isinstance(article, str):
        article = from_text(article)
    provider = settings.resolved_provider()
    check_fits(article, settings, LOCAL_CONTEXT if provider == "local" else None)
    label = model_label(settings)
    with endpoint(settings, progress) as (base_url, model):
        progress(f"briefing {article.words} words with {label} …")
        extraction, usage = extract(article, settings, base_url=base_url, model=model, client=client,
                                    on_call=on_call)
    briefing = build_for(article, extraction, settings, usage=usage, model=label, base_url=base_url)
    if strict:
        check_strict(briefing)
    return briefing


def check_strict(briefing: Briefing) -> None:
    """``--strict``: refuse a briefing with any unsupported item or withheld quote."""
    g = briefing.grounding
    if g.unsupported or g.dropped_quotes:
        raise UngroundedError(f"--strict: {g.figure}; unsupported: {', '.join(g.unsupported) or 'none'}; "
                              f"dropped quotes: {len(g.dropped_quotes)}", briefing=briefing)
