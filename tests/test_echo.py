"""Items that repeat the prompt's example answer, not the article (#16: a 2,697-word article briefed in one call):
left out, named on the page, kept in the saved briefing for grounding the answer again."""

from briefing.grounding.echo import drop_echoes, echoes, example_names
from briefing.schema import Position
from tests.helpers import saved_answer


def _reground(name: str):
    from briefing.eval.checker import reground

    return reground(saved_answer(name))


def test_the_example_answer_is_read_from_the_prompt():
    assert example_names() == {"Anna de Vries", "Hutchison Ports", "FNV union"}


def test_a_real_answer_that_repeats_the_example_loses_those_items():
    """The Daily Mail's Lady Gaga report (2,697 words), the local default's answer: the Rotterdam dock strike of
    the prompt's example in its actors, positions, timeline and outlook."""
    from briefing.output.render import render

    new, items = _reground("lady-gaga-2697w-brief.json")
    echoed = [e.path for e in new.grounding.echoed]
    assert echoed == ["actors[1]", "actors[2]", "positions[0]", "positions[1]", "timeline[0]", "timeline[1]",
                      "outlook[0]"]
    assert [items[p] not in getattr(new.extraction, p.split("[")[0]) for p in echoed] == [True] * 7
    assert {a.name for a in new.extraction.actors} == {"Lady Gaga"}
    assert new.extraction.outlook == [items["outlook[1]"]]  # the section's one item stays, unsupported
    assert not items["outlook[1]"].supported
    shown = render(new, "md")
    assert "Hutchison" not in shown and "FNV" not in shown
    assert ("Left out, repeating the prompt's example answer instead of the article: actor 2, actor 3, "
            "position 1, position 2, timeline event 1, timeline event 2, outlook item 1.") in shown
    assert "example answer instead of the article: actor 2" in render(new, "html")
    # the unknown names the page lists are those it still shows
    assert "FNV union" not in new.grounding.unknown_names


def test_grounding_the_answer_again_puts_the_echoes_back_first():
    from briefing.eval.checker import reground

    once, _ = _reground("lady-gaga-2697w-brief.json")
    twice, items = reground(once)
    assert [e.path for e in twice.grounding.echoed] == [e.path for e in once.grounding.echoed]
    assert items["positions[1]"].party == "Hutchison Ports"
    assert twice.extraction == once.extraction


def test_a_union_the_article_speaks_of_is_not_the_examples_fnv_union():
    """The Guardian's tram report: a police statement given to the example's "FNV union". The article has the
    word "union" nowhere near the FNV; its name's own word, FNV, is what counts."""
    new, items = _reground("guardian-1232w-brief.json")
    assert [e.path for e in new.grounding.echoed] == ["positions[0]"]
    assert items["positions[0]"].party == "FNV union"
    assert [p.party for p in new.extraction.positions] == ["British Transport police"]


def test_an_article_that_names_the_examples_parties_keeps_them():
    item = Position(party="Hutchison Ports", stance="Fees will rise", ev=[1])
    item.supported = False
    assert echoes(item, "The operator, Hutchison Ports, warned of higher fees.") is False
    assert echoes(item, "Lady Gaga staged a protest outside Trump Tower.") is True
    said = Position(party="The operator", stance="Higher costs could mean higher fees", ev=[1])
    said.supported = True  # the example's words, supported by this article: its own
    assert echoes(said, "The operator said higher costs could mean higher fees.") is False
    said.supported = False
    assert echoes(said, "Lady Gaga staged a protest outside Trump Tower.") is True


def test_a_section_keeps_the_fewest_items_its_schema_asks_for():
    from briefing.schema import Extraction

    saved = saved_answer("lady-gaga-2697w-brief.json")
    ex = Extraction.model_validate(saved.extraction.model_dump())
    out = drop_echoes(ex, saved.article.text)
    assert len(ex.outlook) == 1 and "outlook[1]" not in [e.path for e in out]
