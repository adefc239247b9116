"""An eval corpus: JSON articles with ``text`` and Giveme5W1H ``gold`` answers, loaded and their gold normalised."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import InputError

#: The questions the gold answers (Giveme5W1H).
W_KEYS = ("who", "what", "when", "where", "why", "how")


@dataclass
class CorpusEntry:
    name: str
    title: str | None
    text: str
    date: str | None
    url: str | None
    publisher: str | None
    gold: dict[str, list[str]]


def normalize_gold(gold: Any) -> dict[str, list[str]]:
    """Gold answers per W as a list of non-empty strings (a string, a list of strings, or a list of
    ``{"text": ...}`` entries; an absent W is an empty list)."""
    out: dict[str, list[str]] = {}
    gold = gold if isinstance(gold, dict) else {}
    for w in W_KEYS:
        value = gold.get(w)
        values = value if isinstance(value, list) else [value]
        answers = []
        for v in values:
            if isinstance(v, dict):
                v = v.get("text")
            if isinstance(v, str) and v.strip():
                answers.append(v.strip())
        out[w] = answers
    return out


def load_corpus(folder: str | Path) -> list[CorpusEntry]:
    """The articles of a corpus folder: ``*.json`` files with at least ``text`` (and ``title``, ``date``, ``url``,
    ``publisher``, ``gold``), in name order."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{folder}: not a folder of corpus articles")
    files = sorted(root.glob("*.json"))
    if not files:
        raise InputError(f"{folder}: no *.json articles in it")
    entries = []
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise InputError(f"{f}: not a corpus article ({e})") from None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(f"{f}: not a corpus article (no 'text')")
        entries.append(CorpusEntry(name=f.stem, title=data.get("title"), text=data["text"], date=data.get("date"),
                                   url=data.get("url"), publisher=data.get("publisher"),
                                   gold=normalize_gold(data.get("gold"))))
    return entries


def to_article(entry: CorpusEntry):
    from briefing.ingest.core import from_text

    return from_text(entry.text, name=entry.name, title=entry.title, source=entry.publisher, url=entry.url,
                     date=entry.date)
