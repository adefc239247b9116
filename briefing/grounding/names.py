"""Name heuristics: whether a name occurs in a text (aliases allowed), capitalised names a text uses that the
article does not contain, and unnamed speakers ('a senior US official')."""

from __future__ import annotations

import re

from briefing.grounding.match import WORD, normalize
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


_CAPS = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)")


def unknown_names(texts: list[str], article: str) -> list[str]:
    """Capitalised names in the briefing's free text that do not occur in the article (aliases allowed)."""
    found: dict[str, None] = {}
    for t in texts:
        for m in _CAPS.finditer(t or ""):
            cand = m.group(1)
            if cand.lower() in STOP_WORDS:
                continue
            if not name_in(cand, article):
                found.setdefault(cand, None)
    return list(found)


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
