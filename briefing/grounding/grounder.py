"""Checking a briefing against its article: evidence spans, verbatim quotes, attribution and names.

Matching is tolerant of curly vs straight quotes, dash variants, ellipses and whitespace, but every stored span is
the exact slice of the source: ``article.text[span.start:span.end] == span.text``.

A :class:`Grounder` runs inside pydantic validation (see ``Extraction._check_against_article``). In ``strict``
mode it raises on hard failures (cited sentences that do not exist, quotes not in the article, a quote put in the
wrong mouth) so the model is re-asked with those failures named; otherwise it marks items and moves dropped quotes
aside, so the briefing says plainly what it could not support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from briefing.text.article import Article
from briefing.schema import Actor, Cited, Dateline, Event, Extraction, Grounding, Item, Outlook, Position, Quote, Span

_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ",
}
_QUOTE_CHARS = "\"'"
_STOP = set("""a an the and or but of to in on at for from by with as is are was were be been being it its this that
these those he she they we you i his her their our them him us not no nor so than then there here which who whom
whose what when where why how all any both each few more most other some such only own same too very can will just
should would could may might must shall do does did has have had having said says say also about into over after
before between during under again further once up down out off per via while because if until against""".split())
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")
_ATTRIBUTION = re.compile(r"\b(said|says|say|saying|told|tells|according to|added|adds|adding|stated|states|"
                          r"replied|declared|wrote|writes|insisted|noted|asked|explained|warned|stressed)\b", re.I)
_ANONYMOUS = re.compile(r"\b(official|officials|source|sources|spokes\w*|aide|diplomat|person|people|"
                        r"anonym\w*|unnamed|senior|embassy|ministry|statement)\b", re.I)
_PRONOUN = re.compile(r"\b(he|she|they|it)\s+(said|says|added|told|replied|stated)\b|"
                      r"\b(said|says|added|replied)\s+(he|she|they)\b", re.I)


# ---------------------------------------------------------------------------------------------------- matching

class NormalizedText:
    """A normalized copy of a text with a map back to the original offsets."""

    def __init__(self, text: str):
        self.original = text
        chars: list[str] = []
        index: list[int] = []
        prev_space = True
        for i, ch in enumerate(text):
            rep = _CHAR_MAP.get(ch, ch)
            if rep.isspace():
                if prev_space:
                    continue
                rep, prev_space = " ", True
            else:
                prev_space = False
            for r in rep:
                chars.append(r)
                index.append(i)
        self.text = "".join(chars)
        self.index = index

    def span(self, n_start: int, n_end: int) -> Span:
        start = self.index[n_start]
        end = self.index[n_end - 1] + 1
        return Span(text=self.original[start:end], start=start, end=end)


def normalize(text: str) -> str:
    return NormalizedText(text).text.strip()


def _clean_needle(text: str) -> str:
    """Normalize a model's quote: drop wrapping quote marks and the punctuation a quote tends to carry."""
    n = normalize(text)
    n = n.strip(_QUOTE_CHARS + " ")
    n = n.rstrip(",;:")
    return n.strip(_QUOTE_CHARS + " ")


def _find(hay: str, needle: str, start: int = 0, end: int | None = None) -> int:
    """Find needle in hay[start:end]; the first letter may differ in case (a quote opening mid-sentence)."""
    pos = hay.find(needle, start, end)
    if pos >= 0 or not needle:
        return pos
    alt = needle[0].swapcase() + needle[1:]
    return hay.find(alt, start, end)


