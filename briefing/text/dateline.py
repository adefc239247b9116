"""The dateline a wire article's text opens with ("VIENNA, May 3 (Reuters) -"), read by the tool: models invented
places and copied the metadata date. An article without one gets the place and time its opening sentences give
for the event ("in a rural village of Hebei Province", "at around 11am local time on Sunday"), verbatim."""

from __future__ import annotations

import re

from briefing.schema import Dateline, Span, max_length
from briefing.text.article import Article
from briefing.text.lexicon import MONTH, PLACE_ADJECTIVES, PLACE_NOUNS, WEEKDAY

#: "14. März", "1. Januar 2024": a German wire dateline's date (#18).
GERMAN_DATE = (r"\d{1,2}\. (?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|"
               r"Dezember)(?: \d{4})?")

#: A wire dateline at the start of a sentence: "WASHINGTON, May 11 (Portal) –", "KYIV, Ukraine (AP) —",
#: "VIENNA (Reuters) -", "LONDON —". The place is in capitals; a date, an agency or a dash must follow it.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+){0,2})?)"
    r"(?:, (?P<date>" + MONTH + r" \d{1,2}(?:, \d{4})?|" + GERMAN_DATE + r"))?"
    r"(?= ?\((?P<agency>[^)]{1,40})\) ?[-–—]| ?[-–—]{1,2} )")


def find_dateline(article: Article, max_sentences: int = 3) -> Dateline:
    """The dateline the article's text opens with, found by the tool (models invented places and copied the
    metadata date); empty when the text has none."""
    for sentence in article.sentences[:max_sentences]:
        if sentence.id in article.addressed_to_model:
            continue  # never evidence (#18)
        m = _DATELINE.match(sentence.text)
        if not m:
            continue
        spans = [Span(text=m.group(g), start=sentence.start + m.start(g), end=sentence.start + m.end(g))
                 for g in ("place", "date") if m.group(g)]
        return Dateline(place=m.group("place"), date=m.group("date"), evidence=spans, supported=True)
    return opening_setting(article, max_sentences)


_CAP = r"[A-Z][\w'’-]+"  # not 'A': a caption's next sentence ("Seattle A gunman …")
_NAME = rf"{_CAP}(?:\s+{_CAP}){{0,3}}"
_KIND = "|".join(sorted(PLACE_NOUNS, key=len, reverse=True))
#: A place as a lead gives it: a preposition, then at most four lower-case words ("a rural village of"), a name
#: and the kind of place it names ("the Sandilands commuter train stop"), and the larger place it lies in ("Trump
#: Tower in New York", "Croydon, south London").
_PLACE = re.compile(rf"\b(?:in|at|near|outside|off)\s+((?:(?:the|a|an)\s+)?(?:[a-z][\w-]*\s+){{0,4}}?{_NAME}"
                    rf"(?:(?:\s+[a-z][\w-]*){{0,2}}\s+(?:{_KIND})\b)?"
                    rf"(?:\s+(?:in|of)\s+(?:the\s+)?{_NAME})?(?:,\s+{_NAME})?)")
#: A time as a lead gives it: a clock time ("at about 6.15 a.m.", "at around 11am local time on Sunday") or a day
#: ("on Wednesday night").
_TIME = re.compile(rf"\b((?:at\s+)?(?:around\s+|about\s+)?\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm|a\.m\.|p\.m\.)"
                   rf"(?:\s+local time)?(?:\s+on\s+{WEEKDAY}(?:\s+(?:night|morning|evening|afternoon))?)?|"
                   rf"(?:on\s+)?(?:early\s+|late\s+)?{WEEKDAY}(?:\s+(?:night|morning|evening|afternoon))?)")
_NOT_PLACES = re.compile(rf"\b(?:{WEEKDAY}|{MONTH})\b")


def _a_place(phrase: str) -> bool:
    """A phrase that names a place: no month or weekday in it, and its lower-case words, if any, name a place."""
    if _NOT_PLACES.search(phrase):
        return False
    lower = [w.strip(",") for w in phrase.split() if w[0].islower() and w not in ("the", "a", "an", "of", "in")]
    return not lower or any(w in PLACE_NOUNS or w in PLACE_ADJECTIVES for w in lower)


def opening_setting(article: Article, max_sentences: int = 3) -> Dateline:
    """The place and time the article's opening sentences give (no wire dateline): the most specific place phrase
    (most names and place nouns; the first of equals) and the first time phrase, each a verbatim span, the
    preposition left out ("a rural village of Hebei Province", "around 11am local time on Sunday"). Not a claim
    of the model: shown, with ``supported`` left None."""
    found: dict[str, list[Span]] = {"place": [], "date": []}
    for sentence in article.sentences[:max_sentences]:
        if sentence.id in article.addressed_to_model:
            continue
        for field, pattern in (("place", _PLACE), ("date", _TIME)):
            for m in pattern.finditer(sentence.text):
                text = re.sub(r"^(?:at|on|in)\s+", "", m.group(1).rstrip(", "))
                start = sentence.start + m.start(1) + m.group(1).index(text)
                if (field == "date" or _a_place(text)) and len(text) <= max_length(Dateline, field):
                    found[field].append(Span(text=text, start=start, end=start + len(text)))
    place = max(found["place"], default=None,  # max keeps the first of equals
                key=lambda sp: sum(w[0].isupper() or w in PLACE_NOUNS for w in sp.text.split()))
    when = next(iter(found["date"]), None)
    if not (place or when):
        return Dateline(place=None, date=None)
    return Dateline(place=place.text if place else None, date=when.text if when else None,
                    evidence=[sp for sp in (place, when) if sp], opening=True)
