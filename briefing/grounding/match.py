"""Finding a model's words in the article: normalisation, content words, and :func:`locate` (exact spans).

Matching is tolerant of curly vs straight quotes, dash variants, ellipses and whitespace, but every span it returns
is the exact slice of the source: ``article.text[span.start:span.end] == span.text``.
"""

from __future__ import annotations

import re

from briefing.schema import Span
from briefing.text.lexicon import STOP_WORDS

_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ",
}
_QUOTE_CHARS = "\"'"
#: A word, as names and content words are read.
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")


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


def content_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` that carry content (no stop words, no single letters)."""
    return [w.lower().strip("'-") for w in WORD.findall(normalize(text))
            if w.lower() not in STOP_WORDS and len(w) > 1]


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


def stem(word: str) -> str:
    """A word's stem as the checks compare words: lower case, without "'s" and a plain inflection (-ing, -ed,
    -es, -s) where four letters remain ("derailed" → "derail")."""
    w = word.lower().removesuffix("'s").strip("'-")
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def has_word(word: str, text_stems: set[str], text: str) -> bool:
    """Whether a text has the word or an inflection of it ("continue" in "continuing", "Derails" in "derailed",
    "rising" in "a rise")."""
    base = stem(word)
    if base in text_stems or re.search(rf"\b{re.escape(base)}", text):
        return True
    w = word.lower()
    if w.endswith(("ing", "ed")) and len(w) >= 5:  # "rising" for "rise", "stopped" for "stop", "saved" for "save"
        bare = w[:-3] if w.endswith("ing") else w[:-2]
        forms = {bare + "e", bare[:-1] if len(bare) > 2 and bare[-1] == bare[-2] else bare}
        if any(len(f) >= 3 and re.search(rf"\b{re.escape(f)}(?:e|es|s|ed|ing)?\b", text) for f in forms):
            return True
    if w.endswith(("tion", "sion")) and len(w) >= 9 and re.search(rf"\b{re.escape(w[:-4])}", text):
        return True  # the deed for its noun: "reduction" in "to reduce", "investigation" in "investigating"
    if w.startswith("un") and len(w) >= 6 and re.search(rf"(?:\bnot|n't|\bnever)\s+(?:\w+\s+)?{re.escape(w[2:])}\b",
                                                        text):
        return True  # "unhappy" for "aren't happy"
    root = base[:max(5, len(base) - 2)]
    return len(base) >= 6 and bool(re.search(rf"\b{re.escape(root)}", text))
