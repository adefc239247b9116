"""The example article through the pipeline with a real model's answers replayed from a cassette, and the
committed example outputs checked span by span."""

import json

import pytest

from briefing.grounding.match import locate
from briefing.ingest.core import load
from briefing.brief import generate
from briefing.config import Settings
from briefing.schema import Briefing
from tests.helpers import EXAMPLE, ROOT, check_every_span


@pytest.mark.vcr
def test_generate_example_from_a_real_model_answer(model_settings):
    b = generate(load(str(EXAMPLE)), model_settings)
    assert isinstance(b, Briefing)
    doc = json.loads(b.model_dump_json())
    assert check_every_span(doc) > 5
    for q in b.extraction.quotes:
        assert locate(b.article.text, q.text), f"shown quote not verbatim: {q.text}"
        assert q.supported
    g = b.grounding
    checked = [i for _, i in b.extraction.items() if i.supported is not None and not getattr(i, "chosen", False)]
    assert g.total == len(checked) + len(g.dropped_quotes)
    assert g.supported == sum(1 for i in checked if i.supported)
    usage = b.meta.usage
    assert usage["attempts"] >= 1 and usage["prompt_tokens"] > 500 and usage["completion_tokens"] > 50
    assert b.meta.prompt_hash and b.meta.provider == "llamacpp"


def test_committed_example_is_a_valid_grounded_briefing():
    doc = json.loads((ROOT / "examples" / "vienna-talks.json").read_text())
    b = Briefing.model_validate(doc)
    assert check_every_span(doc) > 5
    assert b.article.text == EXAMPLE.read_text(encoding="utf-8").strip()
    assert b.meta.usage["completion_tokens"] > 50, "made by a real model run"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_committed_renders_match_the_committed_json(fmt):
    from briefing.output.render import render

    b = Briefing.model_validate_json((ROOT / "examples" / "vienna-talks.json").read_text())
    committed = (ROOT / "examples" / f"vienna-talks.{fmt}").read_text()
    assert render(b, fmt) == committed, f"examples/vienna-talks.{fmt} is stale: run scripts/make-examples"
    assert b.grounding.figure in committed
    evidence_mark = "[^1]: “" if fmt == "md" else 'class="cite" href="#ev-'
    assert evidence_mark in committed, "per-item evidence is rendered"


@pytest.mark.vcr
def test_generate_example_with_the_local_default_profile(model_settings):
    """The local model's default run (brief sections, grounding failures flagged, not re-asked), replayed from a
    real answer of the local llama.cpp server: only the brief sections, every span an exact slice, the figure."""
    from briefing.config import reasks_grounding, rewrites_copies, sections_for
    from briefing.grounding.copying import MAX_COPIED_RUN
    from briefing.output.render import render
    from briefing.sections import PROFILES

    local = Settings(provider="local")
    s = model_settings.with_(sections=sections_for(local), reask_grounding=reasks_grounding(local),
                             rewrite_copies=rewrites_copies(local))
    assert (s.sections, s.reask_grounding, s.rewrite_copies) == ("brief", False, True), \
        "the local default this cassette stands for"
    b = generate(load(str(EXAMPLE)), s)
    assert b.meta.sections == "brief" and b.meta.usage["attempts"] == 1, "one call: grounding is not re-asked"
    assert b.meta.usage["calls"] == 1, "nothing copied: no rewrite call"

    ex = b.extraction
    asked = set(PROFILES["brief"])
    assert "quotes" not in asked and {"positions", "timeline"} <= asked
    for name in ("issues", "open_questions"):
        assert name not in asked and getattr(ex, name) == [], name
    assert ex.headline and ex.bottom_line.text and len(ex.key_points) >= 4 and ex.actors and ex.outlook
    assert ex.positions and ex.timeline, "a diplomatic briefing: each party's position and the timeline (#15)"
    # the quotes are the tool's, with the speaker the article credits
    assert ex.quotes and all(q.chosen for q in ex.quotes)
    assert {q.speaker for q in ex.quotes} == {"The Chinese embassy in Washington", "the official"}
    # the bottom line is the model's sentence, not the article's (it copied sentence [3] before #15)
    assert b.grounding.bottom_line_copy.sentence is None and b.grounding.bottom_line_copy.words < 12
    from briefing.eval.metrics import copy_metric

    assert copy_metric(b)["longest"]["words"] <= MAX_COPIED_RUN

    doc = json.loads(b.model_dump_json())
    assert check_every_span(doc) >= len(ex.key_points) + len(ex.actors)
    for q in ex.quotes:
        assert q.supported and locate(b.article.text, q.text), f"shown quote not verbatim: {q.text}"
    g = b.grounding
    assert 0 < g.supported <= g.total and g.figure == f"{g.supported} of {g.total} items supported by the text"
    assert g.figure in render(b, "md") and g.figure in render(b, "html")
