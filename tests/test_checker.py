"""The grounding checker against the labelled claims of tests/data/claims (real model briefings, each claim
labelled by reading its evidence; rule in tests/data/claims/README.md)."""

from __future__ import annotations

import re

import pytest

from briefing.eval.checker import HELDOUT, KINDS, LABELS, load_labels, measure
from briefing.schema import Briefing
from briefing.text.article import Article

#: Measured with the grounding of 3caa6e8 (before the checks of #15): precision 0.59, recall 0.89 (headlines
#: unchecked count as not shown). With the checks of briefing/grounding/claims.py: precision 0.98 (144 of 147),
#: recall 0.857 (144 of 168). The floors are the figures reached, so a change that loses ground fails.
PRECISION_FLOOR = 0.97
RECALL_FLOOR = 0.85
#: The held-out set (190 claims the rules were not written against): precision 0.918 (78 of 85), recall 0.830 (78
#: of 94) — below the targets; the floors keep what is reached.
HELDOUT_PRECISION_FLOOR, HELDOUT_RECALL_FLOOR = 0.91, 0.82
#: The issue's targets (#15).
PRECISION_TARGET, RECALL_TARGET = 0.97, 0.85


@pytest.fixture(scope="module")
def labels():
    return load_labels()


@pytest.fixture(scope="module")
def measured(labels):
    return measure(labels)


@pytest.fixture(scope="module", params=[LABELS, HELDOUT], ids=["labels", "heldout"])
def each_set(request):
    return load_labels(request.param)


def test_each_labelled_set_is_whole_and_readable(each_set):
    labels = each_set
    assert len(labels) >= 150
    keys = [(r["file"], r["path"]) for r in labels]
    assert len(set(keys)) == len(keys)

    def order(r):
        m = re.match(r"(\w+)(?:\[(\d+)\])?", r["path"])
        return r["file"], m.group(1), int(m.group(2) or 0)

    assert labels == sorted(labels, key=order)
    assert {r["kind"] for r in labels} <= set(KINDS)
    for r in labels:
        assert r["label"] in ("supported", "not supported")
        assert r["label"] == "supported" or r.get("note"), r["path"]


def test_cited_texts_are_the_articles_sentences(each_set):
    labels = each_set
    folder = LABELS.parent / "briefings"
    articles = {}
    for r in labels:
        if r["file"] not in articles:
            b = Briefing.model_validate_json((folder / r["file"]).read_text(encoding="utf-8"))
            articles[r["file"]] = Article(b.article.text).sentences
        sents = articles[r["file"]]
        for sid, text in zip(r["cited"], r["cited_text"]):
            assert text == (sents[sid - 1].text if 1 <= sid <= len(sents) else None)


def test_the_set_the_rules_were_written_against_has_every_kind(labels):
    assert {r["kind"] for r in labels} == set(KINDS)


def test_every_label_is_found_again(measured, labels):
    assert not measured.skipped
    assert len(measured.verdicts) == len(labels)


def test_precision_and_recall_hold(measured):
    s = measured.score()
    assert s.precision >= PRECISION_FLOOR, measured.table()
    assert s.recall >= RECALL_FLOOR, measured.table()


def test_the_held_out_set_holds_its_floors():
    """The ✓ on answers the rules were not written against (schema 1.3 briefings, the long articles)."""
    heldout = load_labels(HELDOUT)
    assert len(heldout) >= 150 and {r["label"] for r in heldout} == {"supported", "not supported"}
    s = measure(heldout).score()
    assert s.precision >= HELDOUT_PRECISION_FLOOR and s.recall >= HELDOUT_RECALL_FLOOR, measure(heldout).table()


def test_precision_target(measured):
    assert measured.score().precision >= PRECISION_TARGET


def test_recall_target(measured):
    assert measured.score().recall >= RECALL_TARGET


def test_every_kind_shown_with_a_check_is_mostly_right(measured):
    """No kind's ✓ falls far below the target: headlines and key points 0.94-0.96, the rest 1.00 today."""
    for kind in KINDS:
        s = measured.score(kind)
        assert s.precision is None or s.precision >= 0.9, (kind, measured.table())


def test_the_headline_is_checked(measured):
    heads = [v for v in measured.verdicts if v.label["kind"] == "headline"]
    assert sum(v.shown for v in heads) >= 17  # was 0: nobody checked it


def test_the_invented_forecast_and_the_past_event_are_not_shown(measured):
    """Outlook items the rule of 213993c already catches: a past event with no forward word."""
    by = {(v.label["file"], v.label["path"]): v for v in measured.verdicts}
    assert not by[("example-vienna-talks.json", "outlook[0]")].shown  # "Blinken met Wang Yi …"
    assert not by[("brief-01-toblerone-shape-change-anger-standard.json", "outlook[0]")].shown
