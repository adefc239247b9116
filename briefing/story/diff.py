"""What changed between two briefings of the same story (or two versions of one article), each said in one line:
new items, items no longer supported, figures that changed (old → new, with the sources that give the new one),
new quotes, and outlook judgments whose likelihood or confidence moved (ICD 203 asks recurrent products to say how
and why a judgment changed). No model call: ``briefing diff OLD.json NEW.json`` prints the same lines.
"""

from __future__ import annotations

from typing import Iterable

from briefing.merge.conflicts import figures
from briefing.merge.same import same_item
from briefing.schema import Briefing, Change, Extraction, Item
from briefing.sections import BY_NAME, NAMES


def describe(item: Item) -> str:
    """An item as one short line: its claim, name, stance or quote."""
    for name in ("text", "what", "name", "stance"):
        value = getattr(item, name, None)
        if value:
            who = getattr(item, "speaker", None) or getattr(item, "party", None)
            return f"{who}: {value}" if who else value
    return ""


def _support(b: Briefing, item: Item) -> str:
    if not b.sources:
        return ""
    n = len(set(item.sources))
    return " (single source)" if n == 1 else f" ({n} of {len(b.sources)} sources)"


def _claims(ex: Extraction) -> Iterable[tuple[str, Item]]:
    yield ex.bottom_line.text, ex.bottom_line
    for name in ("key_points", "issues", "outlook", "timeline", "positions"):
        for item in getattr(ex, name):
            yield describe(item), item


def _figures(ex: Extraction) -> dict[str, tuple[float, str, Item]]:
    """The largest figure of each kind the briefing states (a toll, the injured), with the item stating it."""
    best: dict[str, tuple[float, str, Item]] = {}
    for text, item in _claims(ex):
        if item.supported is False:
            continue
        for what, value, label in figures(text):
            if what not in best or value > best[what][0]:
                best[what] = (value, label, item)
    return best


def _named(b: Briefing, item: Item) -> str:
    names = [b.sources[i].publisher or b.sources[i].id for i in sorted(set(item.sources)) if i < len(b.sources)]
    return f" ({', '.join(names[:4])}{' …' if len(names) > 4 else ''})" if names else ""


def changes(old: Briefing, new: Briefing) -> list[Change]:
    """The lines of a "Since the last briefing" section: what ``new`` says that ``old`` did not, and back."""
    out: list[Change] = []
    for name in ("key_points", *[n for n in NAMES if n != "key_points"]):
        title = BY_NAME[name].label[0]
        before, after = getattr(old.extraction, name), getattr(new.extraction, name)
        for item in after:
            if item.supported is False:
                continue
            match = next((o for o in before if same_item(o, item)), None)
            if match is None:
                kind = "quote" if name == "quotes" else "new"
                out.append(Change(kind=kind, section=name, text=f"new {title}: {describe(item)}{_support(new, item)}"))
            elif name == "outlook" and (match.likelihood, match.confidence) != (item.likelihood, item.confidence):
                out.append(Change(kind="outlook", section=name, text=(
                    f"{describe(item)}: likelihood {match.likelihood} → {item.likelihood}, confidence "
                    f"{match.confidence} → {item.confidence}, because {item.basis}")))
        for item in before:
            if item.supported is False:
                continue
            match = next((n for n in after if same_item(item, n)), None)
            if match is None or match.supported is False:
                out.append(Change(kind="gone", section=name, text=f"no longer supported: {describe(item)}"))
    was, now = _figures(old.extraction), _figures(new.extraction)
    for what in sorted(set(was) | set(now)):
        if what in was and what in now and was[what][0] == now[what][0]:
            continue
        if what in was and what in now:
            text = f"{what}: {was[what][1]} → {now[what][1]}{_named(new, now[what][2])}"
        elif what in now:
            text = f"{what}: now {now[what][1]}{_named(new, now[what][2])}"
        else:
            text = f"{what}: {was[what][1]} no longer stated"
        out.append(Change(kind="figure", section=None, text=text))
    return out


def as_lines(items: list[Change]) -> list[str]:
    return [c.text for c in items] or ["nothing changed"]
