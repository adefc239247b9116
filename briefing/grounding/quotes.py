"""Quotations in the article: the regions inside quotation marks, and whom the article's attributions credit
with the words there ("Rizzo added:", "said the official", "he said" looking back)."""

from __future__ import annotations

import re
from functools import lru_cache

from briefing.grounding.names import is_anonymous, name_in, speaker_in
from briefing.schema import Span
from briefing.text.article import Article
from briefing.text.lexicon import (ATTRIBUTION, NAME_PARTICLES, NOT_NAMES, PRONOUN_ATTRIBUTION, SPEAKER_NOUNS,
                                   SPEECH_VERBS, SPEECH_VERBS_AFTER, TITLES)


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
        elif ch == "“" and start is not None and text[start - 1] == "„":
            regions.append((start, i))  # German „…“: this mark closes (#18)
            start, floor = None, i + 1
        elif ch in "“«„" or (ch == '"' and _opens(text, i) and not nxt.isspace()):
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


def starts_quoted(regions: list[tuple[int, int]], span: Span) -> bool:
    """The span begins inside quotation marks (not with the attribution before them)."""
    return any(s <= span.start < e for s, e in regions)


_NAME_WORD = r"(?:[A-Z][\w'’.-]*|" + NAME_PARTICLES + r")"
#: A personal or institutional name: capitalised words, optionally after a title ("Mr Smith", "Lee Yarker").
_NAME = r"(?:" + TITLES + r"\.? )?[A-Z][\w'’.-]*(?: " + _NAME_WORD + r"){0,4}"
_VERB = SPEECH_VERBS
#: "Lee Yarker, who bought one of the new bars, said", "Rizzo added", "said Rizzo", "according to Mr Smith",
#: "the official replied", "a police spokesman said".
_ROLE = r"(?:[Tt]he|[Aa]n?) (?:[\w'’-]+ ){0,3}?" + SPEAKER_NOUNS + r"s?(?: (?:in|of|at|for) " + _NAME + r")?"
_SPEAKER_BEFORE = re.compile(rf"(?P<who>{_NAME}(?: (?:of|from|at) {_NAME})?|{_ROLE})(?:, [^,]{{1,100}},)? "
                             rf"{_VERB}\b")
#: After the verb only right after a quote (blanked to spaces: '"…," said Rizzo'): in 'the official said Sullivan
#: and Wang did not …' the name is what was said, and in 'told Reuters' it is who heard it.
_SPEAKER_AFTER = re.compile(rf"(?:(?:^|\s{{2}}),?\s*{SPEECH_VERBS_AFTER}|\baccording to) "
                            rf"(?P<who>{_NAME}|{_ROLE})")


def _speakers(text: str) -> list[tuple[int, str, int, int]]:
    """Who the attributions in ``text`` (quotes already blanked out) name: where the name stands, the name, and
    where the whole attribution (name and verb) starts and ends."""
    found: list[tuple[int, str, int, int]] = []
    for pattern in (_SPEAKER_BEFORE, _SPEAKER_AFTER):
        for m in pattern.finditer(text):
            who = m.group("who").strip(" .")
            if re.search(r"\b(?:in|of|at|for|from|with|by|to|on)\s*$", text[:m.start("who")]):
                continue  # 'the embassy in Washington said': a place in the speaker's description
            if NOT_NAMES.fullmatch(who.split(" ")[0]) and not re.fullmatch(_ROLE, who):
                continue
            found.append((m.start("who"), who, m.start(), m.end()))
    return sorted(found)


@lru_cache(maxsize=8)
def regions_of(text: str) -> tuple[tuple[int, int], ...]:
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


def _reading_order(article: Article, spans: list[Span]) -> list[tuple[str, tuple[int, int] | int | None]]:
    """Where the attribution of a quote may stand, in the order it is read: the sentence where its quotation
    marks open (with the quote's offset in it), the sentence where they close (a quote of several sentences is
    attributed after its end: '"… Louder!" said another.'), then the sentences just before, then just after;
    each with the quoted words blanked, and with where the quote stands in it (start and end offsets) for its own
    sentences, ``None`` for one before, ``-1`` for one after."""
    if not spans:
        return []
    sents = article.sentences

    def sentence_at(offset: int) -> int | None:
        return next((i for i, s in enumerate(sents) if s.start <= offset < s.end), None)

    regions = regions_of(article.text)
    region = next(((s, e) for s, e in regions if s <= spans[0].start < e), None)
    opens = sentence_at(region[0] if region else spans[0].start)
    if opens is None:
        return []
    closes = sentence_at(max(region[1] - 1, region[0])) if region else opens
    q0, q1 = region if region else (spans[0].start, spans[-1].end)
    order = [(opens, (q0 - sents[opens].start, min(q1, sents[opens].end) - sents[opens].start))]
    if closes is not None and closes != opens:
        order.append((closes, (0, q1 - sents[closes].start)))
    last = closes if closes is not None else opens
    order += [(opens - 1, None), (opens - 2, None), (last + 1, -1)]
    out = [(_outside(article, regions, j), at) for j, at in order if 0 <= j < len(sents)]
    # the sentence after a quote attributes it ('" … ," Merner said.'), unless it opens a quote of its own with a
    # colon ('Rizzo added: "It's the best game …"'): that attribution is the next quote's
    return [(text, at) for text, at in out if not (at == -1 and _introduces_next(text))]


def _introduces_next(text: str) -> bool:
    """A sentence (quoted words blanked) that begins with an attribution ending in a colon before a quote."""
    head = re.split(r"\s{2,}", text.strip(), maxsplit=1)[0]
    return head.endswith(":")


