"""Grounding saved model answers again with the current grounding code (``briefing eval --from DIR --reground``):
what a change to grounding does to the same answers, with no model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefing.eval.report import BRIEFINGS, RECORDS
from briefing.schema import Briefing, Extraction, item_place


def answer_of(b: Briefing) -> dict[str, Any]:
    """The model's answer as a saved briefing holds it: its extraction with the withheld quotes and the items left
    out (copies, echoes of the prompt's example) put back, each quote's speaker as the model named it, ready to be
    grounded again."""
    data = b.extraction.model_dump(mode="json")
    quotes = [q.model_dump(mode="json") for q in [*b.extraction.quotes, *b.grounding.dropped_quotes]
              if not q.chosen]
    for q in quotes:
        q["speaker"], q["model_speaker"] = q.get("model_speaker") or q["speaker"], None
    data["quotes"] = quotes
    left_out = [(c.path, c.item) for c in b.grounding.copied_items if c.item is not None]
    left_out += [(e.path, e.item) for e in b.grounding.echoed]
    for (section, index), item in sorted(((item_place(p), i) for p, i in left_out), key=lambda pi: pi[0][1]):
        data[section].insert(index, item)  # back where the model put it, the lower places first
    return data


def reground_dir(folder: str | Path, out_dir: str | Path) -> list[str]:
    """Ground the model answers saved in ``folder`` again with the current grounding code and save the briefings
    (and records) in ``out_dir``: what a change to grounding does to the same answers, with no model. The briefing
    keeps its article and its meta (model, prompt hash, usage); evidence, flags and withheld quotes are new.
    Returns the names regrounded."""
    from briefing.text.article import Article
    from briefing.grounding.grounder import Grounder
    from briefing.output.write import write_atomic
    from briefing.brief import build

    src, out = Path(folder), Path(out_dir)
    (out / BRIEFINGS).mkdir(parents=True, exist_ok=True)
    (out / RECORDS).mkdir(parents=True, exist_ok=True)
    names = []
    for rec in sorted((src / RECORDS).glob("*.json")):
        if out.resolve() != src.resolve():
            write_atomic(out / RECORDS / rec.name, rec.read_text(encoding="utf-8"))
        bfile = src / BRIEFINGS / rec.name
        if not bfile.is_file():
            continue
        old = Briefing.model_validate_json(bfile.read_text(encoding="utf-8"))
        info = old.article
        article = Article.from_info(info)
        ex = Extraction.model_validate(answer_of(old), context={"check": Grounder(article, strict=False)})
        new = build(article, ex, sections=old.meta.sections or "full")
        new.meta = old.meta
        write_atomic(out / BRIEFINGS / bfile.name, new.model_dump_json(indent=2))
        names.append(rec.stem)
    return names
