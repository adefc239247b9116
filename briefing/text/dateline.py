"""The dateline a wire article's text opens with ("VIENNA, May 3 (Reuters) -"), read by the tool: models invented
places and copied the metadata date."""

from __future__ import annotations

import re

from briefing.schema import Dateline, Span
from briefing.text.article import Article
from briefing.text.lexicon import MONTH

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
    return Dateline(place=None, date=None)
