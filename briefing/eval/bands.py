"""The eval's figures by the length of the source article: long articles are briefed in one call with a context
sized to them, and these bands show whether grounding and 5W1H coverage hold up with length."""

from __future__ import annotations

from typing import Any, Callable

#: (label, lowest word count, highest) of each band of source-article length.
BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under 1,000 words", 0, 999), ("1,000–1,999 words", 1000, 1999), ("2,000–4,999 words", 2000, 4999),
    ("5,000 words and more", 5000, None))


def by_length(articles: list[dict[str, Any]], summarize: Callable[[list[dict[str, Any]]], dict[str, Any]]
              ) -> list[dict[str, Any]]:
    """``summarize`` (the report's pooled figures) over the articles of each band that has any; an article's
    length is its ``source_words``."""
    out = []
    for label, low, high in BANDS:
        members = [a for a in articles if a.get("source_words") is not None
                   and low <= a["source_words"] and (high is None or a["source_words"] <= high)]
        if members:
            o = summarize(members)
            out.append({"band": label, "articles": len(members), "briefed": o["briefed"],
                        "grounding": o["grounding"], "coverage": o["coverage"], "cost": o["cost"]})
    return out
