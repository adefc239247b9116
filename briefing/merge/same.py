"""When two items state the same thing, judged on their words: names without titles ("Wang Yi", "Mr Wang"),
quotes by their words, facts by their content words with numbers left out (so that "5 dead" and "7 dead" are one
fact whose figures conflict)."""

from __future__ import annotations

import re

from briefing.schema import Actor, Event, Item, Position, Quote
from briefing.text.lexicon import MERGE_COMMON_WORDS, NAME_TITLE_WORDS

#: Share of content words two texts must have in common (of the shorter text) to state the same fact, and at least
#: how many: "The boy fell down a 40m dry well in Hebei province" and "Zhao Zicong fell into a 40-metre-deep well in
#: Hebei Province" share fell, well, Hebei, province (4 of 8); "Rescuers used 60 excavators" and "80 diggers were
#: sent" share none.
SAME_FACT = 0.5
SAME_FACT_WORDS = 3
#: Share of three-word runs two quotes must share (of the shorter quote) to be the same quote.
SAME_QUOTE = 0.6

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")


def words(text: str | None) -> list[str]:
    """Lower-case words of ``text`` (numbers included)."""
    return [w.lower().strip("'’-") for w in _WORD.findall(text or "")]


def _stem(w: str) -> str:
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w[:7]


def content(text: str | None) -> set[str]:
    """The stems of the words that carry a text's meaning, numbers left out."""
    return {_stem(w) for w in words(text) if w not in MERGE_COMMON_WORDS and not w[0].isdigit() and len(w) > 1}


def same_words(a: str | None, b: str | None) -> bool:
    """Whether two claims state the same fact by their content words (:data:`SAME_FACT`, :data:`SAME_FACT_WORDS`)."""
    ca, cb = content(a), content(b)
    return len(ca & cb) >= min(SAME_FACT_WORDS, len(ca), len(cb)) and overlap(ca, cb) >= SAME_FACT


def overlap(a: set[str], b: set[str]) -> float:
    """Shared share of the smaller set (1.0 when one contains the other)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def name_key(name: str) -> list[str]:
    """A name's words without honorifics and titles: "Mr Wang Yi" → ["wang", "yi"]."""
    return [w for w in words(name) if w not in NAME_TITLE_WORDS] or words(name)


def same_name(a: str, b: str) -> bool:
    """"Wang Yi" and "Wang"; "Joe Biden" and "President Biden"; not "Joe Biden" and "Hunter Biden"."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    if len(short) == 1:  # a bare surname (or a one-word body) matches the full name's last or first word
        return short[0] in (long_[-1], long_[0])
    return short == long_[-len(short):] or short == long_[:len(short)]


def _trigrams(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + 3]) for i in range(max(1, len(w) - 2))} if w else set()


def same_quote(a: str, b: str) -> bool:
    wa, wb = " ".join(words(a)), " ".join(words(b))
    if not wa or not wb:
        return False
    if wa in wb or wb in wa:
        return True
    ta, tb = _trigrams(a), _trigrams(b)
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= SAME_QUOTE


# ------------------------------------------------------------------------------------------------ sameness

def _fact_text(item: Item) -> str:
    if isinstance(item, Actor):
        return item.name
    if isinstance(item, Position):
        return item.stance
    if isinstance(item, Event):
        return item.what
    return getattr(item, "text", "")


def same_item(a: Item, b: Item) -> bool:
    """Whether ``a`` and ``b`` (of one section) state the same thing."""
    if isinstance(a, Actor) and isinstance(b, Actor):
        return same_name(a.name, b.name)
    if isinstance(a, Quote) and isinstance(b, Quote):
        return same_quote(a.text, b.text)
    if isinstance(a, Position) and isinstance(b, Position):
        return same_name(a.party, b.party) and same_words(a.stance, b.stance)
    if isinstance(a, Event) and isinstance(b, Event):
        if a.iso and b.iso and a.iso != b.iso and overlap(content(a.what), content(b.what)) < 0.9:
            return False
        return same_words(a.what, b.what)
    return same_words(_fact_text(a), _fact_text(b))
