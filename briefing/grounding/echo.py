"""Items that repeat the prompt's example answer instead of the article.

The system prompt shows the model one answer for another article (``prompts/_example.j2``: a dock strike in
Rotterdam). A small model lost in a long prompt sometimes hands parts of it back: "Hutchison Ports: Higher costs
could mean higher fees" and "Ship backlog clears" in a report on Lady Gaga's protest. Such an item says nothing of
the article, so it is left out of the page, and the grounding names it (:attr:`~briefing.schema.Grounding.echoed`).
An item echoes the example when one of its names is a name of the example that the article does not contain
("FNV union"), or when it says, unsupported, what an item of the example says.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from briefing.grounding.match import content_words
from briefing.resources import data_dir, prompt_env
from briefing.roles import Role, fields_by_role
from briefing.schema import EchoedItem, Extraction, claim_text, leave_out
from briefing.sections import NAMES


@lru_cache(maxsize=1)
def example_answer() -> dict:
    """The example answer of the system prompt with every section, as the model is shown it."""
    rendered = prompt_env(str(data_dir("prompts"))).get_template("_example.j2").render(sections=list(NAMES))
    line = next(ln for ln in rendered.splitlines() if ln.startswith("{"))
    return json.loads(line)


@lru_cache(maxsize=1)
def _example() -> Extraction:
    return Extraction.model_validate(example_answer())


@lru_cache(maxsize=1)
def example_names() -> frozenset[str]:
    """The names the example answer gives, read by the roles the schema declares ("Anna de Vries", "Hutchison
    Ports", "FNV union")."""
    return frozenset(value for _, role, value in fields_by_role(_example()) if role is Role.NAME)


@lru_cache(maxsize=1)
def example_sayings() -> frozenset[frozenset[str]]:
    """What the example answer's items claim in their own words, each as its set of content words."""
    said = (content_words(claim_text(item)) for _, item in _example().items())
    return frozenset(frozenset(words) for words in said if words)


def _named(name: str, text: str) -> bool:
    """Whether the text holds one of the name's capitalised words ("FNV", "Hutchison"), as a whole word: a
    union the article speaks of is not the FNV union."""
    return any(re.search(rf"\b{re.escape(w)}\b", text) for w in re.findall(r"\b[A-Z][\w'’-]+", name) if len(w) > 2)


def echoes(item, article_text: str) -> bool:
    """Whether ``item`` repeats the example answer rather than the article (see the module)."""
    for _, role, value in fields_by_role(item):
        if role is Role.NAME and value in example_names() and not _named(value, article_text):
            return True
    said = frozenset(content_words(claim_text(item)))
    return not item.supported and bool(said) and said in example_sayings()


def drop_echoes(ex: Extraction, article_text: str, paths: dict[int, str] | None = None) -> list[EchoedItem]:
    """Leave out, in place, the items of ``ex``'s lists that echo the example answer; each with its path (from
    ``paths``, each item's path in the model's answer by ``id``, when other items were left out before). A section
    keeps the fewest items its schema asks for (the item stays, unsupported)."""
    echoed: list[EchoedItem] = []
    for path, item in list(ex.items()):
        if echoes(item, article_text) and leave_out(ex, path, item):
            echoed.append(EchoedItem(path=(paths or {}).get(id(item), path), item=item.model_dump(mode="json")))
    return echoed
