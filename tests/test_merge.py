"""The merge step on constructed extractions: duplicates become one item with all their evidence, conflicting
figures, dates and speakers are found (the later report marked), spans of parts keep the whole text's offsets, and a
full section says what it left out."""

from __future__ import annotations

import pytest

from briefing.grounding.grounder import Grounder
from briefing.merge import Source, Sourced, merge
from briefing.merge.conflicts import figures
from briefing.merge.same import same_name, same_quote
from briefing.schema import Actor, BottomLine, Event, Extraction, Outlook, Point, Quote, Span
from briefing.text.article import Article


def extraction(points, *, actors=(), quotes=(), timeline=(), bottom="A tram overturned in Croydon.",
               outlook="An inquiry is expected to report.") -> Extraction:
    pts = [Point(text=t, ev=[1]) for t in points]
    while len(pts) < 3:
        pts.append(Point(text=f"Filler fact number {len(pts)} about something else entirely.", ev=[1]))
    return Extraction(headline="Tram crash", bottom_line=BottomLine(text=bottom, ev=[1]), key_points=pts,
                      actors=list(actors) or [Actor(name="Transport for London", role=None, ev=[1])],
                      quotes=list(quotes), timeline=list(timeline),
                      outlook=[Outlook(text=outlook, likelihood="likely", confidence="moderate", basis="police said",
                                       ev=[1])])


def src(i: int, published: str | None = None, label: str | None = None) -> Source:
    return Source(id=f"s{i}", index=i, label=label or f"outlet {i}", published=published)


def test_the_same_fact_actor_and_quote_from_two_sources_are_one_item_each_with_both_sources():
    a = extraction(["The tram overturned on a sharp bend near Sandilands."],
                   actors=[Actor(name="Mayor Sadiq Khan", role="Mayor of London", ev=[1])],
                   quotes=[Quote(speaker="Sadiq Khan", text="my thoughts are with all those involved")])
    b = extraction(["A tram overturned on the sharp bend near Sandilands stop."],
                   actors=[Actor(name="Khan", role=None, ev=[1])],
                   quotes=[Quote(speaker="Sadiq Khan", text="My thoughts are with all those involved, and their "
                                                            "families")])
    m = merge([Sourced(src(0), a), Sourced(src(1), b)])
    ex = m.extraction
    bend = [p for p in ex.key_points if "bend" in p.text]
    assert len(bend) == 1 and bend[0].sources == [0, 1]
    assert len(ex.actors) == 1 and ex.actors[0].sources == [0, 1] and ex.actors[0].role == "Mayor of London"
    assert len(ex.quotes) == 1 and ex.quotes[0].sources == [0, 1]
    assert m.support(bend[0]) == 2
    fillers = [p for p in ex.key_points if p.text.startswith("Filler")]
    assert all(p.sources in ([0, 1], [0], [1]) for p in fillers)


def test_different_facts_and_different_people_stay_apart():
    a = extraction(["The driver was arrested on suspicion of manslaughter."],
                   actors=[Actor(name="Joe Biden", role=None, ev=[1])])
    b = extraction(["Seven people died and more than 50 were injured."],
                   actors=[Actor(name="Hunter Biden", role=None, ev=[1])])
    ex = merge([Sourced(src(0), a), Sourced(src(1), b)]).extraction
    assert any("arrested" in p.text for p in ex.key_points) and any("Seven" in p.text for p in ex.key_points)
    assert [x.name for x in ex.actors] == ["Joe Biden", "Hunter Biden"]


@pytest.mark.parametrize("a,b,same", [("Wang Yi", "Wang", True), ("Mr Wang Yi", "Wang Yi", True),
                                      ("President Biden", "Joe Biden", True), ("Joe Biden", "Hunter Biden", False),
                                      ("China", "United States", False)])
def test_names(a, b, same):
    assert same_name(a, b) is same


def test_quotes_are_the_same_by_their_words_not_their_punctuation():
    assert same_quote("“We are deeply saddened,” he said", "we are deeply saddened")
    assert not same_quote("we are deeply saddened", "we will never forget them")


