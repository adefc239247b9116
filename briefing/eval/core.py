"""Measuring briefing quality over a corpus with gold 5W1H annotations (``briefing eval``).

The metrics are pure functions of a :class:`~briefing.schema.Briefing` (and, for coverage, the gold answers), so
they are tested on constructed briefings and can be recomputed from saved briefings without a model
(``briefing eval --from DIR``):

- grounding: the share of items whose evidence is verified in the source (dropped quotes count as unverified);
- quote fidelity: the share of quotes (shown and dropped) found verbatim in the source, and the share whose
  speaker the source confirms;
- invented names: people, places and organisations in the briefing that the source does not contain;
- 5W1H coverage: for each W with gold answers, whether the briefing answers it (:data:`COVERAGE_RULE`);
- length: words the briefing shows, and whether its HTML fits one page (when Chromium is available);
- cost: calls, prompt and completion tokens and seconds, from ``briefing.meta.usage``.

The runner briefs each article with the configured model (served once, on the first extraction-cache miss), saves
each article's record and briefing under the report folder, and reports an article whose model call fails as
failed and goes on. A hand-written ``FINDINGS.md`` in the report folder is linked from the report.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from briefing.errors import InputError
from briefing.grounding.match import NormalizedText, content_words, locate
from briefing.grounding.names import name_in, unknown_names
from briefing.grounding.quotes import attribution_ok
from briefing.schema import Briefing, Extraction

Progress = Callable[[str], None]

W_KEYS = ("who", "what", "when", "where", "why", "how")
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


# ---------------------------------------------------------------------------------------------------- corpus

@dataclass
class CorpusEntry:
    name: str
    title: str | None
    text: str
    date: str | None
    url: str | None
    publisher: str | None
    gold: dict[str, list[str]]


def normalize_gold(gold: Any) -> dict[str, list[str]]:
    """Gold answers per W as a list of non-empty strings (a string, a list of strings, or a list of
    ``{"text": ...}`` entries; an absent W is an empty list)."""
    out: dict[str, list[str]] = {}
    gold = gold if isinstance(gold, dict) else {}
    for w in W_KEYS:
        value = gold.get(w)
        values = value if isinstance(value, list) else [value]
        answers = []
        for v in values:
            if isinstance(v, dict):
                v = v.get("text")
            if isinstance(v, str) and v.strip():
                answers.append(v.strip())
        out[w] = answers
    return out


def load_corpus(folder: str | Path) -> list[CorpusEntry]:
    """The articles of a corpus folder: ``*.json`` files with at least ``text`` (and ``title``, ``date``, ``url``,
    ``publisher``, ``gold``), in name order."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{folder}: not a folder of corpus articles")
    files = sorted(root.glob("*.json"))
    if not files:
        raise InputError(f"{folder}: no *.json articles in it")
    entries = []
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise InputError(f"{f}: not a corpus article ({e})") from None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(f"{f}: not a corpus article (no 'text')")
        entries.append(CorpusEntry(name=f.stem, title=data.get("title"), text=data["text"], date=data.get("date"),
                                   url=data.get("url"), publisher=data.get("publisher"),
                                   gold=normalize_gold(data.get("gold"))))
    return entries


def to_article(entry: CorpusEntry):
    from briefing.ingest.core import from_text

    return from_text(entry.text, name=entry.name, title=entry.title, source=entry.publisher, url=entry.url,
                     date=entry.date)


# ---------------------------------------------------------------------------------------------------- metrics

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
            grounder = grounder or Grounder(Article(text=text), strict=False)
            if _stated_elsewhere(grounder, path, item):
                wrong_ids.append(path)
    unverified += [f"dropped_quotes[{i}]" for i in range(len(b.grounding.dropped_quotes))]
    total = verified + len(unverified)
    return {"verified": verified, "total": total, "share": ratio(verified, total), "unverified": unverified,
            "wrong_ids": wrong_ids}


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

    article = Article(text=b.article.text)
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
    return {"quotes": n, "shown": sum(r["shown"] for r in rows), "dropped": len(b.grounding.dropped_quotes),
            "verbatim": verbatim, "speaker_ok": speaker, "verbatim_share": ratio(verbatim, n),
            "speaker_share": ratio(speaker, n), "model_speaker_ok": by_model,
            "model_speaker_share": ratio(by_model, n),
            "reattributed": sum(1 for r in rows if r["model_speaker"] != r["speaker"]), "chosen": chosen,
            "rows": rows}