#: At most this many characters (not counting spaces) between the end of a quote and an attribution after it in
#: its sentence: "'…,' said Rizzo", "'…', Lady Gaga wrote on Instagram". Farther on, the attribution is of
#: something else: in a page's run-on captions "'Sometimes you just have to …', referring to Donald Trump's …
#: comments in leaked Access Hollywood tapes Lovato swiftly deleted the tweet … supporters including Lena Dunham,
#: Miley Cyrus and Amy Schumer, said they will leave" does not make the quote Lena Dunham's. An attribution before
#: a quote may stand farther from it ("Daniel Russel … said communication … has been historically important and
#: today “appears to be …”").
_NEXT_AFTER = 30


def _nearest(named: list[tuple[int, str, int, int]], at: tuple[int, int] | int | None, text: str) -> str | None:
    """The attribution nearest the quote in ``text``: in its own sentence the one fewest characters away (one after
    the quote only when it is next to it, :data:`_NEXT_AFTER`; ``None`` when there is none, or when it is a
    pronoun's), in a sentence before it the last, in one after it the first."""
    if at is None:
        return named[-1][1]
    if at == -1:
        return named[0][1]
    q0, q1 = at

    def gap(n: tuple[int, str, int, int]) -> tuple[int, bool]:
        """Characters between the attribution and the quote, and whether it stands after the quote; another quote
        between them (its words blanked to spaces) puts the attribution out of reach."""
        after = n[2] >= q1
        between = (text[n[3]:q0] if n[3] <= q0 else text[q1:n[2]] if after else "").strip()
        return len(between.replace(" ", "")) + (_NEXT_AFTER + 1) * ("   " in between), after

    pronouns = [(m.start(), "", m.start(), m.end()) for m in PRONOUN_ATTRIBUTION.finditer(text)]
    close = [(chars, n[1]) for n in named + pronouns for chars, after in [gap(n)]
             if not (after and chars > _NEXT_AFTER)]
    # a pronoun next to the quote ("'…,' they said") is the attribution, and it names no one here
    return (min(close, key=lambda c: c[0])[1] or None) if close else None


def _colon_before(text: str, at: tuple[int, int] | int | None) -> bool:
    """Whether, in the quote's own sentence, a colon introduces the quote ("…, joking: '…'") after words that are
    not a pronoun's attribution ("It said in a statement: '…'" goes on from the sentence before)."""
    return (isinstance(at, tuple) and text[:at[0]].rstrip().endswith(":")
            and not PRONOUN_ATTRIBUTION.search(text[:at[0]]))


def _same_speaker(speaker: str, who: str) -> bool:
    """Whether an attribution's ``who`` ('Rizzo', 'the official') names ``speaker``."""
    if is_anonymous(speaker) or re.fullmatch(_ROLE, who):
        return speaker_in(speaker, who)
    return name_in(speaker, who) and name_in(who, speaker)


def attribution_ok(article: Article, spans: list[Span], speaker: str) -> bool:
    """Whether the article attributes the quoted words to ``speaker`` near where they stand.

    The words outside quotation marks in the sentence holding the quote are read first: an attribution there
    ('Rizzo added:', 'said the official') decides, by the one next to the quote; with none the tool can read, the
    speaker named there (by name, alias, or as the same anonymous 'official') confirms it, and another attribution
    verb refutes it. A pronoun ('he said', 'it said') or no attribution sends the check to the sentences just
    before, then just after.
    """
    for text, at in _reading_order(article, spans):
        named = _speakers(text)
        if who := _nearest(named, at, text) if named else None:
            return _same_speaker(speaker, who)
        if speaker_in(speaker, text):
            return True
        if ATTRIBUTION.search(text) and not PRONOUN_ATTRIBUTION.search(text):
            return False
    return False


def attributed_speaker(article: Article, spans: list[Span], known: list[str] = ()) -> str | None:
    """Whom the article credits with the quoted words: the attribution :func:`attribution_ok` reads, when it names
    someone. A name the briefing already uses (``known``: its actors and speakers) is preferred in the briefing's
    spelling ('Anthony Rizzo' for 'Rizzo'). ``None`` when no attribution the tool can read names anyone."""
    for text, at in _reading_order(article, spans):
        named = _speakers(text)
        if who := _nearest(named, at, text) if named else None:
            fuller = [k for k in known if k and not is_anonymous(k) and _spelled_as_name(k)
                      and _every_word_in(who, k)]
            return max(fuller, key=len) if fuller else who
        if named or _colon_before(text, at) or (ATTRIBUTION.search(text) and not PRONOUN_ATTRIBUTION.search(text)):
            # its own speakers, none next to the quote; "Mick Jagger reacted on Twitter, joking: '…'" (the sentence
            # introduces its quote itself, in words the tool cannot read); or an attribution it cannot read
            return None
    return None


def _every_word_in(who: str, name: str) -> bool:
    """Whether every word of an attribution's ``who`` stands in ``name``: 'Anthony Rizzo' spells out 'Rizzo', but
    'Dorota Rynkiewicz' does not spell out 'Kasia Rynkiewicz' (her sister-in-law, in the Standard's report)."""
    words = {w.lower() for w in re.findall(r"[\w'’.-]+", name)}
    return all(w.lower() in words for w in re.findall(r"[\w'’.-]+", who))


def _spelled_as_name(text: str) -> bool:
    """Whether a known name is a proper name, every word capitalised but its particles ('Anna de Vries'): only
    such a name is a fuller spelling of the speaker ('Anthony Rizzo' for 'Rizzo'), not 'Toblerone chocolate bar
    fans' for 'Toblerone'."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’.-]*", text)]
    return bool(words) and all(w[0].isupper() or re.fullmatch(NAME_PARTICLES, w) for w in words)