def test_figures_read_numbers_with_what_they_count():
    assert figures("At least five people died and 51 were injured") == [("dead", 5.0, "at least five"),
                                                                         ("injured", 51.0, "51")]
    assert figures("the death toll rose to seven") == [("dead", 7.0, "seven")]
    assert figures("A 35-year-old man was arrested in 2016 at 10:00") == []


def test_conflicting_tolls_are_shown_with_their_sources_and_the_later_report_marked():
    early = extraction(["At least five people were killed when the tram overturned."])
    late = extraction(["Seven people were killed when the tram overturned."])
    same = extraction(["Seven dead after the tram overturned."])
    m = merge([Sourced(src(0, "2016-11-09T10:00"), early), Sourced(src(1, "2016-11-09T21:13"), late),
               Sourced(src(2, "2016-11-09T12:52"), same)])
    dead = [c for c in m.conflicts if c.kind == "number" and c.about == "dead"]
    assert len(dead) == 1
    values = {v.value: v for v in dead[0].values}
    assert set(values) == {"at least five", "Seven"}
    assert values["Seven"].sources == [1, 2] and values["Seven"].latest
    assert values["at least five"].sources == [0] and not values["at least five"].latest
    assert [v.published for v in dead[0].values] == sorted(v.published for v in dead[0].values)


def test_sources_that_agree_give_no_conflict():
    a = extraction(["Seven people were killed in the crash."])
    b = extraction(["The crash killed seven people."])
    assert not [c for c in merge([Sourced(src(0), a), Sourced(src(1), b)]).conflicts if c.kind == "number"]


def test_the_same_event_on_different_dates_and_the_same_words_from_different_speakers_are_conflicts():
    ev_a = Event(date="Wednesday", what="Police named the last three victims", who="Police", type=None, ev=[1],
                 iso="2016-11-11")
    ev_b = Event(date="Saturday", what="Police named the last three victims", who="Police", type=None, ev=[1],
                 iso="2016-11-12")
    q_a = Quote(speaker="Mark Rowley", text="we are working to identify everyone", supported=True)
    q_b = Quote(speaker="Andy Byford", text="we are working to identify everyone", supported=True)
    m = merge([Sourced(src(0), extraction(["x y z"], timeline=[ev_a], quotes=[q_a])),
               Sourced(src(1), extraction(["x y z"], timeline=[ev_b], quotes=[q_b]))])
    kinds = {c.kind: c for c in m.conflicts}
    assert {v.value for v in kinds["date"].values} == {"2016-11-11", "2016-11-12"}
    assert {v.value for v in kinds["speaker"].values} == {"Mark Rowley", "Andy Byford"}
    assert len(m.extraction.timeline) == 1 and len(m.extraction.quotes) == 1


def test_wire_datelines_that_disagree_are_a_conflict_and_openings_worded_apart_are_not():
    from briefing.schema import Dateline

    def dated(place: str, opening: bool) -> Extraction:
        ex = extraction(["x y z"])
        ex.dateline = Dateline(place=place, date=None, opening=opening)
        return ex

    wire = merge([Sourced(src(0), dated("VIENNA", False)), Sourced(src(1), dated("GENEVA", False))])
    assert [{v.value for v in c.values} for c in wire.conflicts if c.kind == "place"] == [{"VIENNA", "GENEVA"}]
    opened = merge([Sourced(src(0), dated("downtown Seattle", True)), Sourced(src(1), dated("Seattle", True))])
    assert not [c for c in opened.conflicts if c.kind == "place"]


WHOLE = ("A tram overturned in Croydon on Wednesday morning, killing seven people. "
         "More than fifty passengers were injured, police said.\n\n"
         "The driver, a 42-year-old man, was arrested on suspicion of manslaughter. "
         "Investigators said the tram was travelling far faster than the limit on the bend.")