def _named_fields(ex: Extraction, dropped: list) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if ex.dateline.place:
        out.append(("dateline.place", ex.dateline.place))
    for i, a in enumerate(ex.actors):
        out.append((f"actors[{i}].name", a.name))
        if a.affiliation:
            out.append((f"actors[{i}].affiliation", a.affiliation))
    out += [(f"positions[{i}].party", p.party) for i, p in enumerate(ex.positions)]
    out += [(f"quotes[{i}].speaker", q.speaker) for i, q in enumerate(ex.quotes)]
    out += [(f"dropped_quotes[{i}].speaker", q.speaker) for i, q in enumerate(dropped)]
    for i, e in enumerate(ex.timeline):
        out += [(f"timeline[{i}].{k}", v) for k, v in (("who", e.who), ("recipient", e.recipient)) if v]
    return out


def title_case(text: str) -> bool:
    """'Several Dead After Tram Overturns': most words capitalised, so capitals there do not mark names."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) >= 0.75


def _free_texts(ex: Extraction) -> list[str]:
    return (([] if title_case(ex.headline) else [ex.headline]) + [ex.bottom_line.text]
            + [p.text for p in ex.key_points] + [p.text for p in ex.issues]
            + [o.text for o in ex.outlook] + [o.basis for o in ex.outlook] + [e.what for e in ex.timeline]
            + [a.stance or "" for a in ex.actors] + [a.role or "" for a in ex.actors]
            + [p.stance for p in ex.positions] + [q.text for q in ex.open_questions])


def is_name(value: str) -> bool:
    """Whether a field value is a proper name rather than a description: one word ('Iran'), or a capitalised word
    after the first ('Liam Lehane', 'the White House'); 'The shooter' and 'Tram driver' are descriptions."""
    words = re.findall(r"[A-Za-z][A-Za-z'.-]*", value)
    return len(words) == 1 or any(w[0].isupper() for w in words[1:])


def names_metric(b: Briefing) -> dict[str, Any]:
    text = b.article.text
    fields = [(p, n) for p, n in _named_fields(b.extraction, b.grounding.dropped_quotes) if is_name(n)]
    invented: dict[str, str] = {}
    for path, name in fields:
        if not name_in(name, text):
            invented.setdefault(name, path)
    for name in unknown_names(_free_texts(b.extraction), text):
        invented.setdefault(name, "free text")
    return {"checked_fields": len(fields), "count": len(invented),
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
            "coverage": coverage_metric(b, gold), "length": length_metric(b, pages), "cost": cost_metric(b)}


def summarize(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall figures: shares pooled over all items / quotes / Ws of the articles that were briefed."""
    done = [a["metrics"] for a in articles if a.get("metrics")]

    def total(section: str, key: str) -> int:
        return sum(m[section][key] for m in done)

    per_w = {}
    for w in W_KEYS:
        scored = [m["coverage"]["per_w"][w]["answered"] for m in done
                  if m["coverage"]["per_w"][w]["answered"] is not None]
        per_w[w] = {"answered": sum(scored), "with_gold": len(scored), "share": ratio(sum(scored), len(scored))}
    words = [m["length"]["words"] for m in done]
    paged = [m["length"]["one_page"] for m in done if m["length"]["one_page"] is not None]
    cost = {k: total("cost", k) for k in ("calls", "attempts", "prompt_tokens", "completion_tokens")}
    cost["seconds"] = round(sum(m["cost"]["seconds"] for m in done), 1)
    return {
        "articles": len(articles), "briefed": len(done), "failed": len(articles) - len(done),
        "grounding": {"verified": total("grounding", "verified"), "total": total("grounding", "total"),
                      "share": ratio(total("grounding", "verified"), total("grounding", "total")),
                      "wrong_ids": sum(len(m["grounding"].get("wrong_ids", [])) for m in done)},
        "quotes": {"quotes": total("quotes", "quotes"), "dropped": total("quotes", "dropped"),
                   "verbatim": total("quotes", "verbatim"), "speaker_ok": total("quotes", "speaker_ok"),
                   "verbatim_share": ratio(total("quotes", "verbatim"), total("quotes", "quotes")),
                   "speaker_share": ratio(total("quotes", "speaker_ok"), total("quotes", "quotes")),
                   "model_speaker_ok": total("quotes", "model_speaker_ok"),
                   "model_speaker_share": ratio(total("quotes", "model_speaker_ok"), total("quotes", "quotes")),
                   "reattributed": total("quotes", "reattributed"),
                   "chosen": total("quotes", "chosen")},
        "names": {"invented": total("names", "count"),
                  "articles_with_invented": sum(1 for m in done if m["names"]["count"])},
        "coverage": {"answered": total("coverage", "answered"), "with_gold": total("coverage", "with_gold"),
                     "share": ratio(total("coverage", "answered"), total("coverage", "with_gold")),
                     "strict": total("coverage", "strict"),
                     "strict_share": ratio(total("coverage", "strict"), total("coverage", "with_gold")),
                     "per_w": per_w},
        "length": {"mean_words": round(sum(words) / len(words), 1) if words else None,
                   "max_words": max(words) if words else None,
                   "one_page": sum(paged) if paged else None, "paged": len(paged)},
        "cost": cost,
    }