def locate(article_text: str | NormalizedText, needle: str, *, max_segments: int = 3,
           max_gap: int = 120) -> list[Span]:
    """Spans of the article that together hold ``needle`` verbatim (up to the tolerances), or ``[]``.

    A quote interrupted in the source ('"A," he said, "B."') or shortened with an ellipsis matches as several
    spans in order, each at least three words long, separated by at most ``max_gap`` characters.
    """
    norm = article_text if isinstance(article_text, NormalizedText) else NormalizedText(article_text)
    hay = norm.text
    n = _clean_needle(needle)
    if not n:
        return []
    for candidate in (n, n.rstrip(".!?")):
        pos = _find(hay, candidate)
        if candidate and pos >= 0:
            return [norm.span(pos, pos + len(candidate))]
    # Segment-wise: split at ellipses, then greedily by words.
    parts = [p.strip(" ,") for p in re.split(r"\s*\.\.\.\s*", n) if p.strip(" ,")]
    spans: list[Span] = []
    pos, first = 0, True
    for part in parts:
        words = part.split(" ")
        while words:
            found = None
            for k in range(len(words), 0, -1):
                seg = " ".join(words[:k]).strip(" ,\"'")
                if k < min(3, len(words)) or not seg:
                    break
                limit = None if first else pos + max_gap + len(seg)
                at = _find(hay, seg, pos, limit)
                if at >= 0:
                    found = (at, seg, k)
                    break
            if found is None:
                return []
            at, seg, k = found
            spans.append(norm.span(at, at + len(seg)))
            pos, first = at + len(seg), False
            words = words[k:]
            if len(spans) > max_segments:
                return []
    return spans


# ---------------------------------------------------------------------------------------------------- names

def content_words(text: str) -> list[str]:
    return [w.lower().strip("'-") for w in _WORD.findall(normalize(text)) if w.lower() not in _STOP and len(w) > 1]


def name_in(name: str, text: str) -> bool:
    """Whether a name (or an alias: any of its distinctive words) occurs in text, as whole words."""
    hay = normalize(text).lower()
    tokens = [t for t in _WORD.findall(normalize(name)) if len(t) > 2 and t.lower() not in _STOP]
    if not tokens:
        return True
    for t in tokens:
        stem = re.escape(t.lower().rstrip("'s"))
        if re.search(rf"\b{stem}", hay):
            return True
    return False


_CAPS = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)")


def unknown_names(texts: list[str], article: str) -> list[str]:
    """Capitalised names in the briefing's free text that do not occur in the article (aliases allowed)."""
    found: dict[str, None] = {}
    for t in texts:
        for m in _CAPS.finditer(t or ""):
            cand = m.group(1)
            if cand.lower() in _STOP:
                continue
            if not name_in(cand, article):
                found.setdefault(cand, None)
    return list(found)


# ---------------------------------------------------------------------------------------------------- checks

_INSTITUTION_WORDS = {"white", "house", "state", "department", "ministry", "foreign", "embassy", "us", "american",
                      "chinese", "british", "russian", "government", "administration", "national", "security"}


def is_anonymous(speaker: str) -> bool:
    """'a senior US official', 'the spokesperson': an unnamed speaker (no personal name among its words)."""
    proper = [t for t in _WORD.findall(speaker)
              if t[0].isupper() and any(c.islower() for c in t) and t.lower() not in _INSTITUTION_WORDS
              and not _ANONYMOUS.fullmatch(t)]
    return bool(_ANONYMOUS.search(speaker)) and not proper


def _speaker_in(speaker: str, text: str) -> bool:
    if is_anonymous(speaker):
        cues = {m.lower() for m in _ANONYMOUS.findall(speaker)} - {"senior"}
        return any(re.search(rf"\b{re.escape(c)}", text, re.I) for c in cues or {"official"})
    return name_in(speaker, text)


def _opens(text: str, i: int) -> bool:
    """A straight quotation mark at ``i`` opens a quote: it follows a space, a bracket or the start."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "(["


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Offsets of the text inside quotation marks, double or single, merged and sorted."""
    spans = sorted(_double_quoted(text) + _single_quoted(text))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _single_quoted(text: str) -> list[tuple[int, int]]:
    """Single quotation marks ('like this', ‘like this’), as some papers quote. An apostrophe between letters
    (Trump's, China’s) is not a mark; a quote does not run past its paragraph."""
    regions: list[tuple[int, int]] = []
    start: int | None = None
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch == "\n":
            start = None
        elif ch in "‘'" and start is None and (prev.isspace() or prev in "([—-\"“") and not nxt.isspace():
            start = i + 1
        elif ch in "’'" and start is not None and not prev.isspace() and not nxt.isalnum():
            regions.append((start, i))
            start = None
    return regions


