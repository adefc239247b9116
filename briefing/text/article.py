"""An article as the pipeline sees it: its text, its metadata, and its numbered sentences with offsets.

Sentences are what the model cites (``[n]``), so evidence offsets come by construction:
``article.text[s.start:s.end] == s.text`` for every sentence ``s``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

#: The sentence split the model's ``[n]`` ids refer to. A saved briefing records the one its answer was given
#: over (:attr:`briefing.schema.ArticleInfo.split`), so that grounding its answer again maps the ids to the same
#: sentences after the split improves. 1: stops and line breaks only; 2: also where run-on captions meet
#: (:data:`_GLUED`).
SPLIT_VERSION = 2

# Abbreviations after which a period does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gen", "col", "lt", "sgt", "capt", "gov", "pres", "st", "jr",
    "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "approx", "est", "dept", "fig",
}
# German months after an ordinal day ("WIEN, 14. März", "am 3. Oktober"): the day's period ends no sentence.
_GERMAN_MONTHS = {"januar", "jänner", "februar", "feber", "märz", "april", "mai", "juni", "juli", "august",
                  "september", "oktober", "november", "dezember"}
# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_PARA = re.compile(r"\n\s*\n|\n(?=\s*[A-Z“\"])")
# Words that open a sentence and are seldom capitalised inside one; followed by a lower-case word they start a new
# sentence even with no full stop before them. Web pages lose the stops of their photo captions and embedded posts
# when their text is extracted ("... to reduce the weight of the popular treat The move has resulted in ..."), so
# without this one "sentence" runs on over several captions and is cited, and checked, as one.
_OPENERS = ("The", "A", "An", "It", "He", "She", "They", "We", "This", "That", "These", "Those", "His", "Her",
            "Their", "Its", "There", "Many", "Some", "One", "Two", "Three", "Hundreds", "Dozens", "Thousands",
            "Scores", "Other")
# Where a run-on caption ends: two or more spaces between words, a lower-case word or a number followed by an
# opener and a lower-case word, or a page's furniture ("Scroll down for video").
_GLUED = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)"
                    r"|(?<=[a-z0-9%])[ \t](?=(?:" + "|".join(_OPENERS) + r")[ \t][a-z])"
                    r"|(?<=\bScroll down for video)[ \t]+(?=\S)")


@dataclass(frozen=True)
class Sentence:
    id: int
    start: int
    end: int
    text: str


@dataclass
class Article:
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    date: str | None = None  # ISO reference date for relative dates, when known
    language: str | None = None
    split: int = SPLIT_VERSION  #: the sentence split (:data:`SPLIT_VERSION`); a saved answer's own for a reground
    meta: dict = field(default_factory=dict)

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text, self.split)

    @cached_property
    def addressed_to_model(self) -> list[int]:
        """Ids of the sentences that address an AI model (prompt injection): never evidence for anything."""
        from briefing.text.addressed import addressed_ids

        return addressed_ids(self.sentences)

    def numbered(self) -> str:
        """The article as the model reads it: one ``[n] sentence`` per line."""
        return "\n".join(f"[{s.id}] {s.text}" for s in self.sentences)

    def sentence(self, sid: int) -> Sentence | None:
        return self.sentences[sid - 1] if 1 <= sid <= len(self.sentences) else None

    @property
    def words(self) -> int:
        return len(self.text.split())

    #: The fields a briefing stores about its article (:class:`briefing.schema.ArticleInfo`).
    INFO_FIELDS: ClassVar[tuple[str, ...]] = ("text", "title", "source", "url", "author", "date", "language",
                                              "split")

    def info(self) -> Any:
        """The article as a briefing stores it (:class:`~briefing.schema.ArticleInfo`)."""
        from briefing.schema import ArticleInfo

        return ArticleInfo(**{k: getattr(self, k) for k in self.INFO_FIELDS})

    @classmethod
    def from_info(cls, info: Any) -> "Article":
        """The article back from a briefing's stored :class:`~briefing.schema.ArticleInfo` (or a dict of it)."""
        data = info if isinstance(info, dict) else info.model_dump()
        return cls(**{k: data.get(k) for k in cls.INFO_FIELDS if k in data})


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph-ish blocks: split on blank lines and on line breaks before a capital or opening quote."""
    out, pos = [], 0
    for m in _PARA.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _is_abbrev(block: str, dot_at: int) -> bool:
    m = re.search(r"([A-Za-z][A-Za-z.]*)$", block[:dot_at])
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREV:
        return True
    # Single capital initials ("J. Smith") do not end sentences.
    return len(word) == 1 and block[dot_at - 1].isupper()


def _ordinal_date(block: str, dot_at: int, nxt: str) -> bool:
    """A German ordinal day before a month: "14. März", "1. Januar 2024"."""
    if m := re.search(r"(?<![\d.])\d{1,2}$", block[:dot_at]):
        word = re.match(r"\w+", nxt)
        return bool(word) and 1 <= int(m.group()) <= 31 and word.group().lower() in _GERMAN_MONTHS
    return False


def _unglued(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence span cut where run-on captions meet (:data:`_GLUED`); one span when there is no such place."""
    out = []
    for m in _GLUED.finditer(text, start, end):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, end))
    return out


def split_sentences(text: str, version: int = SPLIT_VERSION) -> list[Sentence]:
    """Split text into sentences with exact offsets; whitespace between sentences belongs to none. ``version``
    (:data:`SPLIT_VERSION`) is the split to use: an older one gives the sentences an older answer's ids meant."""
    if not 1 <= version <= SPLIT_VERSION:
        raise ValueError(f"unknown sentence split {version!r}")
    spans: list[tuple[int, int]] = []
    for b0, b1 in _blocks(text):
        block = text[b0:b1]
        start = 0
        for m in _END.finditer(block):
            if block[m.start()] == "." and _is_abbrev(block, m.start()):
                continue
            nxt = block[m.end():].lstrip()
            if block[m.start()] == "." and _ordinal_date(block, m.start(), nxt):
                continue
            if nxt and nxt[0].islower():
                continue  # '... said the official. he ...' is rare; a lower-case start is usually not a new sentence
            spans.append((b0 + start, b0 + m.end()))
            start = m.end()
        spans.append((b0 + start, b1))
    if version >= 2:
        spans = [piece for span in spans for piece in _unglued(text, *span)]
    out: list[Sentence] = []
    for s, e in spans:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        s, e = s + lead, e - trail
        if e > s:
            out.append(Sentence(id=len(out) + 1, start=s, end=e, text=text[s:e]))
    return out
