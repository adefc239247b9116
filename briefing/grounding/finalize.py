"""After the check: the briefing's grounding summary (support counted, failed quotes moved aside, names the
article does not contain), and the quotes the tool takes from the article when none of the model's can be shown."""

from __future__ import annotations

from briefing.grounding.copying import copied_run
from briefing.grounding.echo import drop_echoes
from briefing.grounding.match import content_words
from briefing.grounding.names import names_not_in
from briefing.grounding.claims import headline_problems
from briefing.grounding.uncopy import shorten_copies
from briefing.grounding.quotes import attributed_speaker, attribution_ok, regions_of
from briefing.roles import fields_by_role
from briefing.schema import CopiedRun, Extraction, Grounding, Quote, Span, claim_text, max_length
from briefing.text.article import Article


#: The longest quote the tool takes (the schema's bound on a quote's text).
_QUOTE_CHARS = max_length(Quote, "text")


def article_quotes(article: Article, *, known: list[str] = (), limit: int = 2, min_words: int = 8) -> list[Quote]:
    """Quotes the tool can take from the article itself: words inside quotation marks (at least ``min_words``)
    whose attribution names a speaker, in the article's order, one per speaker first; at most ``limit``."""
    picked: list[Quote] = []
    later: list[Quote] = []
    for s, e in regions_of(article.text):
        text = article.text[s:e].strip().rstrip(" ,;:")
        start = s + (len(article.text[s:e]) - len(article.text[s:e].lstrip()))
        if len(text.split()) < min_words or len(text) > _QUOTE_CHARS:
            continue  # too short to tell, or longer than a quote (a closing mark the text lost)
        spans = [Span(text=text, start=start, end=start + len(text))]
        if any(s.start < spans[0].end and spans[0].start < s.end
               for s in (article.sentence(i) for i in article.addressed_to_model) if s):
            continue  # words addressed to an AI model are never shown as the article's (#18)
        who = attributed_speaker(article, spans, known)
        if not who or not attribution_ok(article, spans, who):
            continue
        quote = Quote(speaker=who, text=text, evidence=spans, supported=True, chosen=True)
        (later if any(q.speaker == who for q in picked) else picked).append(quote)
    return (picked + later)[:limit]


def _same_actor(a: str, b: str) -> bool:
    """One actor named twice: the shorter name's words all in the longer and the same last word ("Wang Yi",
    "China's top diplomat Wang Yi"); "US" and "US adviser Jake Sullivan" are two."""
    wa, wb = content_words(a), content_words(b)
    short, long_ = sorted((wa, wb), key=len)
    return bool(short) and set(short) <= set(long_) and short[-1] == long_[-1]


def merge_actors(ex: Extraction) -> None:
    """Keep one entry per actor: of those naming the same actor, the first supported one (else the first),
    in the place of the first."""
    kept: list = []
    for actor in ex.actors:
        twin = next((i for i, k in enumerate(kept) if _same_actor(k.name, actor.name)), None)
        if twin is None:
            kept.append(actor)
        elif actor.supported and not kept[twin].supported:
            kept[twin] = actor
    ex.actors = kept


def _said(item) -> frozenset[str]:
    return frozenset(content_words(" ".join(str(getattr(item, f, "") or "") for f in ("party", "text", "stance",
                                                                                     "what"))))


#: The words of a text that says nothing ("No information provided", "Not specified"): no item.
_NOTHING = frozenset("no not information info provided available given unknown stated specified mentioned "
                     "details detail none data reported".split())


def drop_repeats(ex: Extraction) -> None:
    """An item a section states twice in the same words (a small model's loop: the same key point twice) is
    kept once; an item whose text says nothing ("No information provided") is no item."""
    for name in ("key_points", "positions", "timeline", "issues", "outlook", "open_questions"):
        seen: set[frozenset[str]] = set()
        kept = []
        for item in getattr(ex, name):
            words = _said(item)
            said = content_words(claim_text(item))
            if (words and words in seen) or (said and set(said) <= _NOTHING):
                continue
            seen.add(words)
            kept.append(item)
        setattr(ex, name, kept)


def finalize(ex: Extraction, article: Article) -> Grounding:
    """Summarise a checked extraction: move failed quotes aside, count support, flag the names the article does not
    contain (:func:`~briefing.grounding.names.names_not_in`, over the fields the schema marks). When no quote
    of the model's can be shown, the tool shows some the article attributes (:func:`article_quotes`), marked
    ``chosen`` and left out of the figure. First, a text that copies the article is said shorter or left out
    (:mod:`~briefing.grounding.uncopy`), and an item that repeats the prompt's example answer is left out
    (:mod:`~briefing.grounding.echo`)."""
    from briefing.grounding.grounder import Grounder

    sentences = [s.text for s in article.sentences]
    paths = {id(item): path for path, item in ex.items()}
    copied = shorten_copies(ex, sentences, Grounder(article, strict=False).check_item)
    echoed = drop_echoes(ex, article.text, paths)
    kept, dropped = [], []
    for q in ex.quotes:
        if not q.chosen:  # a briefing read back: the tool's own picks are made again below
            (kept if q.supported else dropped).append(q)
    ex.quotes = kept
    merge_actors(ex)
    drop_repeats(ex)
    items = [(p, i) for p, i in ex.items() if i.supported is not None]
    unsupported = [p for p, i in items if not i.supported]
    unknown = list(names_not_in(fields_by_role(ex), article.text))  # the shown quotes' speakers, not the dropped
    if not kept:
        ex.quotes = article_quotes(article, known=[a.name for a in ex.actors])
    run = copied_run(ex.bottom_line.text, sentences)
    return Grounding(supported=len(items) - len(unsupported), total=len(items) + len(dropped),
                     bottom_line_copy=CopiedRun(words=run.words, text=run.text, sentence=run.sentence),
                     unsupported=unsupported, dropped_quotes=dropped, unknown_names=unknown,
                     addressed_to_model=list(article.addressed_to_model),
                     headline=headline_problems(ex.headline, sentences), copied_items=copied,
                     echoed=echoed)