# ---------------------------------------------------------------------------------------------------- runner

BRIEFINGS = "briefings"
RECORDS = "articles"


def run(corpus: str | Path, out_dir: str | Path, settings, *, progress: Progress = lambda _: None,
        limit: int | None = None, use_cache: bool = True) -> dict[str, Any]:
    """Brief every corpus article with the configured model through the batch runner, save records and briefings
    under ``out_dir``, and return the report. An article that fails is recorded as failed and the run goes on. With
    ``use_cache``, the extraction cache answers articles briefed before with the same prompts and model (its cost
    figures are what the answer cost when it was made)."""
    from briefing.batch.run import run_batch
    from briefing.brief import Briefer
    from briefing.ingest.inputs import Input
    from briefing.output.write import write_atomic

    entries = load_corpus(corpus)[:limit]
    out = Path(out_dir)
    (out / RECORDS).mkdir(parents=True, exist_ok=True)
    cache = None
    if use_cache:
        from briefing.store.cache import Cache

        cache = Cache()
    items = [Input(id=e.name, origin=e.name, text=e.text,
                   meta={k: v for k, v in (("title", e.title), ("source", e.publisher), ("url", e.url),
                                           ("date", e.date)) if v}) for e in entries]
    with Briefer(settings, cache=cache, say=progress, cached_usage=True) as briefer:
        briefer.closing(cache)
        result = run_batch(items, briefer, out / BRIEFINGS, fmt="json", resume=False, quiet=False,
                           stream=_ProgressStream(progress))
    (out / BRIEFINGS / "manifest.jsonl").unlink(missing_ok=True)
    done = {r["id"]: r for r in result.records}
    for entry in entries:
        rec = done.get(entry.name, {})
        ok = rec.get("status") == "ok"
        record: dict[str, Any] = {"name": entry.name, "title": entry.title, "url": entry.url, "date": entry.date,
                                  "gold": entry.gold, "status": "ok" if ok else "failed",
                                  "error": None if ok else f"{rec.get('error_type', 'Error')}: {rec.get('error')}",
                                  "seconds": round(rec.get("seconds", 0.0), 1)}
        if not ok:
            (out / BRIEFINGS / f"{entry.name}.json").unlink(missing_ok=True)
        write_atomic(out / RECORDS / f"{entry.name}.json", json.dumps(record, indent=2, ensure_ascii=False))
    return report_from_dir(out, corpus=str(corpus), names=[e.name for e in entries])


class _ProgressStream:
    """The batch runner's per-article lines, sent to the eval's progress callback."""

    def __init__(self, progress: Progress):
        self.progress = progress

    def write(self, text: str) -> None:
        if text.strip():
            self.progress(text.rstrip("\n"))

    def flush(self) -> None:
        pass


def answer_of(b: Briefing) -> dict[str, Any]:
    """The model's answer as a saved briefing holds it: its extraction with the withheld quotes put back and each
    quote's speaker as the model named it, ready to be grounded again."""
    data = b.extraction.model_dump(mode="json")
    quotes = [q.model_dump(mode="json") for q in [*b.extraction.quotes, *b.grounding.dropped_quotes]
              if not q.chosen]
    for q in quotes:
        q["speaker"], q["model_speaker"] = q.get("model_speaker") or q["speaker"], None
    data["quotes"] = quotes
    return data


