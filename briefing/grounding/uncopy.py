"""What the briefing does with a text that copies the article: the tool's own last step after the model's rewrite
(:mod:`briefing.model.rewrite`), so that no text on the page copies more than
:data:`~briefing.grounding.copying.MAX_COPIED_RUN` words in a row of the article outside quotation marks (#15).

A text copied from a sentence of the article is first said without the sentence's asides — a bracket ("(PA)",
"(pictured)"), a person's age and home town ("Martin Bamford, 30, from Croydon,"), the title that follows a
speaker's name ("…, Robert Merner, assistant chief of the Seattle Police Department, said" becomes "…, Merner
said") — and kept when that copies few enough words and its evidence still states it (or did not before). A text
that still copies is never cut (a cut one would not be a whole claim): an unsupported item is left out of the page
(a pasted sentence the article does not even support gives the reader nothing), a supported one is shown, and the
page names both (``Grounding.copied_items``). The headline and the bottom line are never left out (the page flags
a bottom line that copies a sentence), nor the one item a section must have.
"""

from __future__ import annotations

import re
from typing import Any

from briefing.grounding.copying import MAX_COPIED_RUN, copied_run
from briefing.schema import CLAIM_FIELD, CopiedItem, CopiedRun, Extraction, Outlook, leave_out

_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:de|van|von|al|bin)?\s*[A-Z][\w'’.-]*)+"
#: A bracket, and what a caption puts in one.
_BRACKET = re.compile(r"\s*\([^()]{1,60}\)")
#: A person's age, and the town they are from, after their name: "Martin Bamford, 30, from Croydon,".
_AGE = re.compile(r"(?<=[a-z'’]),\s+(?:aged\s+)?\d{1,3}(?:,\s+(?:from|of)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)?"
                  r"(?=,|\s)")
#: A speaker's name with the title after it, at the end of a text: ", Robert Merner, assistant chief of the
#: Seattle Police Department, said."
_SPEAKER_TITLE = re.compile(rf",\s+(?P<name>{_NAME}),\s+[^,]{{3,90}},\s+(?P<verb>said|says|added|told\s+\w+)"
                            rf"(?P<end>\s*[.!]?\s*)$")


def without_asides(text: str) -> str:
    """``text`` without the asides a sentence of the article carries (see the module)."""
    out = _BRACKET.sub("", text)
    out = _AGE.sub("", out)
    out = _SPEAKER_TITLE.sub(lambda m: f", {m.group('name').split()[-1]} {m.group('verb')}{m.group('end')}", out)
    return re.sub(r"\s{2,}", " ", out).strip()


def shorten_copies(ex: Extraction, sentences: list[str], check: Any) -> list[CopiedItem]:
    """Bring the texts of ``ex`` within :data:`MAX_COPIED_RUN` copied words where the tool can, in place (see the
    module); ``check(path, item)`` grounds an item again and gives its problems. The items that still copy, in
    document order: left out when unsupported (and their section keeps its one item), else shown."""
    found: list[CopiedItem] = []
    for path, item in list(ex.items()):
        fields = [f for f in (CLAIM_FIELD.get(type(item)), "basis" if isinstance(item, Outlook) else None) if f]
        for name in fields:
            run = copied_run(getattr(item, name), sentences)
            if run.words <= MAX_COPIED_RUN:
                continue
            if _said_shorter(path, item, name, without_asides(getattr(item, name)), sentences, check):
                continue
            out = not item.supported and leave_out(ex, path, item)  # not the bottom line, nor a section's last
            found.append(CopiedItem(path=path, copied=CopiedRun(words=run.words, text=run.text,
                                                                 sentence=run.sentence), left_out=out,
                                    item=item.model_dump(mode="json") if out else None))
            break
    return found


def _said_shorter(path: str, item: Any, name: str, new: str, sentences: list[str], check: Any) -> bool:
    """Put ``new`` in place of the item's ``name`` when it copies few enough words and its evidence still states
    the item (or did not before); whether it was put in place."""
    if new == getattr(item, name) or copied_run(new, sentences).words > MAX_COPIED_RUN:
        return False
    return replace_text(path, item, name, new, check, must_hold=bool(item.supported))


def replace_text(path: str, item: Any, name: str, new: str, check: Any, *, must_hold: bool) -> bool:
    """Put ``new`` in the item's ``name`` field, the item grounded again by ``check(path, probe)`` (its evidence,
    problems and ✓ become the new text's); refused when the new text has problems and ``must_hold`` (what it
    replaces was supported). Whether it was put in place. The tool's shortening and the model's rewrite
    (:mod:`briefing.model.rewrite`) both put their texts in place with it."""
    probe = item.model_copy(deep=True)
    setattr(probe, name, new)
    problems = check(path, probe)
    if problems and must_hold:
        return False
    probe.problems, probe.supported = problems, not problems
    for field in type(probe).model_fields:
        setattr(item, field, getattr(probe, field))
    return True
