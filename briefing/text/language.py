"""The language an article is written in, for the briefing's default language (``--language`` not given).

A count of very common words is enough to tell the languages a newsroom sees apart; anything unclear is English.
An article's own metadata (an HTML ``lang``, a front-matter or JSONL ``language``) comes first.
"""

from __future__ import annotations

import re

_COMMON = {
    "English": "the and of to in is that for on with said was were by from has have it at as",
    "German": "der die das und ist nicht mit von den dem des ein eine sich auf für im zu sagte wurde werden auch",
    "French": "le la les et des est une dans pour que qui pas sur au avec du sont par a été",
    "Spanish": "el la los las y que en del por con una para es se no lo al fue han dijo",
    "Italian": "il lo la gli le e che di della per con una non sono del nel è ha stato ai",
    "Portuguese": "o os as e que de da do em uma para com não por ao foi são dos das disse",
    "Dutch": "de het een en van is dat op te niet met voor zijn zij aan bij heeft werd",
}
_WORDS = {lang: set(words.split()) for lang, words in _COMMON.items()}
_CODES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
          "nl": "Dutch"}


def from_code(code: str | None) -> str | None:
    """``de``, ``de-AT`` or ``German`` → ``German``; None for a code this module does not know."""
    if not code:
        return None
    code = code.strip()
    if code.title() in _WORDS:
        return code.title()
    return _CODES.get(code.lower().split("-")[0].split("_")[0])


def detect(text: str, declared: str | None = None) -> str:
    """The article's language by name (``English``, ``German`` …): its declared one, else the language whose common
    words it uses most (ties and unclear texts: English)."""
    known = from_code(declared)
    if known:
        return known
    words = re.findall(r"[^\W\d_]+", text.lower())[:2000]
    scores = {lang: sum(w in common for w in words) for lang, common in _WORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "English"))
    return best if scores[best] > scores["English"] * 1.2 and scores[best] >= 5 else "English"
