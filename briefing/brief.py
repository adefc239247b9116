"""The one way to brief an article: check it fits, take the answer from the cache, a given completion or the model
(re-asked until valid and grounded), ground it, build the briefing, apply ``--strict``.

:class:`Briefer` holds what a run shares (settings, the endpoint — for the local provider a model server started
on the first cache miss — the cache and the call log); :meth:`Briefer.brief` is the path every caller takes: the
Python API's :func:`generate`, the command line, a batch, the eval and the Batch-API collector.
"""

from __future__ import annotations

import contextlib
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from briefing import __version__
from briefing.config import Settings, reasks_grounding, rewrites_copies, sections_for
from briefing.errors import ConfigError, InputError, ModelError, UngroundedError
from briefing.grounding.finalize import finalize
from briefing.grounding.grounder import Grounder
from briefing.model.call import CallRecord, completion_text, structured_call
from briefing.model.identity import model_identity, request_key
from briefing.model.prompts import prompt_hash, render_messages
from briefing.model.rewrite import rewrite_copies
from briefing.schema import Briefing, Extraction, Meta, extraction_model, max_length
from briefing.text.article import Article
from briefing.text.dates import parse_reference, reference_from_text, resolve
from briefing.usage import Usage

Progress = Callable[[str], None]
ClientFactory = Callable[[Settings, "str | None"], Any]

#: Characters of the numbered article per token, used to size and bound a local model's context. Measured with
#: Qwen's tokenizer over the 43 articles of ../shared/corpus and ../shared/stories: 3.35 to 4.84, mean 4.1. So
#: 3.0 over-estimates (the context is sized with room to spare) and 5.0 under-estimates (an article whose low
#: estimate is over the limit is refused without counting); between the two the tokens are counted.
CHARS_PER_TOKEN = 3.0
CHARS_PER_TOKEN_HIGH = 5.0
#: Characters per token of the prompt's own text (instructions, example answer, field guide, the user turn's
#: wrapper and metadata), to estimate it from its characters (:func:`prompt_overhead`): measured 3.78 with Qwen's
#: tokenizer on the brief profile's 4,574 characters (1,211 tokens in the example's 2,127).
PROMPT_CHARS_PER_TOKEN = 3.5
#: Tokens of the chat template around the two turns.
TEMPLATE_TOKENS = 30
#: Prompt tokens per word of a long article, numbering included (measured 1.44–1.48): the limit said in words.
TOKENS_PER_WORD = 1.5


def _noop(_: str) -> None:
    pass


@contextlib.contextmanager
def endpoint(settings: Settings, progress: Progress = _noop,
             context: int | None = None) -> Iterator[tuple[str | None, str]]:
    """Yield ``(base_url, model)``: the configured endpoint, or a local model served for the block with
    ``context`` tokens of context (default: the backend's ``context_tokens``)."""
    backend = settings.backend
    if not backend.served_locally:
        model = settings.model or backend.default_model
        if not model:
            raise InputError(f"name a model for provider {backend.name} with --model or BRIEFING_MODEL")
        yield settings.base_url or backend.default_base_url, model
        return
    from briefing.model import local

    resolved = local.resolve(settings, progress=progress)
    with local.serve(resolved, n_ctx=context or backend.context_tokens or 4096, progress=progress) as base_url:
        yield base_url, backend.default_model or "local"


def prompt_overhead(article: Article, settings: Settings) -> int:
    """Prompt tokens besides the numbered article, estimated from the characters of the messages the run sends
    for this article's metadata and section profile (so a longer system prompt is counted as it grows)."""
    shell = Article(text="x", title=article.title, source=article.source, date=article.date)
    messages = render_messages(shell, language=settings.language or "English", sections=sections_for(settings))
    return int(sum(len(m["content"]) for m in messages) / PROMPT_CHARS_PER_TOKEN) + TEMPLATE_TOKENS