def grounded(text: str, points: list[tuple[str, int]]) -> Extraction:
    """A real grounding of an extraction against ``text`` (the Grounder fills exact spans)."""
    article = Article(text=text)
    data = extraction([p for p, _ in points]).model_dump()
    for item, (_, sid) in zip(data["key_points"], points):
        item["ev"] = [sid]
    data["bottom_line"]["ev"] = [1]
    data["actors"][0]["ev"] = [1]
    data["outlook"][0]["ev"] = [1]
    return Extraction.model_validate(data, context={"check": Grounder(article, strict=False)})


def test_parts_of_one_article_keep_the_whole_texts_offsets():
    cut = WHOLE.index("The driver")
    first, second = WHOLE[:cut], WHOLE[cut:]
    a = grounded(first, [("A tram overturned in Croydon, killing seven people", 1),
                         ("More than fifty passengers were injured", 2)])
    b = grounded(second, [("The driver was arrested on suspicion of manslaughter", 1),
                          ("The tram was travelling far faster than the limit", 2)])
    assert all(s.start < len(second) for p in b.key_points for s in p.evidence)
    m = merge([Sourced(Source("part-1", offset=0), a), Sourced(Source("part-2", offset=cut), b)])
    spans = [s for p in m.extraction.key_points for s in p.evidence]
    assert spans and all(WHOLE[s.start:s.end] == s.text for s in spans)
    driver = next(p for p in m.extraction.key_points if "driver" in p.text)
    assert driver.evidence[0].start >= cut and driver.supported


def test_a_full_section_keeps_the_best_supported_items_and_says_how_many_it_left_out():
    first = ["Police closed the station", "Ambulances took victims to hospital", "The mayor visited the site"]
    second = ["Engineers inspected the rails", "Schools nearby stayed shut", "Flowers were laid at the stop",
              "Trains were replaced by buses"]
    parts = [Sourced(src(0), extraction(first)), Sourced(src(1), extraction(second))]
    m = merge(parts)
    assert len(m.extraction.key_points) == 6 and m.omitted["key_points"] >= 1
    Extraction.model_validate(m.extraction.model_dump())  # a merged extraction reads back like any other


def test_spans_record_their_source_in_a_story():
    ex = extraction(["A fact"])
    ex.key_points[0].evidence = [Span(text="A fact", start=0, end=6)]
    m = merge([Sourced(src(0), ex), Sourced(src(3), ex)])
    assert {s.source for s in m.extraction.key_points[0].evidence} == {0, 3}


def test_two_outlets_wording_of_the_same_fact_is_one_item():
    """Key points the local model wrote for two reports of the China well rescue (recorded answers): the same fall
    in other words is one item; the rescue's machinery, a different fact, stays apart."""
    a = extraction(["The boy fell down a 40m dry well in Baoding, Hebei province on Sunday morning.",
                    "Sixty excavators and 100 dump trucks are being used to search the well."])
    b = extraction(["Six-year-old Zhao Zicong fell into a 40-metre-deep well in Hebei Province",
                    "Rescue team dispatched with 80 diggers and heavy-duty vehicles"])
    ex = merge([Sourced(src(0), a), Sourced(src(1), b)]).extraction
    fell = [p for p in ex.key_points if "fell" in p.text]
    assert len(fell) == 1 and fell[0].sources == [0, 1]
    assert len([p for p in ex.key_points if "excavators" in p.text or "diggers" in p.text]) == 2


def test_a_full_section_keeps_every_source_represented():
    """Ranked by support, equals take turns by source, so a third report is not crowded out by the first two."""
    parts = [Sourced(src(i), extraction([f"{w} {i} happened" for w in words]))
             for i, words in enumerate((["Alpha", "Bravo", "Charlie"], ["Delta", "Echo", "Foxtrot"],
                                        ["Golf", "Hotel", "India"]))]
    m = merge(parts, rank_by_support=True)
    assert {tuple(p.sources) for p in m.extraction.key_points} == {(0,), (1,), (2,)}
    assert m.omitted["key_points"] == 3