def reground_dir(folder: str | Path, out_dir: str | Path) -> list[str]:
    """Ground the model answers saved in ``folder`` again with the current grounding code and save the briefings
    (and records) in ``out_dir``: what a change to grounding does to the same answers, with no model. The briefing
    keeps its article and its meta (model, prompt hash, usage); evidence, flags and withheld quotes are new.
    Returns the names regrounded."""
    from briefing.text.article import Article
    from briefing.grounding.grounder import Grounder
    from briefing.output.write import write_atomic
    from briefing.brief import build

    src, out = Path(folder), Path(out_dir)
    (out / BRIEFINGS).mkdir(parents=True, exist_ok=True)
    (out / RECORDS).mkdir(parents=True, exist_ok=True)
    names = []
    for rec in sorted((src / RECORDS).glob("*.json")):
        if out.resolve() != src.resolve():
            write_atomic(out / RECORDS / rec.name, rec.read_text(encoding="utf-8"))
        bfile = src / BRIEFINGS / rec.name
        if not bfile.is_file():
            continue
        old = Briefing.model_validate_json(bfile.read_text(encoding="utf-8"))
        info = old.article
        article = Article.from_info(info)
        ex = Extraction.model_validate(answer_of(old), context={"check": Grounder(article, strict=False)})
        new = build(article, ex, sections=old.meta.sections or "full")
        new.meta = old.meta
        write_atomic(out / BRIEFINGS / bfile.name, new.model_dump_json(indent=2))
        names.append(rec.stem)
    return names


def report_from_dir(folder: str | Path, *, corpus: str | None = None, names: list[str] | None = None,
                    pages: PageCounter | None | bool = True) -> dict[str, Any]:
    """The report computed from the records and briefings saved in ``folder``; no model is called."""
    root = Path(folder)
    rec_dir = root / RECORDS
    files = sorted(rec_dir.glob("*.json")) if rec_dir.is_dir() else []
    if names is not None:
        files = [f for f in files if f.stem in set(names)]
    if not files:
        raise InputError(f"{folder}: no saved eval records ({RECORDS}/*.json); run `briefing eval CORPUS -o "
                         f"{folder}` first")
    counter = default_page_counter() if pages is True else (pages or None)
    articles = []
    for f in files:
        record = json.loads(f.read_text(encoding="utf-8"))
        record["gold"] = normalize_gold(record.get("gold"))
        record.update(metrics=None, headline=None, model=None, prompt_hash=None, sections=None, cached=False)
        for key in ("name", "title", "url", "date", "error", "seconds"):
            record.setdefault(key, f.stem if key == "name" else None)
        record.setdefault("status", "failed")
        bfile = root / BRIEFINGS / f"{f.stem}.json"
        if record.get("status") == "ok":
            if not bfile.is_file():
                record.update(status="failed", error=f"{BRIEFINGS}/{bfile.name} is missing")
            else:
                b = Briefing.model_validate_json(bfile.read_text(encoding="utf-8"))
                record["metrics"] = evaluate(b, record["gold"], pages=counter)
                record["headline"] = b.extraction.headline
                record["model"] = b.meta.model
                record["prompt_hash"] = b.meta.prompt_hash
                record["sections"] = b.meta.sections or "full"  # briefings from before profiles asked for all
                record["cached"] = bool((b.meta.model_extra or {}).get("cached"))
        articles.append(record)
    models = sorted({a["model"] for a in articles if a.get("model")})
    hashes = sorted({a["prompt_hash"] for a in articles if a.get("prompt_hash")})
    sections = sorted({a["sections"] for a in articles if a.get("sections")})
    return {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "corpus": corpus,
            "findings": "FINDINGS.md" if (root / "FINDINGS.md").is_file() else None,
            "models": models, "prompt_hashes": hashes, "sections": sections, "page_check": counter is not None,
            "rules": RULES,
            "overall": summarize(articles), "articles": articles}


def write_report(report: dict[str, Any], out_dir: str | Path) -> list[Path]:
    """``report.json`` and ``report.md`` in ``out_dir``."""
    from briefing.output.write import write_atomic

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [write_atomic(out / "report.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n"),
            write_atomic(out / "report.md", render_markdown(report))]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _yes(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "no")


def render_markdown(report: dict[str, Any]) -> str:
    import jinja2

    from briefing.resources import data_dir

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, autoescape=False)
    env.filters["pct"] = _pct
    env.filters["yes"] = _yes
    env.filters["cell"] = lambda s: re.sub(r"\s+", " ", str(s)).replace("|", "\\|")
    return env.get_template("eval.md.j2").render(r=report, o=report["overall"], W=W_KEYS)