def _double_quoted(text: str) -> list[tuple[int, int]]:
    """Curly and guillemet marks say which way they face; a straight mark opens after a space or the start of a
    paragraph (before a word) and closes after a word. A quote left open ends at the end of its paragraph, or where
    the next quote opens (a text whose paragraph breaks were lost: wire style reopens each paragraph of a long
    quote and closes only the last); a closing mark with no opening one closes a region from the start of its
    paragraph or the last mark before it, whichever is later."""
    regions: list[tuple[int, int]] = []
    start: int | None = None
    floor = 0  # where an unopened quote may begin: the paragraph's start or just after the last mark
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch == "\n":
            if start is not None:
                regions.append((start, i))
                start = None
            floor = i + 1
        elif ch in "“«" or (ch == '"' and _opens(text, i) and not nxt.isspace()):
            if start is not None:
                regions.append((start, i))
            start = floor = i + 1
        elif ch in "”»" or ch == '"':
            regions.append((floor if start is None else start, i))
            start, floor = None, i + 1
    if start is not None:
        regions.append((start, len(text)))
    return regions


def quoted_share(regions: list[tuple[int, int]], span: Span) -> float:
    """The share of a span's characters that lie inside quotation marks."""
    inside = sum(max(0, min(span.end, e) - max(span.start, s)) for s, e in regions)
    return inside / max(1, span.end - span.start)


def _starts_quoted(regions: list[tuple[int, int]], span: Span) -> bool:
    """The span begins inside quotation marks (not with the attribution before them)."""
    return any(s <= span.start < e for s, e in regions)


_NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|del|da|van|von|bin|al-\w+)"
#: A personal or institutional name: capitalised words, optionally after a title ("Mr Smith", "Lee Yarker").
_NAME = r"(?:(?:Mr|Mrs|Ms|Dr|Prof|Sir|Lord|Lady)\.? )?[A-Z][\w'’.-]*(?: " + _NAME_WORD + r"){0,4}"
_VERB = (r"(?:said|says|told|tells|added|adds|stated|states|replied|declared|wrote|writes|insisted|noted|"
         r"explained|warned|stressed)")
#: "Lee Yarker, who bought one of the new bars, said", "Rizzo added", "said Rizzo", "according to Mr Smith",
#: "the official replied", "a police spokesman said".
_ROLE = (r"(?:[Tt]he|[Aa]n?) (?:[\w'’-]+ ){0,3}?(?:official|spokes(?:man|woman|person)|source|diplomat|aide|"
         r"witness|resident|minister|police|officer|statement|embassy|ministry|government|office|department|"
         r"agency|company|firm|group|council|committee)s?(?: (?:in|of|at|for) " + _NAME + r")?")
_SPEAKER_BEFORE = re.compile(rf"(?P<who>{_NAME}(?: (?:of|from|at) {_NAME})?|{_ROLE})(?:, [^,]{{1,100}},)? "
                             rf"{_VERB}\b")
#: After the verb only right after a quote (blanked to spaces: '"…," said Rizzo'): in 'the official said Sullivan
#: and Wang did not …' the name is what was said, and in 'told Reuters' it is who heard it.
_SPEAKER_AFTER = re.compile(rf"(?:(?:^|\s{{2}}),?\s*(?:said|says|added|adds|replied|wrote|writes)|\baccording to) "
                            rf"(?P<who>{_NAME}|{_ROLE})")
_NOT_NAMES = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|Yesterday|"
                        r"It|He|She|They|We|I|This|That|There|But|And|The|A|An|In|On|At|When|After)\b")


def _speakers(text: str) -> list[tuple[int, str]]:
    """Who the attributions in ``text`` (quotes already blanked out) name, with where each attribution stands."""
    found: list[tuple[int, str]] = []
    for pattern in (_SPEAKER_BEFORE, _SPEAKER_AFTER):
        for m in pattern.finditer(text):
            who = m.group("who").strip(" .")
            if re.search(r"\b(?:in|of|at|for|from|with|by|to|on)\s*$", text[:m.start("who")]):
                continue  # 'the embassy in Washington said': a place in the speaker's description
            if _NOT_NAMES.fullmatch(who.split(" ")[0]) and not re.fullmatch(_ROLE, who):
                continue
            found.append((m.start("who"), who))
    return sorted(found)


