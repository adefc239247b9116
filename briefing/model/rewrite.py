"""One short call for what the model copied or cut off: the texts of an answer whose longest run copied from the
article is over :data:`~briefing.grounding.copying.MAX_COPIED_RUN` words, and a bottom line that copies a sentence,
go back to the model, numbered, to be said in its own words (for a text the model closed early, its cited
sentences go instead, to be said whole); the tool puts each answer in place when it copies less and is
still supported by the item's sentences (else the original stays, its copying measured), and grounds it again.

Only answers that copy or were cut off pay for it (two of six articles in the committed eval): the prompt is the
few texts (or sentences), not the article, so the call costs about 150 prompt and 60 output tokens. Whether a run
makes it is a capability of the backend (``Backend.rewrite_copies``: the local default; ``--[no-]rewrite-copies``).
Answers collected from a Batch API (one request per article) are not rewritten: their copying stays measured and
flagged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Callable

from pydantic import BaseModel, Field, create_model

from briefing.config import Settings
from briefing.grounding.claims import cut_off, overlap
from briefing.grounding.copying import MAX_COPIED_RUN, copied_run
from briefing.grounding.uncopy import replace_text
from briefing.schema import CLAIM_FIELD, BottomLine, Cited, Extraction, Outlook, Point, max_length
from briefing.text.article import Article
from briefing.usage import Usage

#: The share of an answer's content words that the text it replaces must hold: the same fact said again, its
#: names and numbers kept ("Gunman opens fire in Seattle, wounded five near protests"), not "Same incident".
SAME_FACT = 0.5

#: Characters an answer may have (about 15 words; the grammar bound, so no answer can be a copied sentence).
MAX_CHARS = 120


@dataclass
class Target:
    path: str
    item: Cited
    field: str
    words: int  # the longest run the text copies (an answer must copy less)
    source: str = ""  # what is sent to be said again: the text, or the sentences of a text cut off

    def __post_init__(self) -> None:
        self.source = self.source or getattr(self.item, self.field)


def targets(ex: Extraction, article: Article) -> list[Target]:
    """The items whose text copies more than :data:`MAX_COPIED_RUN` words in a row of the article, or (the bottom
    line) a sentence of it, in document order; and the texts cut off where the model closed the string early
    ("Philip Joseph calls it a ": an inner quotation mark ended it), for which the sentences they cite are sent
    instead, to be said whole."""
    sentences = [s.text for s in article.sentences]
    out = []
    for path, item in ex.items():
        field = CLAIM_FIELD.get(type(item))  # names, roles and quotes are never rewritten
        text = getattr(item, field, None) if field else None
        if not text:
            continue
        run = copied_run(text, sentences)
        if run.words > MAX_COPIED_RUN or (isinstance(item, BottomLine) and run.sentence):
            out.append(Target(path, item, field, run.words))
        elif isinstance(item, (Point, BottomLine, Outlook)) and item.evidence and \
                cut_off(text, max_length(type(item), field)):
            out.append(Target(path, item, field, MAX_COPIED_RUN + 1, " ".join(sp.text for sp in item.evidence)))
    return out


@lru_cache(maxsize=8)
def answer_model(n: int) -> type[BaseModel]:
    """``{"texts": [...]}`` with exactly ``n`` texts of at most :data:`MAX_CHARS` characters."""
    text = Annotated[str, Field(min_length=1, max_length=MAX_CHARS)]
    return create_model("Rewrites", texts=(list[text], Field(min_length=n, max_length=n,
                                                            description="Each text in your own words, in order.")))


def _env():
    from briefing.model.prompts import _env as env, prompt_dir

    return env(str(prompt_dir() / "rewrite"))


def rewrite_hash() -> str:
    """A hash of the pass's templates (part of the cache key of runs that make the pass)."""
    from briefing.model.prompts import hash_templates, prompt_dir

    h = hashlib.sha256()
    hash_templates(h, prompt_dir() / "rewrite")
    h.update(str(MAX_CHARS).encode())
    return h.hexdigest()[:16]


def messages(texts: list[str], language: str) -> list[dict[str, str]]:
    env = _env()
    return [{"role": "system", "content": env.get_template("system.j2").render(language=language).strip()},
            {"role": "user", "content": env.get_template("user.j2").render(texts=texts).strip()}]


def rewrite_copies(ex: Extraction, article: Article, settings: Settings, *, base_url: str | None, model: str,
                   client: Any = None, on_call: Callable[..., None] | None = None) -> Usage | None:
    """Rewrite the copied texts of ``ex`` in place (see the module); the call's usage, or None when nothing was
    copied. A failed call leaves the answer as it was (the copying stays measured) and returns its usage."""
    from briefing.errors import ModelError
    from briefing.grounding.grounder import Grounder
    from briefing.model.call import structured_call
    from briefing.text.language import detect

    found = targets(ex, article)
    if not found:
        return None
    language = settings.language or detect(article.text, article.language)
    sentences = [s.text for s in article.sentences]
    grounder = Grounder(article, strict=False)
    usage = None
    for _ in range(2):
        texts = list(dict.fromkeys(t.source for t in found))  # a text copied twice is sent once
        try:
            result = structured_call(messages(texts, language), answer_model(len(texts)), settings,
                                     base_url=base_url, model=model, client=client, on_call=on_call)
        except ModelError as e:
            return _added(usage, e.usage)
        usage = _added(usage, result.usage)
        answers = dict(zip(texts, result.value.texts))
        refused = [t for t in found if not _apply(t, answers[t.source].strip(), sentences, grounder)]
        # texts sent together can get one answer between them ("Same incident" for a key point that repeats the
        # bottom line): those refused go back once more, on their own
        found = refused if len(texts) > 1 else []
        if not found:
            break
    return usage


def _added(total: Usage | None, more: Usage | None) -> Usage | None:
    if total is None:
        return more
    if more is not None:
        total.add(more)
    return total


def _apply(target: Target, new: str, sentences: list[str], grounder: Any) -> bool:
    """Put ``new`` in place of the target's text when it copies less and is still supported (or the copy was not);
    whether it was put in place."""
    if not new or copied_run(new, sentences).words >= target.words:
        return False
    if overlap(new, target.source) < SAME_FACT:
        return False  # "Same incident": not the text said again
    # the copy was supported, or the text was cut off: a rewrite that is not supported leaves the original
    return replace_text(target.path, target.item, target.field, new, grounder.check_item,
                        must_hold=bool(target.item.supported) or target.source != getattr(target.item, target.field))
