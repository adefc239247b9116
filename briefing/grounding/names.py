"""Name heuristics: whether a name occurs in a text (aliases allowed), capitalised names a text uses that the
article does not contain, which names of a briefing the article does not contain (read by each field's declared
:class:`~briefing.roles.Role`), and unnamed speakers ('a senior US official')."""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefing.grounding.match import WORD, normalize
from briefing.roles import Role
from briefing.text.lexicon import ANONYMOUS, INSTITUTION_WORDS, STOP_WORDS


def name_in(name: str, text: str) -> bool:
    """Whether a name (or an alias: any of its distinctive words) occurs in text, as whole words."""
    hay = normalize(text).lower()
    tokens = [t for t in WORD.findall(normalize(name)) if len(t) > 2 and t.lower() not in STOP_WORDS]
    if not tokens:
        return True
    for t in tokens:
        stem = re.escape(t.lower().rstrip("'s"))
        if re.search(rf"\b{stem}", hay):
            return True
    return False


#: A run of capitalised words not at the start of a sentence or clause ("Joe Biden", "Trump Tower").
CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)")


def unknown_names(texts: list[str], article: str) -> list[str]:
    """Capitalised names in the briefing's free text that do not occur in the article (aliases allowed)."""
    found: dict[str, None] = {}
    for t in texts:
        for m in CAPITALISED.finditer(t or ""):
            cand = m.group(1)
            if cand.lower() in STOP_WORDS:
                continue
            if not name_in(cand, article):
                found.setdefault(cand, None)
    return list(found)


def is_name(value: str) -> bool:
    """Whether a field value is a proper name rather than a description: one word ('Iran'), or a capitalised word
    after the first ('Liam Lehane', 'the White House'); 'The shooter' and 'Tram driver' are descriptions."""
    words = re.findall(r"[A-Za-z][A-Za-z'.-]*", value)
    return len(words) == 1 or any(w[0].isupper() for w in words[1:])


def title_case(text: str) -> bool:
    """'Several Dead After Tram Overturns': most words capitalised, so capitals there do not mark names."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) >= 0.75


#: The roles whose text is read for capitalised names (a headline unless it is in title case).
_READ_FOR_NAMES = (Role.TEXT, Role.TITLE, Role.HEADLINE)


def names_not_in(fields: Iterable[tuple[str, Role, str]], article: str) -> dict[str, str]:
    """The names among ``fields`` (``(path, role, value)`` as :func:`briefing.roles.fields_by_role` yields) that
    the article does not contain, each with where it first stands: first the :attr:`Role.NAME` fields that are
    names (:func:`is_name`) and that :func:`name_in` does not find, then capitalised names in free text, titles and
    a headline not in title case that :func:`unknown_names` does not find (``"free text"``)."""
    fields = list(fields)
    found: dict[str, str] = {}
    for path, role, value in fields:
        if role is Role.NAME and is_name(value) and not name_in(value, article):
            found.setdefault(value, path)
    texts = [v for _, role, v in fields
             if role in _READ_FOR_NAMES and not (role is Role.HEADLINE and title_case(v))]
    for name in unknown_names(texts, article):
        found.setdefault(name, "free text")
    return found


def is_anonymous(speaker: str) -> bool:
    """'a senior US official', 'the spokesperson': an unnamed speaker (no personal name among its words)."""
    proper = [t for t in WORD.findall(speaker)
              if t[0].isupper() and any(c.islower() for c in t) and t.lower() not in INSTITUTION_WORDS
              and not ANONYMOUS.fullmatch(t)]
    return bool(ANONYMOUS.search(speaker)) and not proper


def speaker_in(speaker: str, text: str) -> bool:
    """Whether ``text`` names ``speaker``: by name or alias, or, for an unnamed speaker, by the same kind of word
    ('official', 'sources')."""
    if is_anonymous(speaker):
        cues = {m.lower() for m in ANONYMOUS.findall(speaker)} - {"senior"}
        return any(re.search(rf"\b{re.escape(c)}", text, re.I) for c in cues or {"official"})
    return name_in(speaker, text)
