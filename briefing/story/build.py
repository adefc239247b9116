"""One briefing from several articles on the same story: each article briefed as on its own (cached, so one more
article costs one article), the extractions merged (:mod:`briefing.merge`), and one short call over the merged
findings for the headline, bottom line and outlook (:mod:`briefing.story.synthesis`).

The story's ``article.text`` is the sources' texts joined, each under a one-line header, and every span is an exact
slice of it (``Span.source`` says whose); ``Briefing.sources`` says where each article lies in it, with its outlet,
title, link and publication time, so each ✓ leads to its words in the right article. An input that cannot be read
or briefed is named in ``Briefing.gaps`` and the story is briefed from the rest.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from briefing.brief import Briefer, Outcome, build
from briefing.config import Settings, sections_for
from briefing.errors import BriefingError, InputError
from briefing.merge import Merged, Source, Sourced, merge
from briefing.output.story import conflict_line, when as _when
from briefing.schema import Briefing, Extraction, Gap, SourceInfo
from briefing.text.article import Article
from briefing.usage import Usage

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    pass


def published_of(article: Article) -> str | None:
    """The article's publication time as ISO (``2016-11-09T21:13:00``), from its record or its date."""
    raw = (article.meta or {}).get("published") or article.date
    if not raw:
        return None
    return str(raw).strip().replace(" ", "T")


def publisher_of(article: Article) -> str | None:
    return (article.meta or {}).get("publisher") or article.source


def joined(articles: Sequence[Article]) -> tuple[Article, list[SourceInfo]]:
    """The articles' texts joined under one header line each, and where each lies in the result."""
    chunks: list[str] = []
    infos: list[SourceInfo] = []
    pos = 0
    for i, a in enumerate(articles, 1):
        header = f"— Source {i}: {publisher_of(a) or 'unknown outlet'}, {_when(published_of(a))}" \
                 + (f" — {a.title}" if a.title else "") + " —"
        offset = pos + len(header) + 2
        chunks.append(f"{header}\n\n{a.text}")
        infos.append(SourceInfo(id=str(a.meta.get("id") or i), title=a.title, publisher=publisher_of(a), url=a.url,
                                published=published_of(a), offset=offset, length=len(a.text), words=a.words))
        pos = offset + len(a.text) + 2
    text = "\n\n".join(chunks)
    dates = sorted(d for d in (published_of(a) for a in articles) if d)
    story = Article(text=text, title=articles[0].title if len(articles) == 1 else None,
                    source=f"{len(articles)} sources", date=dates[-1][:10] if dates else None)
    return story, infos


def _timeline_order(ex: Extraction, infos: Sequence[SourceInfo]) -> None:
    """Events by the time the text gives them, else by the earliest report that carries them."""
    def key(event: Any) -> tuple[str, str]:
        first = min((infos[i].published or "9999" for i in event.sources), default="9999")
        return (event.iso or first[:10], first)

    ex.timeline.sort(key=key)


def _attribute(b: Briefing) -> None:
    """Items the tool added over the joined text (the quotes it chose when no model quote could be shown) get the
    source their spans lie in, like every merged item."""
    def source_at(offset: int) -> int | None:
        return next((i for i, s in enumerate(b.sources) if s.offset <= offset < s.offset + max(s.length, 1)), None)

    for _, item in b.extraction.items():
        for span in item.evidence:
            if span.source is None:
                span.source = source_at(span.start)
        if not item.sources and item.evidence:
            item.sources = sorted({sp.source for sp in item.evidence if sp.source is not None})


def generate_story(inputs: Sequence[Any], settings: Settings | None = None, *, since: Briefing | None = None,
                   briefer: Briefer | None = None, date: str | None = None,
                   progress: Progress = _noop) -> Briefing:
    """Brief a story from ``inputs`` — paths, folders, globs, URLs or JSONL files as ``generate`` takes them, or
    :class:`~briefing.text.article.Article` objects — and, with ``since``, say what changed since that briefing.

    ``briefer`` brings the cache, the call log and the endpoint (default: none of the first two, the settings'
    endpoint); it is not closed here."""
    own = briefer is None
    briefer = briefer or Briefer(settings, say=progress)
    try:
        return _story(inputs, briefer, since=since, date=date, progress=progress)
    finally:
        if own:
            briefer.close()


