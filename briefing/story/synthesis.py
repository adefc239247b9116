"""The one short model call of a story: headline, bottom line and outlook written over the merged findings (not
over the articles' text), and grounded like every other item.

The findings — the merged items' texts, each with how many reports state it — become a small numbered text that the
model cites by id, so the tool's claim check (:class:`~briefing.grounding.grounder.Grounder`) runs on it unchanged:
the words of the bottom line must stand in the findings it cites, an outlook item must cite a finding about what is
expected. The evidence of a cited finding is then the evidence of the merged item: exact spans of the articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from briefing.config import Settings, reasks_grounding
from briefing.merge import Merged
from briefing.schema import BottomLine, Extraction, Item, Outlook, Sections, Span
from briefing.text.article import Article
from briefing.usage import Usage

#: The merged sections whose items are findings the synthesis may cite, in this order.
FINDING_SECTIONS = ("key_points", "timeline", "positions", "issues", "outlook", "open_questions")
#: At most this many findings go into the call (the best supported first): the prompt stays short.
MAX_FINDINGS = 30


@lru_cache(maxsize=1)
def synthesis_model() -> type[Sections]:
    """Headline, bottom line and outlook, with Extraction's own field descriptions and bounds."""
    from pydantic import create_model

    keep = ("headline", "bottom_line", "outlook")
    fields = {n: (Extraction.model_fields[n].annotation, Extraction.model_fields[n]) for n in keep}
    return create_model("StorySynthesis", __base__=Sections, __doc__="A story's headline, bottom line and outlook.",
                        **fields)


def _finding_text(item: Item) -> str:
    for name in ("text", "what", "stance"):
        value = getattr(item, name, None)
        if value:
            party = getattr(item, "party", None)
            return f"{party}: {value}" if party and name == "stance" else value
    return ""


@dataclass
class Findings:
    """The findings as a small article the model cites (one sentence per finding), and which merged item each of
    its sentences came from."""

    article: Article
    items: list[Item]          # per sentence id - 1
    counts: list[int]

    def evidence(self, ids: list[int]) -> list[Span]:
        spans: list[Span] = []
        seen: set[tuple[int | None, int, int]] = set()
        for sid in ids:
            if 1 <= sid <= len(self.items):
                for span in self.items[sid - 1].evidence:
                    key = (span.source, span.start, span.end)
                    if key not in seen:
                        seen.add(key)
                        spans.append(span)
        return spans

    def numbered(self, n_sources: int) -> str:
        return "\n".join(f"[{s.id}] ({self.counts[s.id - 1]} of {n_sources} reports) {s.text}"
                         for s in self.article.sentences)


def findings(merged: Merged) -> Findings:
    """The merged items worth citing, best supported first, as one sentence each."""
    ex = merged.extraction
    pool = [item for name in FINDING_SECTIONS for item in getattr(ex, name) if item.supported]
    pool.sort(key=lambda i: -len(set(i.sources)))  # stable: document order breaks ties
    lines: list[str] = []
    items: list[Item] = []
    for item in pool[:MAX_FINDINGS]:
        text = " ".join(_finding_text(item).split()).rstrip(" .") + "."
        text = re.sub(r"([.!?])\s+(?=\S)", r"\1 ", text)
        if len(text) < 3:
            continue
        lines.append(text[0].upper() + text[1:])
        items.append(item)
    article = Article(text="\n\n".join(lines))
    # One finding, one sentence: a finding whose text the splitter cuts in two is joined back.
    if len(article.sentences) != len(lines):
        lines = [ln.replace(". ", "; ").replace("! ", "; ").replace("? ", "; ") for ln in lines]
        article = Article(text="\n\n".join(lines))
    counts = [len(set(i.sources)) or 1 for i in items]
    return Findings(article=article, items=items, counts=counts)


def _check(found: Findings, strict: bool) -> Callable[[Any], None]:
    from briefing.grounding.grounder import Grounder

    grounder = Grounder(found.article, strict=False)

    def check(answer: Any) -> None:
        hard: list[str] = []
        for path, item in [("bottom_line", answer.bottom_line),
                           *((f"outlook[{i}]", o) for i, o in enumerate(answer.outlook))]:
            problems = grounder.check_item(path, item)
            item.problems, item.supported = problems, not problems
            hard.extend(f"{path}: {p}" for p in problems if p.startswith("cites sentence"))
        if strict and hard:
            raise ValueError("Grounding failed; fix these items using only the numbered findings:\n- "
                             + "\n- ".join(hard))

    return check


def messages(found: Findings, merged: Merged, *, language: str, conflicts: list[str]) -> list[dict[str, str]]:
    from briefing.model.prompts import _env, field_guide, prompt_dir

    env = _env(str(prompt_dir() / "story"))
    n = len(merged.sources)
    times = sorted(s.published[:10] for s in merged.sources if s.published)
    system = env.get_template("system.j2").render(n_sources=n, language=language,
                                                  field_guide=field_guide(synthesis_model()))
    user = env.get_template("user.j2").render(n_sources=n, numbered=found.numbered(n), conflicts=conflicts,
                                              span=f"{times[0]} and {times[-1]}" if len(set(times)) > 1 else None)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def synthesize(merged: Merged, settings: Settings, *, base_url: str | None, model: str, client: Any = None,
               on_call: Any = None, conflicts: list[str] = ()) -> tuple[str, BottomLine, list[Outlook], Usage]:
    """Ask for the story's headline, bottom line and outlook over ``merged``; ground them in the findings and
    give them the findings' evidence. Grounding failures are re-asked where the backend re-asks them, else
    flagged (the item is shown unverified)."""
    from briefing.errors import ModelError
    from briefing.model.call import completion_text, structured_call

    found = findings(merged)
    strict = reasks_grounding(settings)
    check = _check(found, strict)
    from briefing.text.language import detect

    # As for one article (model/prompts.py): the asked language, else the language of the text the model reads.
    language = settings.language or detect(found.article.text)
    msgs = messages(found, merged, language=language, conflicts=list(conflicts))
    try:
        result = structured_call(msgs, synthesis_model(), settings, base_url=base_url, model=model,
                                 context={"check": check}, client=client, on_call=on_call)
        answer, usage = result.value, result.usage
    except ModelError as e:
        text = completion_text(e.last_response)
        if type(e) is not ModelError or not text:
            raise
        try:  # only grounding failed after the re-asks: keep the last answer, flagged
            answer = synthesis_model().model_validate_json(text, context={"check": _check(found, False)})
        except ValueError:
            raise e from None
        usage = e.usage
    for item in [answer.bottom_line, *answer.outlook]:
        # The check put spans of the findings on the item (the cited ones, or those the tool found for it):
        # the evidence shown is theirs in the articles.
        ids = sorted({s.id for s in found.article.sentences for sp in item.evidence if s.start <= sp.start < s.end})
        item.evidence = found.evidence(ids) if item.supported else []
        item.sources = sorted({k for i in ids for k in found.items[i - 1].sources}) if item.supported else []
    return answer.headline, answer.bottom_line, list(answer.outlook), usage
