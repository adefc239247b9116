"""How well the grounding checker's ✓ agrees with a person reading the evidence: the labelled claims of
``tests/data/claims/labels.jsonl`` (see its README for the labelling rule) against the current grounding code.

Each labelled claim's saved briefing is grounded again (its model answer, no model call), the item at the label's
path is found, and its ✓ compared with the label: precision (of the items shown with ✓, the share labelled
supported) and recall (of the items labelled supported, the share shown with ✓), overall and per kind."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.schema import Briefing, Extraction, Item

#: The labelled set, in the repository's test data.
LABELS = Path(__file__).resolve().parents[2] / "tests" / "data" / "claims" / "labels.jsonl"
#: The held-out set: claims of later briefings (schema 1.3, the long articles), labelled by the same rule after the
#: rules were written, to show how the ✓ holds on answers the rules were not tuned on.
HELDOUT = LABELS.with_name("heldout.jsonl")
#: The fresh set: claims of the briefings committed at fc7dd4f (the brief and full evals, the long articles' lead
#: control), labelled after the held-out set's rules were written, without the tool's verdict in view.
FRESH = LABELS.with_name("fresh.jsonl")
#: The unseen set: claims of ten story articles briefed for the first time (``eval/fresh``, 3c9fefd), labelled
#: without the tool's verdict in view and measured once, with the checker as committed there.
UNSEEN = LABELS.with_name("unseen.jsonl")
#: The second unseen set: claims of the same ten articles briefed with every section (``eval/fresh/full``,
#: e399960), labelled the same way and measured once with the checker of 06fbcc8 (tuned on the first).
UNSEEN_FULL = LABELS.with_name("unseen_full.jsonl")
#: The third unseen set: claims of the seven story articles no eval had briefed (``eval/fresh2``), briefed after the
#: ninth round's rules and labelled without the tool's verdict in view: what the checker gives on a new article.
UNSEEN2 = LABELS.with_name("unseen2.jsonl")
#: The fourth unseen set: claims of the same seven articles briefed with every section (``eval/fresh2/full``),
#: answered before the tenth round's rules, harvested and labelled after them: what those rules give on new answers.
UNSEEN3 = LABELS.with_name("unseen3.jsonl")

KINDS = ("headline", "bottom_line", "key_point", "actor", "position", "event", "issue", "outlook", "question",
         "quote")


@dataclass
class Verdict:
    """One labelled claim and what the checker shows for it now."""

    label: dict[str, Any]
    shown: bool  #: shown with ✓ (an actor whose role the tool now drops does not show the labelled role claim)
    text: str  #: the claim as shown now
    evidence: list[str]
    problems: list[str]

    @property
    def supported(self) -> bool:
        """The label for the evidence shown now: a claim shown over other evidence than it was labelled on is
        read by its ``relabels`` entry for that evidence, when one was written (the tool found more of the article
        since), else by its label."""
        for again in self.label.get("relabels", []):
            if again["evidence"] == self.evidence:
                return again["label"] == "supported"
        return self.label["label"] == "supported"

    @property
    def text_changed(self) -> bool:
        return self.text != self.label["text"]

    @property
    def evidence_changed(self) -> bool:
        return self.label["kind"] != "headline" and self.evidence != self.label["evidence"]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, v: Verdict) -> None:
        if v.shown:
            self.tp, self.fp = self.tp + v.supported, self.fp + (not v.supported)
        else:
            self.fn, self.tn = self.fn + v.supported, self.tn + (not v.supported)

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Measurement:
    verdicts: list[Verdict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  #: labels whose item is no longer at its path

    def score(self, kind: str | None = None) -> Score:
        s = Score()
        for v in self.verdicts:
            if kind is None or v.label["kind"] == kind:
                s.add(v)
        return s

    @property
    def disagreements(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.shown != v.supported]

    def table(self) -> str:
        """The figures as a Markdown table, then the disagreements, one line each."""
        def pct(x: float | None) -> str:
            return "–" if x is None else f"{x:.3f}"

        lines = ["| kind | claims | supported | shown ✓ | true ✓ | precision | recall |",
                 "|---|---:|---:|---:|---:|---:|---:|"]
        for kind in (*KINDS, None):
            s = self.score(kind)
            if not s.n:
                continue
            name = kind or "**all**"
            lines.append(f"| {name} | {s.n} | {s.tp + s.fn} | {s.tp + s.fp} | {s.tp} | {pct(s.precision)} | "
                         f"{pct(s.recall)} |")
        changed = Counter("text" if v.text_changed else "evidence" for v in self.verdicts
                          if v.text_changed or v.evidence_changed)
        lines.append("")
        lines.append(f"Re-grounded now: {changed['text']} claims shown with other words (the label's claim "
                     f"counted as not shown), {changed['evidence']} with other evidence; "
                     f"{len(self.skipped)} labels not found.")
        lines.append("")
        lines.append("Disagreements (✓ on a claim labelled not supported, or none on one labelled supported):")
        for v in self.disagreements:
            mark = "✓ but not supported" if v.shown else "no ✓ but supported"
            why = v.label.get("note") or "; ".join(v.problems)
            lines.append(f"- {v.label['file']} {v.label['path']}: {mark} — {v.label['text'][:90]!r} ({why})")
        return "\n".join(lines)


def load_labels(path: str | Path = LABELS) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def shown_text(kind: str, item: Any) -> str:
    """A claim as the briefing shows it (the same form as a label's ``text``)."""
    if kind == "headline":
        return item
    if kind == "actor":
        return item.name + (f" — {item.role}" if item.role else "")
    if kind == "position":
        return f"{item.party}: {item.stance}"
    if kind == "event":
        return f"{item.date or 'Undated'} — {item.what}" + (f" ({item.who})" if item.who else "")
    if kind == "quote":
        return f"“{item.text}” — {item.speaker}"
    return item.text


def reground(saved: Briefing) -> tuple[Briefing, dict[str, Item]]:
    """Ground a saved briefing's model answer again with the current code; the briefing, and every item of the
    answer by its path (quotes in the answer's order, before the tool moves failed ones aside)."""
    from briefing.brief import build
    from briefing.eval.reground import answer_of
    from briefing.grounding.grounder import Grounder
    from briefing.text.article import Article

    article = Article.from_info(saved.article)
    ex = Extraction.model_validate(answer_of(saved), context={"check": Grounder(article, strict=False)})
    items = dict(ex.items())
    new = build(article, ex, sections=saved.meta.sections or "full")
    return new, items


def headline_verdict(b: Briefing) -> tuple[bool, list[str]]:
    """Whether the headline is shown as supported: only when the grounding checked it (``Grounding.headline``
    is None for a headline nobody checked, which has no ✓) and found no problem."""
    problems = b.grounding.headline
    return problems is not None and not problems, list(problems or [])


def measure(labels: list[dict[str, Any]] | None = None, briefings: str | Path | None = None) -> Measurement:
    """Re-ground every labelled claim's briefing and compare the checker's ✓ with the label."""
    labels = load_labels() if labels is None else labels
    folder = Path(briefings) if briefings else LABELS.parent / "briefings"
    out = Measurement()
    cache: dict[str, tuple[Briefing, dict[str, Item]]] = {}
    for lab in labels:
        if lab["file"] not in cache:
            saved = Briefing.model_validate_json((folder / lab["file"]).read_text(encoding="utf-8"))
            cache[lab["file"]] = reground(saved)
        new, items = cache[lab["file"]]
        kind = lab["kind"]
        if kind == "headline":
            shown, problems = headline_verdict(new)
            out.verdicts.append(Verdict(lab, shown, new.extraction.headline, [], problems))
            continue
        item = items.get(lab["path"])
        if item is None:
            out.skipped.append(f"{lab['file']} {lab['path']}")
            continue
        text = shown_text(kind, item)
        # off the page: copied the article, or repeated the prompt's example
        off_page = {lo.path for lo in new.grounding.left_out} | {e.path for e in new.grounding.echoed}
        left_out = lab["path"] in off_page
        shown = bool(item.supported) and text == lab["text"] and not left_out  # another claim is not the labelled one
        out.verdicts.append(Verdict(lab, shown, text, [sp.text for sp in item.evidence], list(item.problems)))
    return out
