"""The eval's metrics: pure functions of a :class:`~briefing.schema.Briefing` (and, for coverage, the gold
answers), so they are tested on constructed briefings and recomputed from saved briefings without a model
(``briefing eval --from DIR``):

- grounding: the share of items whose evidence is verified in the source (dropped quotes count as unverified);
- quote fidelity: the share of quotes (shown and dropped) found verbatim in the source, and the share whose
  speaker the source confirms;
- invented names: people, places and organisations in the briefing that the source does not contain;
- 5W1H coverage: for each W with gold answers, whether the briefing answers it (:data:`COVERAGE_RULE`);
- length: words the briefing shows, and whether its HTML fits one page (when Chromium is available);
- cost: calls, prompt and completion tokens and seconds, from ``briefing.meta.usage``.

:data:`RULES` states each one as the report prints it.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from briefing.eval.corpus import W_KEYS
from briefing.grounding.match import NormalizedText, content_words, locate
from briefing.grounding.names import is_name, names_not_in
from briefing.grounding.quotes import attribution_ok
from briefing.roles import Role, fields_by_role
from briefing.schema import Briefing

#: Share of a gold answer's content words the briefing must contain for the answer to count as given.
MATCH_SHARE = 0.5
STEM_CHARS = 6
COVERAGE_RULE = (
    "A W (who, what, when, where, why, how) with gold answers counts as answered when at least one of its gold "
    "answers is matched. A gold answer is matched when at least half (rounded up) of its content words occur in "
    "the briefing's text (headline, dateline, bottom line, key points, actors, positions, timeline, shown quotes, "
    "issues and outlook; not the open questions). Content words are lower-cased words of two or more characters "
    "that are not stop words (the grounding module's list); two words match when their stems are equal, a stem "
    f"being the word without a possessive 's or a plural -s, cut to its first {STEM_CHARS} characters "
    "('overturned' and 'overturns' both give 'overtu'). For 'when', a gold answer also matches when it "
    "resolves to the same calendar date as a date in the briefing (dateline, timeline, or the source's date "
    "that the briefing shows under its headline), relative to the article's date. A W without gold answers is "
    "not scored. The strict figure asks for every content word of some gold answer (no date resolution).")

RULES = {
    "grounding": "Items whose `supported` flag is true and whose evidence spans are exact slices of the source, "
                 "over all checked items plus the quotes grounding dropped (a dateline grounding accepted from the "
                 "article's metadata date has no span in the text, so it is not counted as verified here). "
                 "'Cited at the wrong sentences' counts "
                 "the cited items whose claim is in the article but not in the sentences the model cited: those "
                 "grounding re-anchored (`located`), and unverified ones that another single sentence passes by "
                 "the same check.",
    "quotes": "Every quote the model wrote (shown, and dropped by grounding; not those the tool chose from the "
              "article when the model gave none it could show) is looked up with grounding.locate "
              "(tolerant of quote marks, dashes, whitespace and ellipses); a verbatim quote's speaker is checked "
              "with grounding.attribution_ok: the speaker the briefing shows, and the one the model named (they differ "
              "where grounding took the speaker from the article's attribution: `model_speaker`). The shares are "
              "over all quotes.",
    "names": "Named fields (actor names and affiliations, parties, quote speakers, timeline who/recipient, "
             "dateline place) that are names (one word, or a capitalised word after the first: 'The shooter' is a "
             "description, not a name) and that grounding.name_in does not find in the source (any distinctive "
             "word counts), plus "
             "capitalised names in the free text that grounding.unknown_names does not find in the source (a "
             "headline in title case is skipped: its capitals do not mark names).",
    "coverage": COVERAGE_RULE,
    "length": "Words in the text the briefing shows (all fields the model wrote, quotes not dropped); one page: "
              "the HTML rendering printed to PDF by briefing.pdf (A4), when Chromium is available, else n/a.",
    "cost": "From briefing.meta.usage: HTTP calls, prompt and completion tokens, model seconds, re-asks included.",
}


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def grounding_metric(b: Briefing) -> dict[str, Any]:
    """Verified items over all checked items; also which items the model cited at the wrong sentences: verified
    only because grounding re-anchored them (``located``), or unverified but stated by another sentence."""
    from briefing.text.article import Article
    from briefing.grounding.grounder import Grounder
    from briefing.schema import Cited

    text = b.article.text
    verified, unverified, wrong_ids = 0, [], []
    grounder = None
    for path, item in b.extraction.items():
        if item.supported is None or getattr(item, "chosen", False):
            continue  # quotes the tool chose from the article are not the model's
        exact = all(text[s.start:s.end] == s.text for s in item.evidence)
        if item.supported and item.evidence and exact:
            verified += 1
            if getattr(item, "located", False):  # verified, but at sentences the tool found, not the cited ones
                wrong_ids.append(path)
            continue
        unverified.append(path)
        if isinstance(item, Cited) and exact:
            grounder = grounder or Grounder(Article.from_info(b.article), strict=False)
            if _stated_elsewhere(grounder, path, item):
                wrong_ids.append(path)
    unverified += [f"dropped_quotes[{i}]" for i in range(len(b.grounding.dropped_quotes))]
    total = verified + len(unverified)
    return {"verified": verified, "total": total, "share": ratio(verified, total), "unverified": unverified,
            "wrong_ids": wrong_ids, "echoed": [e.path for e in b.grounding.echoed]}


def _stated_elsewhere(grounder, path: str, item) -> bool:
    """Whether some single sentence of the source passes the grounding check for ``item``."""
    cited = set(getattr(item, "ev", []) or [])
    for s in grounder.article.sentences:
        if s.id in cited:
            continue
        probe = item.model_copy(update={"ev": [s.id]}, deep=True)
        if not grounder.check_item(path, probe):
            return True
    return False


def quote_metric(b: Briefing) -> dict[str, Any]:
    from briefing.text.article import Article

    article = Article.from_info(b.article)
    norm = NormalizedText(b.article.text)
    rows = []
    chosen = sum(1 for q in b.extraction.quotes if q.chosen)
    for shown, quotes in ((True, [q for q in b.extraction.quotes if not q.chosen]),
                          (False, b.grounding.dropped_quotes)):
        for q in quotes:
            spans = q.evidence if shown and q.evidence else locate(norm, q.text)
            model_speaker = q.model_speaker or q.speaker
            rows.append({"speaker": q.speaker, "text": q.text, "shown": shown, "verbatim": bool(spans),
                         "speaker_ok": bool(spans) and attribution_ok(article, spans, q.speaker),
                         "model_speaker": model_speaker,
                         "model_speaker_ok": bool(spans) and attribution_ok(article, spans, model_speaker)})
    n = len(rows)
    verbatim = sum(r["verbatim"] for r in rows)
    speaker = sum(r["speaker_ok"] for r in rows)
    by_model = sum(r["model_speaker_ok"] for r in rows)
    picked = [q for q in b.extraction.quotes if q.chosen]
    picked_ok = sum(1 for q in picked if q.evidence and attribution_ok(article, q.evidence, q.speaker))
    shown_rows = [r for r in rows if r["shown"]]
    return {"quotes": n, "shown": sum(r["shown"] for r in rows), "dropped": len(b.grounding.dropped_quotes),
            "on_page": len(shown_rows) + len(picked),
            "on_page_speaker_ok": sum(r["speaker_ok"] for r in shown_rows) + picked_ok,
            "verbatim": verbatim, "speaker_ok": speaker, "verbatim_share": ratio(verbatim, n),
            "speaker_share": ratio(speaker, n), "model_speaker_ok": by_model,
            "model_speaker_share": ratio(by_model, n),
            "reattributed": sum(1 for r in rows if r["model_speaker"] != r["speaker"]), "chosen": chosen,
            "rows": rows}


def names_metric(b: Briefing) -> dict[str, Any]:
    """The names the briefing uses that the source does not contain, read by the roles the schema declares
    (:func:`~briefing.grounding.names.names_not_in`, as the briefing's own ``unknown_names``), over the shown
    quotes and the dropped ones: every name the model wrote."""
    fields = list(fields_by_role(b.extraction))
    for i, q in enumerate(b.grounding.dropped_quotes):
        fields += fields_by_role(q, f"dropped_quotes[{i}]")
    invented = names_not_in(fields, b.article.text)
    checked = [p for p, role, value in fields if role is Role.NAME and is_name(value)]
    return {"checked_fields": len(checked), "count": len(invented),
            "invented": [{"name": n, "where": w} for n, w in invented.items()]}


def stem(word: str) -> str:
    w = word.lower().strip("'-")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w[:STEM_CHARS]


def stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def _section_texts(b: Briefing, *, chosen: bool = True) -> list[str]:
    """The texts of the sections both coverage and the shown-text checks read, in document order (without the
    quotes the tool chose when ``chosen`` is false: coverage measures the model)."""
    ex = b.extraction
    out = [ex.headline, ex.dateline.place or "", ex.dateline.date or "", ex.bottom_line.text]
    out += [p.text for p in ex.key_points]
    out += [" ".join(filter(None, (a.name, a.role, a.affiliation, a.stance))) for a in ex.actors]
    out += [f"{p.party} {p.stance}" for p in ex.positions]
    out += [" ".join(filter(None, (e.date, e.what, e.who, e.recipient))) for e in ex.timeline]
    out += [" ".join(filter(None, (q.speaker, q.text, q.context))) for q in ex.quotes if chosen or not q.chosen]
    out += [p.text for p in ex.issues]
    return out


def coverage_texts(b: Briefing) -> list[str]:
    return _section_texts(b, chosen=False) + [o.text for o in b.extraction.outlook]


def _briefing_dates(b: Briefing) -> set[str]:
    """ISO dates the briefing shows: its dateline's and timeline's, and the source's date under the headline."""
    from briefing.text.dates import parse_reference

    source = parse_reference(b.article.date)
    shown = [b.extraction.dateline.iso, source.isoformat() if source else None]
    return {d for d in shown + [e.iso for e in b.extraction.timeline] if d}


def match_answer(answer: str, have: set[str]) -> tuple[int, int, bool]:
    """(content words of ``answer`` found, content words needed, matched) under :data:`COVERAGE_RULE`."""
    want = stems(answer)
    if not want:
        return 0, 0, False
    needed = max(1, math.ceil(len(want) * MATCH_SHARE))
    hits = len(want & have)
    return hits, needed, hits >= needed


def coverage_metric(b: Briefing, gold: dict[str, list[str]]) -> dict[str, Any]:
    from briefing.text.dates import parse_reference, resolve

    have: set[str] = set()
    for t in coverage_texts(b):
        have |= stems(t)
    dates = _briefing_dates(b)
    ref = parse_reference(b.article.date)
    per: dict[str, Any] = {}
    for w in W_KEYS:
        answers = gold.get(w) or []
        if not answers:
            per[w] = {"gold": [], "answered": None, "matched": None, "strict": None}
            continue
        matched = None
        strict = False
        for a in answers:
            hits, needed, ok = match_answer(a, have)
            want = len(stems(a))
            strict = strict or (want > 0 and hits == want)
            if not ok and w == "when" and dates:
                ok = resolve(a, ref) in dates
            if ok and matched is None:
                matched = a
        per[w] = {"gold": answers, "answered": matched is not None, "matched": matched, "strict": strict}
    scored = [v for v in per.values() if v["answered"] is not None]
    answered = sum(1 for v in scored if v["answered"])
    strict_n = sum(1 for v in scored if v["strict"])
    return {"answered": answered, "with_gold": len(scored), "share": ratio(answered, len(scored)),
            "strict": strict_n, "strict_share": ratio(strict_n, len(scored)), "per_w": per}


def shown_texts(b: Briefing) -> list[str]:
    ex = b.extraction
    out = _section_texts(b)
    out += [f"{o.text} {o.basis}" for o in ex.outlook]
    out += [q.text for q in ex.open_questions]
    return out


def word_count(b: Briefing) -> int:
    return sum(len(t.split()) for t in shown_texts(b))


PageCounter = Callable[[Briefing], "int | None"]


def default_page_counter() -> PageCounter | None:
    """Pages of a briefing's HTML printed to PDF by headless Chromium (``briefing.pdf``), or None when there is no
    browser here (the report then says n/a)."""
    from briefing.errors import RenderError

    try:
        from briefing.output import pdf
    except ImportError:  # pragma: no cover - pdf.py is part of the package; kept optional for slim installs
        return None
    try:
        pdf.find_chromium()
    except RenderError:
        return None

    def pages(b: Briefing) -> int | None:
        from briefing.output.render import FORMATS, render

        try:
            data = render(b, "pdf") if "pdf" in FORMATS else pdf.print_pdf(render(b, "html"))
            return pdf.page_count(data)
        except RenderError:
            return None

    return pages


def body_texts(b: Briefing) -> list[tuple[str, str]]:
    """(where, text) of everything the briefing says in its own words: every section but the quotes."""
    ex = b.extraction
    out = [("headline", ex.headline), ("bottom_line", ex.bottom_line.text)]
    out += [(f"key_points[{i}]", p.text) for i, p in enumerate(ex.key_points)]
    out += [(f"actors[{i}]", " ".join(filter(None, (a.name, a.role)))) for i, a in enumerate(ex.actors)]
    out += [(f"positions[{i}]", p.stance) for i, p in enumerate(ex.positions)]
    out += [(f"timeline[{i}]", e.what) for i, e in enumerate(ex.timeline)]
    out += [(f"issues[{i}]", p.text) for i, p in enumerate(ex.issues)]
    out += [(f"outlook[{i}]", f"{o.text} {o.basis}") for i, o in enumerate(ex.outlook)]
    out += [(f"open_questions[{i}]", q.text) for i, q in enumerate(ex.open_questions)]
    return out


def copy_metric(b: Briefing) -> dict[str, Any]:
    """The longest run of words the briefing's body copies from the article outside quotation marks, where it
    stands, and whether the bottom line copies a sentence of the article."""
    from briefing.grounding.copying import MAX_COPIED_RUN, copied_run
    from briefing.text.article import Article

    sentences = [s.text for s in Article.from_info(b.article).sentences]
    best = {"words": 0, "text": "", "where": None}
    bottom = None
    for where, text in body_texts(b):
        run = copied_run(text, sentences)
        if where == "bottom_line":
            bottom = run
        if run.words > best["words"]:
            best = {"words": run.words, "text": run.text, "where": where}
    return {"longest": best, "over_limit": best["words"] > MAX_COPIED_RUN,
            "bottom_line_words": bottom.words if bottom else 0,
            "bottom_line_sentence": bottom.sentence if bottom else None}


def length_metric(b: Briefing, pages: PageCounter | None = None) -> dict[str, Any]:
    n = pages(b) if pages is not None else None
    return {"words": word_count(b), "pages": n, "one_page": None if n is None else n <= 1}


def cost_metric(b: Briefing) -> dict[str, Any]:
    u = b.meta.usage or {}
    return {"calls": int(u.get("calls", 0)), "attempts": int(u.get("attempts", 0)),
            "prompt_tokens": int(u.get("prompt_tokens", 0)), "completion_tokens": int(u.get("completion_tokens", 0)),
            "seconds": float(u.get("seconds", 0.0))}


def evaluate(b: Briefing, gold: dict[str, list[str]], *, pages: PageCounter | None = None) -> dict[str, Any]:
    """Every metric for one briefing."""
    return {"grounding": grounding_metric(b), "quotes": quote_metric(b), "names": names_metric(b),
            "coverage": coverage_metric(b, gold), "length": length_metric(b, pages), "copying": copy_metric(b),
            "cost": cost_metric(b)}
