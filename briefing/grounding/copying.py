"""How much of a briefing's own text is the article's text: the longest run of words copied in a row.

A briefing is a synthesis, not an excerpt: the page flags a bottom line that copies a sentence of the article, and
``briefing eval`` reports the longest copied run of every briefing's body (words inside quotation marks, in the
briefing or the article, are quoting, not copying).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.grounding.match import WORD, normalize

#: A run that covers this share of one article sentence copies that sentence (the example's first bottom line
#: was its first sentence without ", a senior US official said on Thursday": 33 of 45 words) ...
COPIED_SENTENCE_SHARE = 0.6
#: ... when the run is at least this many words long (a short heading is not a sentence worth flagging).
COPIED_SENTENCE_MIN_WORDS = 12

#: The longest run of words a briefing's own text may copy from the article outside quotation marks (#15).
MAX_COPIED_RUN = 25

_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’")


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(normalize(text))]


@dataclass(frozen=True)
class Run:
    """The longest run of a text's words that stands in the source in the same order."""

    words: int
    text: str
    #: The 1-based id of the source sentence the run lies in, when it copies that sentence
    #: (:data:`COPIED_SENTENCE_SHARE` of its words), else None.
    sentence: int | None = None


def longest_run(text: str, source_words: list[str]) -> tuple[int, int]:
    """(length, start in ``text``'s words) of the longest run of ``text``'s words found consecutively in
    ``source_words``; parts of ``text`` inside quotation marks never count."""
    best = (0, 0)
    for part in _QUOTED.split(text):
        words = _words(part)
        offset = len(_words(text[:text.find(part)])) if part else 0
        prev = [0] * (len(source_words) + 1)
        for i, w in enumerate(words):
            cur = [0] * (len(source_words) + 1)
            for j, s in enumerate(source_words):
                if w == s:
                    cur[j + 1] = prev[j] + 1
                    if cur[j + 1] > best[0]:
                        best = (cur[j + 1], offset + i - cur[j + 1] + 1)
            prev = cur
    return best


def copied_run(text: str, sentences: list[str]) -> Run:
    """The longest run of ``text`` copied from the article (given as its sentences, outside their quotation
    marks), and the sentence it copies, if it copies one."""
    best = Run(0, "")
    for sid, sentence in enumerate(sentences, start=1):
        outside = _QUOTED.sub(" \u2026 ", normalize(sentence))  # an article's quote is not its own prose
        n, start = longest_run(text, _words(outside))
        if n > best.words:
            copied = sid if n >= COPIED_SENTENCE_MIN_WORDS and \
                n >= COPIED_SENTENCE_SHARE * len(_words(outside)) else None
            best = Run(n, " ".join(_words(text)[start:start + n]), copied)
    return best