@lru_cache(maxsize=8)
def _regions_of(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`quoted_regions`, computed once per article text (every quote's attribution reads them)."""
    return tuple(quoted_regions(text))


def _outside(article: Article, regions: tuple[tuple[int, int], ...], j: int) -> str:
    """Sentence ``j`` with the words inside quotation marks (and the marks) blanked out, offsets kept."""
    sent = article.sentences[j]
    chars = list(sent.text)
    for s, e in regions:
        for k in range(max(s - 1, sent.start), min(e + 1, sent.end)):
            chars[k - sent.start] = " "
    return "".join(chars)


def _reading_order(article: Article, spans: list[Span]) -> list[tuple[str, int | None]]:
    """Where the attribution of a quote may stand, in the order it is read: the sentence where its quotation
    marks open (with the quote's offset in it), the sentence where they close (a quote of several sentences is
    attributed after its end: '"… Louder!" said another.'), then the sentences just before, then just after;
    each with the quoted words blanked."""
    if not spans:
        return []
    sents = article.sentences

    def sentence_at(offset: int) -> int | None:
        return next((i for i, s in enumerate(sents) if s.start <= offset < s.end), None)

    regions = _regions_of(article.text)
    region = next(((s, e) for s, e in regions if s <= spans[0].start < e), None)
    opens = sentence_at(region[0] if region else spans[0].start)
    if opens is None:
        return []
    closes = sentence_at(max(region[1] - 1, region[0])) if region else opens
    order = [(opens, (region[0] if region else spans[0].start) - sents[opens].start)]
    if closes is not None and closes != opens:
        order.append((closes, region[1] - sents[closes].start))
    last = closes if closes is not None else opens
    order += [(opens - 1, None), (opens - 2, None), (last + 1, -1)]
    return [(_outside(article, regions, j), at) for j, at in order if 0 <= j < len(sents)]


def _nearest(named: list[tuple[int, str]], at: int | None) -> str:
    """The attribution nearest the quote: in its own sentence by distance, before it the last, after it the
    first."""
    if at is None:
        return named[-1][1]
    if at < 0:
        return named[0][1]
    return min(named, key=lambda n: abs(n[0] - at))[1]


def _same_speaker(speaker: str, who: str) -> bool:
    """Whether an attribution's ``who`` ('Rizzo', 'the official') names ``speaker``."""
    if is_anonymous(speaker) or re.fullmatch(_ROLE, who):
        return _speaker_in(speaker, who)
    return name_in(speaker, who) and name_in(who, speaker)


def attribution_ok(article: Article, spans: list[Span], speaker: str) -> bool:
    """Whether the article attributes the quoted words to ``speaker`` near where they stand.

    The words outside quotation marks in the sentence holding the quote are read first: an attribution there
    ('Rizzo added:', 'said the official') decides, by the one nearest the quote; with none the tool can read, the
    speaker named there (by name, alias, or as the same anonymous 'official') confirms it, and another attribution
    verb refutes it. A pronoun ('he said', 'it said') or no attribution sends the check to the sentences just
    before, then just after.
    """
    for text, at in _reading_order(article, spans):
        named = _speakers(text)
        if named:
            return _same_speaker(speaker, _nearest(named, at))
        if _speaker_in(speaker, text):
            return True
        if _ATTRIBUTION.search(text) and not _PRONOUN.search(text):
            return False
    return False


def attributed_speaker(article: Article, spans: list[Span], known: list[str] = ()) -> str | None:
    """Whom the article credits with the quoted words: the attribution :func:`attribution_ok` reads, when it names
    someone. A name the briefing already uses (``known``: its actors and speakers) is preferred in the briefing's
    spelling ('Anthony Rizzo' for 'Rizzo'). ``None`` when no attribution the tool can read names anyone."""
    for text, at in _reading_order(article, spans):
        named = _speakers(text)
        if named:
            who = _nearest(named, at)
            fuller = [k for k in known if k and not is_anonymous(k) and name_in(who, k) and name_in(k, who)]
            return max(fuller, key=len) if fuller else who
        if _ATTRIBUTION.search(text) and not _PRONOUN.search(text):
            return None
    return None


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
#: A wire dateline at the start of a sentence: "WASHINGTON, May 11 (Portal) –", "KYIV, Ukraine (AP) —",
#: "VIENNA (Reuters) -", "LONDON —". The place is in capitals; a date, an agency or a dash must follow it.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2})?)"
    r"(?:, (?P<date>" + _MONTH + r" \d{1,2}(?:, \d{4})?))?"
    r"(?= ?\((?P<agency>[^)]{1,40})\) ?[-–—]| ?[-–—]{1,2} )")


def find_dateline(article: Article, max_sentences: int = 3) -> Dateline:
    """The dateline the article's text opens with, found by the tool (models invented places and copied the
    metadata date); empty when the text has none."""
    for sentence in article.sentences[:max_sentences]:
        m = _DATELINE.match(sentence.text)
        if not m:
            continue
        spans = [Span(text=m.group(g), start=sentence.start + m.start(g), end=sentence.start + m.end(g))
                 for g in ("place", "date") if m.group(g)]
        return Dateline(place=m.group("place"), date=m.group("date"), evidence=spans, supported=True)
    return Dateline(place=None, date=None)


@dataclass
class Grounder:
    """The check that runs inside validation. Keep one per article; it is cheap to call repeatedly."""

    article: Article
    strict: bool = True
    min_overlap: float = 0.5
    relocate_overlap: float = 0.6
    failures: list[str] = field(default_factory=list)
    known_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._norm = NormalizedText(self.article.text)
        self._quoted = _regions_of(self.article.text)
        self._sentence_words = [normalize(s.text).lower() for s in self.article.sentences]

    # -- per item
    def _overlap(self, words: set[str], sentence_ids: list[int]) -> float:
        """Share of the claim's content words found in the given sentences."""
        if not words:
            return 1.0
        text = " ".join(self._sentence_words[i - 1] for i in sentence_ids)
        return sum(1 for w in words if re.search(rf"\b{re.escape(w)}", text)) / len(words)

    def _locate_claim(self, words: set[str]) -> list[int]:
        """The sentence (or two) of the article that best state a claim, if they state enough of it."""
        n = len(self.article.sentences)
        scored = sorted(((self._overlap(words, [i]), i) for i in range(1, n + 1)), reverse=True)
        if not scored:
            return []
        best, first = scored[0]
        if best >= self.relocate_overlap:
            return [first]
        if len(scored) > 1:
            pair = sorted([first, scored[1][1]])
            if self._overlap(words, pair) >= self.relocate_overlap:
                return pair
        return []

    def _cited(self, path: str, item: Cited) -> list[str]:
        n = len(self.article.sentences)
        valid = [sid for sid in dict.fromkeys(item.ev) if 1 <= sid <= n]
        invalid = [sid for sid in dict.fromkeys(item.ev) if not 1 <= sid <= n]
        words = set(content_words(_claim_text(item)))
        item.located = False
        ids = valid
        problems: list[str] = []
        if invalid or not valid or self._overlap(words, valid) < self.min_overlap:
            found = self._locate_claim(words) if words else []
            if found:
                ids, item.located = found, True  # the model cited the wrong sentences; the article states it here
            elif invalid:
                problems.append(f"cites sentence [{invalid[0]}] but the article has sentences [1]..[{n}]")
            else:
                problems.append(f"cited sentences {list(item.ev)} do not state it")
        item.evidence = [Span(text=s.text, start=s.start, end=s.end)
                         for s in (self.article.sentence(i) for i in ids) if s is not None]
        if isinstance(item, Actor) and not name_in(item.name, self.article.text):
            problems.append(f"'{item.name}' is not named in the article")
        if isinstance(item, Event):
            _check_type(item)
        if isinstance(item, Outlook) and not problems and \
                not _FORWARD.search(" ".join(span.text for span in item.evidence)):
            problems.append("the cited sentences do not say that this is expected, planned or under way")
        return problems

    def _quote(self, item: Quote) -> list[str]:
        spans = self._trim_attribution(locate(self._norm, item.text))
        item.evidence = spans
        if not spans:
            return [f"quote is not verbatim in the article: \"{item.text[:80]}\""]
        if any(quoted_share(self._quoted, sp) < 0.8 or not _starts_quoted(self._quoted, sp) for sp in spans):
            return [f"\"{item.text[:60]}\" is not inside quotation marks in the article"]
        if attribution_ok(self.article, spans, item.speaker):
            return []
        who = attributed_speaker(self.article, spans, self.known_names)
        if who and attribution_ok(self.article, spans, who):
            item.model_speaker = item.model_speaker or item.speaker  # the article names someone else: say so
            item.speaker = who
            return []
        return [f"the article does not attribute \"{item.text[:60]}\" to {item.speaker}"]

    def _trim_attribution(self, spans: list[Span]) -> list[Span]:
        """A quote copied with its attribution ('Lee Yarker said: "Fair enough …"') keeps only the words inside
        the quotation marks, when at least three words are."""
        text = self.article.text
        while len(spans) > 1 and quoted_share(self._quoted, spans[0]) == 0 and \
                sum(len(sp.text.split()) for sp in spans[1:]) >= 3:
            spans = spans[1:]  # a segment wholly outside the marks: the attribution, matched apart
        if not spans or _starts_quoted(self._quoted, spans[0]):
            return spans
        first = spans[0]
        for s, e in self._quoted:
            if first.start < s < first.end and len(text[s:first.end].split()) >= 3:
                end = min(first.end, e) if e >= first.end - 2 else first.end
                cut = text[s:end].rstrip(" ,;:\"'”’")
                return [Span(text=cut, start=s, end=s + len(cut))] + spans[1:]
        return spans

    def _dateline(self, item: Dateline) -> list[str]:
        """Place and date must come from the article: verbatim, or part by part ('Seattle, Washington'), or
        from its metadata (the publication date the prompt gave)."""
        problems, spans = [], []
        meta = " ".join(filter(None, [self.article.title, self.article.date, self.article.source]))
        for value in (item.place, item.date):
            if not value:
                continue
            found = locate(self._norm, value, max_segments=1)
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if found:
                spans.extend(found)
            elif value in meta:
                continue
            elif parts and all(name_in(p, self.article.text) or name_in(p, meta) for p in parts):
                spans.extend(sp for p in parts for sp in locate(self._norm, p, max_segments=1)[:1])
            else:
                problems.append(f"'{value}' does not occur in the article")
        item.evidence = spans
        return problems

    def check_item(self, path: str, item: Item) -> list[str]:
        if isinstance(item, Quote):
            return self._quote(item)
        if isinstance(item, Dateline):
            return self._dateline(item)
        if isinstance(item, Cited):
            return self._cited(path, item)
        return []

    # -- whole extraction
    def __call__(self, ex: Extraction) -> None:
        ex.dateline = find_dateline(self.article)
        self.known_names = [a.name for a in ex.actors] + [q.speaker for q in ex.quotes]
        hard: list[str] = []
        for path, item in ex.items():
            if isinstance(item, Dateline) and not (item.place or item.date):
                item.supported, item.problems = None, []
                continue
            problems = self.check_item(path, item)
            item.problems = problems
            item.supported = not problems
            if problems and _is_hard(item, problems):
                hard.extend(f"{path}: {p}" for p in problems)
        self.failures = hard
        if self.strict and hard:
            raise ValueError("Grounding failed; fix these items using only the numbered article sentences:\n- "
                             + "\n- ".join(hard))


#: Words without which an event is not of a PLOVER type. The 1.5B model typed nearly every event PROTEST (a tram
#: crash, a rescue, a baseball game's innings); a PROTEST must show one of these in its text or its sentences.
TYPE_CUES = {"PROTEST": re.compile(r"\b((?i:protest\w*|demonstrat\w*|rall(?:y|ies|ied)|strik(?:e|es|ing)|"
                                   r"boycott\w*|sit-ins?|picket\w*|riot\w*|march(?:es|ed|ing))|march)\b")}


#: What makes a sentence about the future or about something still going on. An outlook item must rest on such a
#: sentence: the 1.5B model filled the outlook with past facts and inventions ("Cleveland Indians will play again
#: in the World Series", resting on the sentence that the Cubs won) that word overlap alone passed.
_FORWARD = re.compile(
    r"\b(will|would|shall|should|may|might|could|can|must|expect\w*|plan\w*|intend\w*|aim\w*|hope\w*|seek\w*|"
    r"want\w*|prepar\w*|schedul\w*|upcoming|next|future|later|soon|ahead|await\w*|pending|going to|set to|"
    r"likely|unlikely|possib\w*|forecast\w*|predict\w*|warn\w*|vow\w*|pledg\w*|promis\w*|threat\w*|"
    r"consider\w*|weigh\w*|propos\w*|agree\w* to|decide\w* to|commit\w*|still|continu\w*|ongoing|"
    r"under ?way|trying|try|tries|remain\w*)\b"
    r"|'ll\b|’ll\b", re.I)


def _check_type(event: Event) -> None:
    """Remove a PLOVER type that neither the event nor its evidence shows a sign of; keep the model's in
    ``model_type`` (the event itself stays, untyped, as for an accident)."""
    if event.type is None and event.model_type is not None:
        event.type = event.model_type  # a briefing grounded again: judge the model's type afresh
    cue = TYPE_CUES.get(event.type or "")
    if cue is None:
        return
    text = " ".join([event.what, *(span.text for span in event.evidence)])
    if not cue.search(text):  # "march" only in lower case: "March" is a month
        event.model_type, event.type = event.type, None
    else:
        event.model_type = None


def _claim_text(item: Item) -> str:
    if isinstance(item, Actor):
        return " ".join(filter(None, [item.name, item.role]))
    if isinstance(item, Position):
        return item.party + " " + item.stance
    if isinstance(item, Event):
        return item.what
    return getattr(item, "text", "")


def _is_hard(item: Item, problems: list[str]) -> bool:
    """Failures worth a re-ask: invented sentence ids and quotes that are not in the article or misattributed."""
    return isinstance(item, Quote) or any(p.startswith("cites sentence") for p in problems)


def article_quotes(article: Article, *, known: list[str] = (), limit: int = 2, min_words: int = 8) -> list[Quote]:
    """Quotes the tool can take from the article itself: words inside quotation marks (at least ``min_words``)
    whose attribution names a speaker, in the article's order, one per speaker first; at most ``limit``."""
    picked: list[Quote] = []
    later: list[Quote] = []
    for s, e in _regions_of(article.text):
        text = article.text[s:e].strip().rstrip(" ,;:")
        start = s + (len(article.text[s:e]) - len(article.text[s:e].lstrip()))
        if len(text.split()) < min_words:
            continue
        spans = [Span(text=text, start=start, end=start + len(text))]
        who = attributed_speaker(article, spans, known)
        if not who or not attribution_ok(article, spans, who):
            continue
        quote = Quote(speaker=who, text=text, evidence=spans, supported=True, chosen=True)
        (later if any(q.speaker == who for q in picked) else picked).append(quote)
    return (picked + later)[:limit]


def finalize(ex: Extraction, article: Article) -> Grounding:
    """Summarise a checked extraction: move failed quotes aside, count support, flag unknown names. When no quote
    of the model's can be shown, the tool shows some the article attributes (:func:`article_quotes`), marked
    ``chosen`` and left out of the figure."""
    kept, dropped = [], []
    for q in ex.quotes:
        if not q.chosen:  # a briefing read back: the tool's own picks are made again below
            (kept if q.supported else dropped).append(q)
    ex.quotes = kept
    items = [(p, i) for p, i in ex.items() if i.supported is not None]
    unsupported = [p for p, i in items if not i.supported]
    names = [a.name for a in ex.actors] + [a.affiliation or "" for a in ex.actors] + \
        [p.party for p in ex.positions] + [q.speaker for q in ex.quotes] + [e.who or "" for e in ex.timeline] + \
        [e.recipient or "" for e in ex.timeline]
    # Not the headline: its title case makes every word look like a name.
    free = [ex.bottom_line.text] + [p.text for p in ex.key_points] + [p.text for p in ex.issues] + \
        [o.text for o in ex.outlook] + [e.what for e in ex.timeline] + [a.stance or "" for a in ex.actors] + \
        [p.stance for p in ex.positions]
    unknown = [n for n in dict.fromkeys(names) if n and not name_in(n, article.text)]
    unknown += [n for n in unknown_names(free, article.text) if n not in unknown]
    if not kept:
        ex.quotes = article_quotes(article, known=[a.name for a in ex.actors])
    return Grounding(supported=len(items) - len(unsupported), total=len(items) + len(dropped),
                     unsupported=unsupported, dropped_quotes=dropped, unknown_names=unknown)