def _load(inputs: Sequence[Any]) -> list[tuple[str, str, Any]]:
    """``(id, origin, Article or Input)`` per input; inputs are read one by one later, so one that cannot be read
    becomes a gap of the story instead of stopping it."""
    from briefing.ingest.inputs import expand

    items: list[tuple[str, str, Any]] = []
    for x in inputs:
        if isinstance(x, Article):
            items.append((str(x.meta.get("id") or f"article-{len(items) + 1}"), x.title or "article", x))
    paths = [x for x in inputs if isinstance(x, str)]
    items.extend((item.id, item.origin, item) for item in (expand(paths) if paths else []))
    return items


def _story(inputs: Sequence[Any], briefer: Briefer, *, since: Briefing | None, date: str | None,
           progress: Progress) -> Briefing:
    from briefing.story.synthesis import synthesize

    if not inputs:
        raise InputError("a story needs at least one article")
    items = _load(inputs)
    gaps: list[Gap] = []
    briefed: list[tuple[Article, Outcome]] = []
    for n, (rid, origin, thing) in enumerate(items, 1):
        try:
            article = thing if isinstance(thing, Article) else thing.load(date)
            article.meta.setdefault("id", rid)
            progress(f"[{n}/{len(items)}] {rid}: {article.words} words")
            briefed.append((article, briefer.brief(article, item=rid)))
        except BriefingError as e:
            gaps.append(Gap(id=rid, input=origin, error=e.one_line()))
            progress(f"[{n}/{len(items)}] {rid}: failed: {e.one_line()}")
    if not briefed:
        raise InputError("no article of the story could be briefed: "
                         + "; ".join(f"{g.id}: {g.error}" for g in gaps))
    briefed.sort(key=lambda ab: published_of(ab[0]) or "9999")  # reports in the order they came out
    articles = [a for a, _ in briefed]
    story, infos = joined(articles)
    parts = [Sourced(Source(id=info.id, index=i, offset=info.offset, label=info.publisher, published=info.published),
                     outcome.briefing.extraction) for i, (info, (_, outcome)) in enumerate(zip(infos, briefed))]
    merged: Merged = merge(parts, rank_by_support=True)
    usage = Usage()
    for _, outcome in briefed:
        usage.add(outcome.usage)
    ex = merged.extraction
    settings = briefer.settings
    if len(briefed) > 1:
        progress(f"merged {len(briefed)} reports: {len(merged.conflicts)} conflict(s); writing the bottom line …")
        base_url, served = briefer.endpoint()
        from briefing.model.identity import model_identity
        from briefing.model.prompts import prompt_hash

        ident = model_identity(settings, served, base_url)
        on_call = briefer.recorder(ident, base_url, prompt_hash(sections_for(settings)), "story")
        client = briefer.client_factory(settings, base_url) if briefer.client_factory else None
        headline, bottom, outlook, used = synthesize(
            merged, settings, base_url=base_url, model=served, client=client, on_call=on_call,
            conflicts=[conflict_line(c, infos) for c in merged.conflicts])
        usage.add(used)
        ex.headline, ex.bottom_line, ex.outlook = headline, bottom, outlook
    _timeline_order(ex, infos)
    first = briefed[0][1].briefing
    b = build(story, ex, usage=usage, model=first.meta.model, provider=first.meta.provider,
              endpoint_url=first.meta.endpoint, sections=sections_for(settings), resolve_dates=False)
    b.sources, b.conflicts, b.gaps = infos, merged.conflicts, gaps
    _attribute(b)
    b.meta.story = True  # Meta allows extra fields
    b.meta.cached_articles = sum(1 for _, o in briefed if o.cached)
    if merged.omitted:
        b.meta.omitted = merged.omitted
    if since is not None:
        from briefing.story.diff import changes

        b.changes = changes(since, b)
    return b