def context_for(article: Article, settings: Settings) -> int | None:
    """The tokens of context to serve the model with for ``article``: its prompt and the answer, rounded up to a
    multiple of 1024, at least the backend's ``context_tokens`` (None: the endpoint decides). Beyond the backend's
    ``max_context_tokens`` the article is refused, naming the limit — never truncated."""
    backend = settings.backend
    if not backend.context_tokens:
        return None
    limit = backend.max_context_tokens or backend.context_tokens
    chars = len(article.numbered())
    overhead = prompt_overhead(article, settings)
    prompt = int(chars / CHARS_PER_TOKEN) + overhead
    if prompt + settings.max_tokens > limit and backend.served_locally \
            and int(chars / CHARS_PER_TOKEN_HIGH) + overhead + settings.max_tokens <= limit:
        from briefing.model import local

        with contextlib.suppress(ConfigError):  # no tokenizer to hand: the upper estimate decides
            prompt = local.count_tokens(settings, article.numbered()) + overhead
    need = prompt + settings.max_tokens
    if need > limit:
        words = int((limit - overhead - settings.max_tokens) / TOKENS_PER_WORD) // 100 * 100
        raise InputError(f"the article is too long for the local model: {article.words:,} words, about {prompt} "
                         f"prompt tokens and the {settings.max_tokens}-token answer need {need}, over its "
                         f"{limit}-token context (about {words:,} words); use an endpoint with a larger context "
                         f"(--base-url) or shorten the input")
    return max(backend.context_tokens, -(-need // 1024) * 1024)


def check_fits(article: Article, settings: Settings) -> None:
    """Refuse, naming the limit, an article that cannot fit the model's context with room for the answer."""
    context_for(article, settings)


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
            cap = max_length(type(item), name)
            if not isinstance(value, str) or cap is None or len(value) < cap:
                continue
            ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", value)]
            cut = (value[:ends[-1]] if ends and ends[-1] > cap // 5
                   else value[:cap - 2].rsplit(" ", 1)[0].rstrip(" ,;:") + " …")
            setattr(item, name, cut)
            if cut.endswith(" …") and item.supported:  # ends mid-clause: no whole claim to show with ✓ (#15)
                item.supported = False
                item.problems = [*item.problems, "cut off at its length cap in mid-sentence; not a whole claim"]


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
          provider: str | None = None, endpoint_url: str | None = None, sections: str = "full",
          resolve_dates: bool = True) -> Briefing:
    """Wrap a checked extraction into the briefing document (``resolve_dates``: read relative dates against the
    article's date; a story's events were read against their own articles' dates already)."""
    _trim_capped(extraction)
    if resolve_dates:
        _resolve_dates(extraction, article)
    grounding = finalize(extraction, article)
    meta = Meta(model=model, provider=provider, endpoint=endpoint_url, usage=(usage or Usage()).as_dict(),
                prompt_hash=prompt_hash(sections), sections=sections,
                created=datetime.now(timezone.utc).isoformat(timespec="seconds"), tool_version=__version__)
    return Briefing(article=article.info(), extraction=extraction, grounding=grounding, meta=meta)


def build_for(article: Article, extraction: Extraction, settings: Settings, *, usage: Usage | None,
              model: str | None, base_url: str | None) -> Briefing:
    """:func:`build` for a run with ``settings``: the provider, the endpoint recorded (none for a model the tool
    serves itself) and the sections profile come from them, the same for every caller."""
    backend = settings.backend
    return build(article, extraction, usage=usage, model=model, provider=backend.name,
                 endpoint_url=None if backend.served_locally else base_url, sections=sections_for(settings))


def check_strict(briefing: Briefing) -> None:
    """``--strict``: refuse a briefing with any unsupported item or withheld quote."""
    g = briefing.grounding
    if g.unsupported or g.dropped_quotes:
        raise UngroundedError(f"--strict: {g.figure}; unsupported: {', '.join(g.unsupported) or 'none'}; "
                              f"dropped quotes: {len(g.dropped_quotes)}", briefing=briefing)


@dataclass
class Outcome:
    """One briefed article: the briefing, what it cost, and whether it came from the cache."""

    briefing: Briefing
    usage: Usage
    cached: bool
    key: str | None


class Briefer:
    """Briefs articles one by one or from many threads, with one endpoint (one local server) for all of them.

    ``client_factory(settings, base_url)`` makes the instructor client for one article (each article gets its own,
    because instructor's hooks are per client); ``client`` is one client for every article. ``on_call`` sees every
    model call, after the call log. ``cached_usage``: a cache hit reports what the answer cost when it was made (the
    eval's cost figures), not zero (a batch's spend this run).
    """

    def __init__(self, settings: Settings | None = None, *, cache: Any = None, calllog: Any = None,
                 client_factory: ClientFactory | None = None, client: Any = None,
                 on_call: Callable[[CallRecord], None] | None = None, say: Progress = _noop,
                 run_id: str | None = None, cached_usage: bool = False):
        self.settings = settings or Settings.from_env()
        self.cache = cache
        self.calllog = calllog
        self.cached_usage = cached_usage
        self.client_factory = client_factory or ((lambda _s, _u: client) if client is not None else None)
        self.on_call = on_call
        self.say = say
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self._stack = contextlib.ExitStack()
        self._endpoint: tuple[str | None, str] | None = None
        self._lock = threading.Condition()
        self._served: contextlib.ExitStack | None = None  # the running endpoint (a local server)
        self._context = 0  # its tokens of context
        self._busy = 0  # model calls in flight on it

    # -- endpoint
    def endpoint(self, context: int | None = None) -> tuple[str | None, str]:
        """``(base_url, model name sent in requests)``, starting the endpoint (a local server with ``context``
        tokens of context) on first use. An article that needs more context than the running server has gets a
        larger one, started once the calls in flight on the old one have ended; a smaller article keeps the
        running server (the context size does not change an answer: README "Long articles")."""
        with self._lock:
            if self._endpoint is not None and context and context > self._context:
                self._lock.wait_for(lambda: self._busy == 0)
                self._stop_endpoint()
            if self._endpoint is None:
                self._served = contextlib.ExitStack()
                served = self._served.enter_context(endpoint(self.settings, self.say, context))
                self._endpoint, self._context = (served[0], served[1]), context or 0
            return self._endpoint

    @contextlib.contextmanager
    def serving(self, context: int | None = None) -> Iterator[tuple[str | None, str]]:
        """:meth:`endpoint` for the length of one model call (a larger server is not started under it)."""
        with self._lock:
            served = self.endpoint(context)
            self._busy += 1
        try:
            yield served
        finally:
            with self._lock:
                self._busy -= 1
                self._lock.notify_all()

    def _stop_endpoint(self) -> None:
        if self._served is not None:
            self._served.close()
        self._served, self._endpoint, self._context = None, None, 0

    def closing(self, resource: Any) -> Any:
        """Close ``resource`` (a cache, a call log) when the briefer closes; return it."""
        if resource is not None:
            self._stack.callback(resource.close)
        return resource

    def close(self) -> None:
        self._stack.close()
        self._stop_endpoint()

    def __enter__(self) -> "Briefer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- one article
    def key(self, article: Article) -> str:
        return request_key(article, self.settings)

    def brief(self, article: Article, *, item: str | None = None, strict: bool = False,
              completion: Any = None, usage: Usage | None = None, model: str | None = None) -> Outcome:
        """Brief one article: from ``completion`` when given (a Batch-API result: validated and grounded as the
        model's last attempt would be; ``usage`` and ``model`` say what it cost and who answered), else from the
        cache when it holds this exact request, else from the model."""
        settings = self.settings
        if completion is not None:
            ex = extraction_from_completion(completion, article)
            name = model or model_identity(settings)["model"]
            briefing = build_for(article, ex, settings, usage=usage, model=name, base_url=None)
            return self._finish(briefing, usage or Usage(), cached=False, key=None, strict=strict)
        context = context_for(article, settings)
        key = self.key(article) if self.cache is not None else None
        hit = self.cache.get(key) if key else None
        if hit is not None:
            ex = Extraction.model_validate_json(hit[0], context={"check": Grounder(article, strict=False)})
            usage = Usage.from_dict(hit[1]) if self.cached_usage else Usage()
            ident = model_identity(settings)
            briefing = build_for(article, ex, settings, usage=usage, model=ident["model"], base_url=ident["base_url"])
            briefing.meta.cached = True  # Meta allows extra fields
            return self._finish(briefing, usage, cached=True, key=key, strict=strict)
        with self.serving(context) as (base_url, served_model):
            ident = model_identity(settings, served_model, base_url)
            phash = prompt_hash(sections_for(settings))

            on_call = self.recorder(ident, base_url, phash, item)
            client = self.client_factory(settings, base_url) if self.client_factory else None
            if item is None:  # one article: say what is happening; a batch has its progress display
                self.say(f"briefing {article.words} words with {ident['model']} …")
            ex, usage = extract(article, settings, base_url=base_url, model=served_model, client=client,
                                on_call=on_call)
            if rewrites_copies(settings):  # texts the model copied, said again in its own words (#15)
                extra = rewrite_copies(ex, article, settings, base_url=base_url, model=served_model,
                                       client=self.client_factory(settings, base_url) if self.client_factory
                                       else None, on_call=on_call)
                if extra is not None:
                    usage.add(extra)
        if key:
            self.cache.put(key, ex.model_dump_json(), model=ident["model"], prompt_hash=phash, usage=usage.as_dict())
        briefing = build_for(article, ex, settings, usage=usage, model=ident["model"], base_url=base_url)
        return self._finish(briefing, usage, cached=False, key=key, strict=strict)

    def recorder(self, ident: dict[str, Any], base_url: str | None, phash: str | None,
                 item: str | None) -> Callable[[CallRecord], None]:
        """What every model call of this briefer goes through: the call log, then the caller's ``on_call``."""
        def on_call(rec: CallRecord) -> None:
            if self.calllog is not None:
                self.calllog.record(rec, provider=ident["provider"], model=ident["model"], endpoint=base_url,
                                    prompt_hash=phash, run=self.run_id, item=item)
            if self.on_call is not None:
                self.on_call(rec)

        return on_call

    @staticmethod
    def _finish(briefing: Briefing, usage: Usage, *, cached: bool, key: str | None, strict: bool) -> Outcome:
        if strict:
            check_strict(briefing)
        return Outcome(briefing=briefing, usage=usage, cached=cached, key=key)


def extraction_from_completion(body: Any, article: Article) -> Extraction:
    """Validate one chat completion (a dict or an openai ``ChatCompletion``) as a grounded extraction, as the model
    call would on its last attempt: grounding failures are flagged, anything else is a :class:`ModelError`."""
    from openai.types.chat import ChatCompletion
    from pydantic import ValidationError

    completion = body if isinstance(body, ChatCompletion) else ChatCompletion.model_validate(body)
    choice = completion.choices[0] if completion.choices else None
    if choice is None:
        raise ModelError("the answer has no choices")
    if choice.finish_reason == "length":
        raise ModelError("the model's answer was cut off at max_tokens (a decoding loop or too long an answer)")
    if getattr(choice.message, "refusal", None):
        raise ModelError(f"the model refused: {choice.message.refusal}")
    text = completion_text(completion)
    if not text:
        raise ModelError("the answer is empty")
    grounder = Grounder(article, strict=True)
    try:
        return Extraction.model_validate_json(text, context={"check": grounder})
    except ValidationError as e:
        if grounder.failures:
            ex = _lenient(article, ModelError("grounding failed", last_response=completion))
            if ex is not None:
                return ex
        first = e.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "answer"
        raise ModelError(f"the answer is not a valid extraction ({e.error_count()} error(s); first at {where}: "
                         f"{first.get('msg')})") from None


def generate(article: Article | str, settings: Settings | None = None, *, strict: bool = False,
             progress: Progress = _noop, client: Any = None,
             on_call: Callable[[CallRecord], None] | None = None) -> Briefing:
    """Brief one article (no cache, no call log). ``settings`` default to the environment (see
    :mod:`briefing.config`)."""
    if isinstance(article, str):
        from briefing.ingest.core import from_text

        article = from_text(article)
    with Briefer(settings, client=client, on_call=on_call, say=progress) as briefer:
        return briefer.brief(article, strict=strict).briefing
