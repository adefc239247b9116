"""``briefing eval``: each metric on small constructed briefings (no model), the runner's failure handling and
the report it writes."""

from __future__ import annotations

import json

import pytest

from briefing.text.article import Article
from briefing.errors import InputError
from briefing.eval.corpus import W_KEYS, load_corpus, normalize_gold, to_article
from briefing.eval.metrics import (COVERAGE_RULE, cost_metric, coverage_metric, default_page_counter, evaluate,
                                    grounding_metric, length_metric, match_answer, names_metric, quote_metric,
                                    shown_texts, stem, stems, word_count)
from briefing.eval.report import report_from_dir, summarize, write_report
from briefing.eval.run import run
from briefing.grounding.names import is_name
from briefing.usage import Usage
from briefing.grounding.grounder import Grounder
from briefing.brief import build
from briefing.roles import Role, fields_by_role
from briefing.schema import Briefing, Extraction, extraction_json_schema

ART = ("VIENNA, May 3 (Wire) - Iran and the European Union resumed nuclear talks in Vienna on Wednesday. "
       "Foreign Minister Abbas Araghchi said: \"We are ready to return to full compliance.\" "
       "EU envoy Enrique Mora told reporters the talks were \"constructive but difficult\". "
       "The next round is due to begin on Monday, officials said. "
       "Washington has not joined the talks because of sanctions imposed in 2018.")
GOLD = {"who": ["the European Union", "Iran"], "what": ["resumed nuclear talks"], "when": ["Wednesday"],
        "where": ["Vienna"], "why": [], "how": []}


def extraction(**changes) -> dict:
    data = {
        "headline": "Iran and EU resume nuclear talks in Vienna",
        "dateline": {"place": "VIENNA", "date": "May 3"},
        "bottom_line": {"text": "Iran and the EU resumed nuclear talks in Vienna.", "ev": [1]},
        "key_points": [{"text": "Iran and the EU resumed nuclear talks.", "ev": [1]},
                       {"text": "Araghchi said Iran is ready to return to full compliance.", "ev": [1, 2]},
                       {"text": "The next round begins on Monday.", "ev": [4]}],
        "actors": [{"name": "Abbas Araghchi", "role": "Foreign Minister", "affiliation": "Iran",
                    "stance": "Ready to return to compliance", "ev": [2]}],
        "positions": [{"party": "Iran", "stance": "Ready to return to full compliance.", "ev": [1, 2]}],
        "timeline": [{"date": "Wednesday", "what": "Nuclear talks resumed in Vienna", "who": "Iran",
                      "type": "CONSULT", "ev": [1]}],
        "quotes": [{"speaker": "Abbas Araghchi", "text": "We are ready to return to full compliance."}],
        "issues": [{"text": "Washington has not joined the talks because of sanctions.", "ev": [5]}],
        "outlook": [{"text": "The next round is due on Monday.", "likelihood": "likely", "confidence": "moderate",
                     "basis": "Officials said so.", "ev": [4]}],
        "open_questions": [{"text": "Will Washington join the talks?", "ev": [5]}],
    }
    data.update(changes)
    return data


def make(data: dict | None = None, *, text: str = ART, date: str | None = "2021-05-05",
         usage: Usage | None = None) -> Briefing:
    """A briefing as the pipeline builds one from a model's answer: grounded, then finalized."""
    article = Article(text=text, date=date, title="Talks resume")
    ex = Extraction.model_validate(data or extraction(), context={"check": Grounder(article, strict=False)})
    return build(article, ex, usage=usage, model="test", provider="openai")


# ------------------------------------------------------------------------------------------ grounding

def test_grounding_counts_verified_items_and_dropped_quotes():
    b = make(extraction(quotes=[{"speaker": "Abbas Araghchi", "text": "We will never return."}],
                        issues=[{"text": "Sanctions imposed on Washington in 2018.", "ev": [5]},
                                {"text": "Fishing quotas in the Baltic.", "ev": [3]}]))
    m = grounding_metric(b)
    assert "issues[1]" in m["unverified"] and "dropped_quotes[0]" in m["unverified"]
    assert m["total"] == m["verified"] + len(m["unverified"])
    assert m["share"] == round(m["verified"] / m["total"], 4) < 1


def test_grounding_of_a_clean_briefing_is_complete():
    m = grounding_metric(make())
    assert m["unverified"] == [] and m["share"] == 1.0 and m["total"] == 12


def test_grounding_rejects_evidence_that_is_not_a_slice_of_the_source():
    b = make()
    b.extraction.key_points[0].evidence[0].text = "Iran and the EU signed a deal."
    m = grounding_metric(b)
    assert m["unverified"] == ["key_points[0]"]


# ------------------------------------------------------------------------------------------ quotes

def test_quote_fidelity_separates_misquotes_from_wrong_speakers():
    b = make(extraction(quotes=[
        {"speaker": "Abbas Araghchi", "text": "We are ready to return to full compliance."},   # right
        {"speaker": "Abbas Araghchi", "text": "constructive but difficult"},                   # Mora said it
        {"speaker": "Enrique Mora", "text": "We are ready to return to compliance at once."},  # misquote
    ]))
    m = quote_metric(b)
    rows = {r["text"]: r for r in m["rows"]}
    assert rows["We are ready to return to full compliance."] | {} == {
        "speaker": "Abbas Araghchi", "text": "We are ready to return to full compliance.", "shown": True,
        "verbatim": True, "speaker_ok": True, "model_speaker": "Abbas Araghchi", "model_speaker_ok": True}
    wrong = rows["constructive but difficult"]
    assert wrong["verbatim"] and not wrong["model_speaker_ok"], "the model put Mora's words in Araghchi's mouth"
    assert (wrong["speaker"], wrong["speaker_ok"], wrong["shown"]) == ("Enrique Mora", True, True), \
        "grounding took the speaker from the article's attribution"
    assert not rows["We are ready to return to compliance at once."]["verbatim"]
    assert (m["quotes"], m["shown"], m["dropped"], m["verbatim"], m["speaker_ok"]) == (3, 2, 1, 2, 2)
    assert (m["model_speaker_ok"], m["reattributed"]) == (1, 1)
    assert (m["verbatim_share"], m["speaker_share"], m["model_speaker_share"]) == (0.6667, 0.6667, 0.3333)


def test_no_quotes_gives_no_share():
    m = quote_metric(make(extraction(quotes=[])))
    assert m["quotes"] == 0 and m["verbatim_share"] is None and m["speaker_share"] is None


# ------------------------------------------------------------------------------------------ names

def test_invented_names_in_fields_and_free_text():
    data = extraction(actors=[{"name": "Abbas Araghchi", "role": None, "affiliation": "Iran", "stance": None,
                               "ev": [2]},
                              {"name": "Boris Johnson", "role": None, "affiliation": "Britain", "stance": None,
                               "ev": [3]}],
                      bottom_line={"text": "Iran and the EU resumed talks, watched by Moscow.", "ev": [1]})
    m = names_metric(make(data))
    assert m["invented"] == [{"name": "Boris Johnson", "where": "actors[1].name"},
                             {"name": "Britain", "where": "actors[1].affiliation"},
                             {"name": "Moscow", "where": "free text"}]
    assert m["count"] == 3


def test_descriptions_are_not_names():
    assert is_name("Iran") and is_name("Liam Lehane") and is_name("the White House")
    assert not is_name("The shooter") and not is_name("Tram driver")
    data = extraction(timeline=[{"date": "Wednesday", "what": "Nuclear talks resumed in Vienna",
                                 "who": "The negotiators", "type": "CONSULT", "ev": [1]}])
    assert names_metric(make(data))["count"] == 0


def test_aliases_and_source_names_are_not_invented():
    data = extraction(actors=[{"name": "Foreign Minister Araghchi", "role": None, "affiliation": "Iran",
                               "stance": None, "ev": [2]}],
                      positions=[{"party": "European Union", "stance": "Talks were constructive.", "ev": [3]}])
    assert names_metric(make(data))["count"] == 0


# ------------------------------------------------------------------------------------------ 5W1H coverage

def test_coverage_answers_each_w_with_gold_and_skips_the_rest():
    m = coverage_metric(make(), GOLD)
    assert {w: v["answered"] for w, v in m["per_w"].items()} == {
        "who": True, "what": True, "when": True, "where": True, "why": None, "how": None}
    assert (m["answered"], m["with_gold"], m["share"]) == (4, 4, 1.0)
    # "resumed nuclear talks" and "Vienna" are there word for word; "Wednesday" too; "Iran" too.
    assert (m["strict"], m["strict_share"]) == (4, 1.0)


def test_strict_coverage_wants_every_content_word():
    gold = dict(GOLD, what=["resumed stalled nuclear talks"])
    m = coverage_metric(make(), gold)
    assert m["per_w"]["what"]["answered"] is True and m["per_w"]["what"]["strict"] is False
    assert (m["answered"], m["strict"]) == (4, 3)


def test_coverage_reports_a_missing_w():
    gold = dict(GOLD, why=["because of sanctions imposed in 2018"], how=["by videolink from Geneva"])
    m = coverage_metric(make(extraction(issues=[{"text": "Talks in Vienna.", "ev": [1]}])), gold)
    assert m["per_w"]["why"] == {"gold": ["because of sanctions imposed in 2018"], "answered": False,
                                 "matched": None, "strict": False}
    assert m["per_w"]["how"]["answered"] is False
    assert (m["answered"], m["with_gold"]) == (4, 6)


def test_coverage_rule_half_the_content_words_with_stems():
    have = stems("The tram overturned near Sandilands; trains stopped.")
    # sandilands, commuter, train, stop, croydon: 3 of 5 needed; sandilands, train(s), stop(ped → 'stoppe')
    assert match_answer("Sandilands commuter train stop in Croydon", have) == (2, 3, False)
    assert match_answer("tram overturns", have) == (2, 1, True)
    assert match_answer("the", have) == (0, 0, False)
    assert stem("Rescuers") == stem("rescue") and stem("Trump's") == "trump"


def test_when_matches_a_resolved_date():
    # Gold says "May 5"; the briefing only says "Wednesday", which resolves to 2021-05-05 from the article's date
    # (Friday 7 May).
    gold = dict(GOLD, when=["May 5, 2021"])
    data = extraction(dateline={"place": "VIENNA", "date": None})
    assert coverage_metric(make(data, date="2021-05-07"), gold)["per_w"]["when"]["answered"] is True
    assert coverage_metric(make(data, date=None), gold)["per_w"]["when"]["answered"] is False
    no_timeline = extraction(dateline={"place": "VIENNA", "date": None}, timeline=[])
    assert coverage_metric(make(no_timeline, date="2021-05-07"), gold)["per_w"]["when"]["answered"] is False


def test_the_source_date_the_briefing_shows_answers_when_for_the_same_day():
    gold = dict(GOLD, when=["May 7, 2021"])
    data = extraction(dateline={"place": "VIENNA", "date": None}, timeline=[])
    assert coverage_metric(make(data, date="2021-05-07"), gold)["per_w"]["when"]["answered"] is True
    assert coverage_metric(make(data, date="2021-05-08"), gold)["per_w"]["when"]["answered"] is False


def test_open_questions_do_not_count_as_answers():
    gold = dict(GOLD, why=["pipeline sabotage"])
    data = extraction(open_questions=[{"text": "Was pipeline sabotage behind it?", "ev": [5]}])
    assert coverage_metric(make(data), gold)["per_w"]["why"]["answered"] is False


# ------------------------------------------------------------------------------------------ length and cost

def test_length_counts_shown_words_and_uses_the_page_counter():
    b = make()
    words = word_count(b)
    assert words == sum(len(t.split()) for t in shown_texts(b)) and 60 < words < 150
    assert length_metric(b) == {"words": words, "pages": None, "one_page": None}
    assert length_metric(b, lambda _: 2)["one_page"] is False
    assert length_metric(b, lambda _: 1)["one_page"] is True
    shorter = make(extraction(quotes=[]))
    assert [q.chosen for q in shorter.extraction.quotes] == [True], "with no quote of the model's, the tool's pick"
    shorter.extraction.quotes = []
    assert word_count(shorter) < words


def test_cost_comes_from_usage():
    b = make(usage=Usage(calls=2, attempts=2, prompt_tokens=1800, completion_tokens=600, seconds=95.25))
    assert cost_metric(b) == {"calls": 2, "attempts": 2, "prompt_tokens": 1800, "completion_tokens": 600,
                                 "seconds": 95.25}


# ------------------------------------------------------------------------------------------ corpus and summary

def test_gold_normalisation():
    assert normalize_gold({"who": "Lady Gaga", "what": ["a", " ", None], "when": [{"text": "today"}, {}]}) == {
        "who": ["Lady Gaga"], "what": ["a"], "when": ["today"], "where": [], "why": [], "how": []}
    assert normalize_gold(None) == {w: [] for w in W_KEYS}


def test_load_corpus_refuses_bad_folders(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(InputError, match="no \\*.json"):
        load_corpus(tmp_path)
    (tmp_path / "a.json").write_text('{"title": "x"}')
    with pytest.raises(InputError, match="no 'text'"):
        load_corpus(tmp_path)


def test_summary_pools_figures_and_counts_failures():
    good = make(usage=Usage(calls=1, attempts=1, prompt_tokens=1000, completion_tokens=400, seconds=60))
    bad = make(extraction(quotes=[{"speaker": "Enrique Mora", "text": "We are ready to leave."},
                                  {"speaker": "Enrique Mora", "text": "We are ready to return"}]),
               usage=Usage(calls=2, attempts=2, prompt_tokens=2000, completion_tokens=800, seconds=120))
    gold = dict(GOLD, how=["by videolink"])
    articles = [{"name": "a", "metrics": evaluate(good, gold)}, {"name": "b", "metrics": evaluate(bad, gold)},
                {"name": "c", "status": "failed", "metrics": None}]
    o = summarize(articles)
    assert (o["articles"], o["briefed"], o["failed"]) == (3, 2, 1)
    assert (o["quotes"]["quotes"], o["quotes"]["speaker_ok"], o["quotes"]["dropped"]) == (3, 2, 1)
    assert (o["quotes"]["model_speaker_ok"], o["quotes"]["reattributed"]) == (1, 1)
    assert o["grounding"]["total"] == 25 and o["grounding"]["verified"] == 24
    assert o["coverage"]["per_w"]["how"] == {"answered": 0, "with_gold": 2, "share": 0.0}
    assert (o["coverage"]["answered"], o["coverage"]["with_gold"]) == (8, 10)
    assert o["cost"] == {"calls": 3, "attempts": 3, "prompt_tokens": 3000, "completion_tokens": 1200,
                         "seconds": 180.0}
    assert o["length"]["one_page"] is None


# ------------------------------------------------------------------------------------------ runner and report

LONG = ART + " " + ("Diplomats expect the technical working groups to meet again before the next round, "
                    "according to a schedule circulated to delegations.")


def _corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (("01-vienna", LONG), ("02-other", LONG.replace("Vienna", "Geneva"))):
        (corpus / f"{name}.json").write_text(json.dumps({
            "title": "Talks resume", "text": text, "date": "2021-05-05", "url": "https://example.org/a",
            "publisher": "wire", "gold": GOLD}), encoding="utf-8")
    return corpus


def test_run_answers_from_the_cache_reports_a_failed_article_and_goes_on(tmp_path):
    from briefing.model.identity import request_key as cache_key
    from briefing.store.cache import Cache
    from briefing.config import Settings

    corpus = _corpus(tmp_path)
    # Nothing listens on this port, and tests have no network: any model call fails.
    settings = Settings(provider="llamacpp", base_url="http://127.0.0.1:9/v1", model="local", max_retries=0,
                        http_retries=0, timeout=5)
    first = load_corpus(corpus)[0]
    article = to_article(first)
    ex = Extraction.model_validate(extraction(), context={"check": Grounder(article, strict=False)})
    with Cache() as cache:
        cache.put(cache_key(article, settings, model="local", base_url=settings.base_url), ex.model_dump_json(),
                  usage=Usage(calls=1, attempts=1, prompt_tokens=900, completion_tokens=350, seconds=80).as_dict())
    out = tmp_path / "eval"
    messages = []
    report = run(corpus, out, settings, progress=messages.append)

    a, b = report["articles"]
    assert a["status"] == "ok" and a["metrics"]["grounding"]["share"] == 1.0
    assert a["metrics"]["cost"]["prompt_tokens"] == 900  # what the cached answer cost when it was made
    assert a["cached"] is True and b["cached"] is False
    assert b["status"] == "failed" and b["metrics"] is None and b["error"].startswith("ModelError: "), b["error"]
    assert not (out / "briefings" / "02-other.json").exists()
    assert Briefing.model_validate_json((out / "briefings" / "01-vienna.json").read_text()).article.url
    assert report["overall"]["briefed"] == 1 and report["overall"]["failed"] == 1
    assert any("failed" in m.lower() for m in messages)

    # The report is recomputed from the saved records and briefings alone.
    again = report_from_dir(out, pages=False)
    assert again["overall"] == dict(report["overall"], length=again["overall"]["length"])
    assert again["articles"][0]["metrics"]["coverage"] == a["metrics"]["coverage"]


def test_report_files_show_figures_rules_and_failures(tmp_path):
    out = tmp_path / "eval"
    (out / "briefings").mkdir(parents=True)
    (out / "articles").mkdir()
    bad_names = extraction(actors=[{"name": "Boris Johnson", "role": None, "affiliation": None, "stance": None,
                                    "ev": [3]}])
    (out / "briefings" / "a.json").write_text(make(bad_names).model_dump_json())
    for name, status in (("a", "ok"), ("b", "failed")):
        (out / "articles" / f"{name}.json").write_text(json.dumps({
            "name": name, "title": "Talks", "url": None, "gold": dict(GOLD, how=["by videolink"]), "status": status,
            "error": None if status == "ok" else "ModelError: the model stopped at max_tokens", "seconds": 3.0}))
    report = report_from_dir(out, pages=lambda _: 1)
    paths = write_report(report, out)
    assert [p.name for p in paths] == ["report.json", "report.md"]
    md = (out / "report.md").read_text()
    assert "| Invented names | 1 (in 1 of 1 briefings) |" in md
    assert "Boris Johnson (actors[0].name)" in md
    assert "| 5W1H coverage | 80% (4 of 5 Ws with gold) |" in md
    assert "**how**: no — gold: by videolink" in md
    assert "| Fits one page (HTML → PDF) | 1 of 1 |" in md
    assert "**Failed:** ModelError: the model stopped at max_tokens" in md
    assert COVERAGE_RULE in md
    data = json.loads((out / "report.json").read_text())
    assert data["overall"]["names"]["invented"] == 1 and data["articles"][1]["status"] == "failed"


def test_report_from_an_empty_folder_says_what_to_do(tmp_path):
    with pytest.raises(InputError, match="briefing eval CORPUS"):
        report_from_dir(tmp_path)


def test_cli_eval_from_saved_briefings_and_usage_errors(tmp_path, capsys):
    from briefing.cli import main

    out = tmp_path / "eval"
    (out / "briefings").mkdir(parents=True)
    (out / "articles").mkdir()
    (out / "briefings" / "a.json").write_text(make().model_dump_json())
    (out / "articles" / "a.json").write_text(json.dumps({"name": "a", "gold": GOLD, "status": "ok"}))
    assert main(["eval", "--from", str(out), "-q"]) == 0
    assert "| 5W1H coverage | 100% (4 of 4 Ws with gold) |" in (out / "report.md").read_text()
    assert main(["eval"]) == 2
    assert main(["eval", str(tmp_path), "--from", str(out)]) == 2
    assert "give a corpus folder" in capsys.readouterr().err


def test_reground_checks_the_saved_answers_again_without_a_model(tmp_path, capsys):
    """A briefing saved by an older grounding (Mora's words withheld as Araghchi's) is grounded again: the same
    answer now shows the quote with the speaker the article names; the meta of the model call is kept."""
    from briefing.cli import main

    b = make(extraction(quotes=[{"speaker": "Abbas Araghchi", "text": "constructive but difficult"}]),
             usage=Usage(calls=1, attempts=1, prompt_tokens=700, completion_tokens=300, seconds=50))
    assert b.extraction.quotes[0].model_speaker == "Abbas Araghchi"
    old = b.model_copy(deep=True)  # as an older version saved it: the quote withheld, the model's speaker on it
    q = old.extraction.quotes.pop()
    old.grounding.dropped_quotes = [q.model_copy(update={"speaker": "Abbas Araghchi", "model_speaker": None,
                                                         "supported": False, "problems": ["does not attribute"]})]
    src, out = tmp_path / "old", tmp_path / "new"
    (src / "briefings").mkdir(parents=True)
    (src / "articles").mkdir()
    (src / "briefings" / "a.json").write_text(old.model_dump_json())
    (src / "articles" / "a.json").write_text(json.dumps({"name": "a", "gold": GOLD, "status": "ok"}))
    assert main(["eval", "--from", str(src), "-q"]) == 0
    assert "dropped by grounding" in (src / "report.md").read_text()
    assert main(["eval", "--from", str(src), "--reground", "-o", str(out), "-q"]) == 0
    new = Briefing.model_validate_json((out / "briefings" / "a.json").read_text())
    assert [(q.speaker, q.model_speaker) for q in new.extraction.quotes] == [("Enrique Mora", "Abbas Araghchi")]
    assert new.grounding.dropped_quotes == [] and new.meta == old.meta
    assert new.extraction.key_points == old.extraction.key_points
    report = (out / "report.md").read_text()
    assert "| Quotes with the right speaker, as the model named them | 0% (0 of 1) |" in report
    assert "speaker: yes (the model named Abbas Araghchi)" in report
    assert main(["eval", str(tmp_path), "--reground"]) == 2
    assert "--reground works on saved briefings" in capsys.readouterr().err


@pytest.mark.browser
def test_default_page_counter_prints_a_short_briefing_on_one_page():
    from briefing.errors import RenderError
    from briefing.output.pdf import find_chromium

    try:
        find_chromium()
    except RenderError:
        assert default_page_counter() is None
        pytest.skip("no Chromium here: the report says n/a")
    pages = default_page_counter()
    assert pages is not None and pages(make()) == 1


def test_a_title_case_headline_does_not_invent_names():
    data = extraction(headline="Several Dead After Nuclear Talks Collapse In Vienna")
    assert names_metric(make(data))["count"] == 0
    data = extraction(headline="Talks watched closely by Moscow and Beijing")
    assert [n["name"] for n in names_metric(make(data))["invented"]] == ["Moscow", "Beijing"]



def test_the_briefing_and_the_eval_read_names_from_the_roles_the_schema_declares():
    # one invented name in each kind of field that is read for names: a name field, a headline not in title case,
    # a title, an outlook's basis, an open question; a description ('The shooter') is not a name
    data = extraction(headline="Iran and the EU meet again in Geneva",
                      actors=[{"name": "Abbas Araghchi", "role": "Envoy to Lisbon", "ev": [2]}],
                      positions=[{"party": "Norway", "stance": "Ready to return to full compliance.", "ev": [2]},
                                 {"party": "The shooter", "stance": "Ready to return to full compliance.", "ev": [2]}],
                      outlook=[{"text": "The next round is due on Monday.", "likelihood": "likely",
                                "confidence": "moderate", "basis": "Officials in Oslo said so.", "ev": [4]}],
                      open_questions=[{"text": "Will Moscow join the talks?", "ev": [5]}])
    b = make(data)
    m = names_metric(b)
    assert [(n["name"], n["where"]) for n in m["invented"]] == [
        ("Norway", "positions[0].party"), ("Geneva", "free text"), ("Lisbon", "free text"), ("Oslo", "free text"),
        ("Moscow", "free text")]
    assert b.grounding.unknown_names == [n["name"] for n in m["invented"]]  # what the briefing flags, the eval counts


def test_field_roles_are_on_the_fields_and_not_in_the_schema_the_model_sees():
    ex = make().extraction
    roles = {path: role for path, role, _ in fields_by_role(ex)}
    assert roles["headline"] is Role.HEADLINE and roles["bottom_line.text"] is Role.TEXT
    assert roles["actors[0].name"] is roles["quotes[0].speaker"] is roles["timeline[0].who"] is Role.NAME
    assert roles["actors[0].role"] is Role.TITLE and roles["quotes[0].text"] is Role.QUOTE
    assert roles["timeline[0].date"] is roles["dateline.date"] is Role.DATE

    def values(node):  # every string value in the JSON Schema except property names listed as required
        if isinstance(node, dict):
            for k, v in node.items():
                if k != "required":
                    yield from values(v)
        elif isinstance(node, list):
            for v in node:
                yield from values(v)
        elif isinstance(node, str):
            yield node

    assert not {r.value for r in Role} & set(values(extraction_json_schema()))

def test_grounding_tells_wrong_sentence_ids_from_unstated_claims():
    b = make(extraction(key_points=[
        {"text": "Iran and the EU resumed nuclear talks.", "ev": [1]},
        {"text": "The next round of talks begins on Monday.", "ev": [2]},   # stated, but by [4]
        {"text": "Fishing quotas in the Baltic were agreed.", "ev": [3]},   # stated nowhere
    ]))
    m = grounding_metric(b)
    # key_points[1] is re-anchored by grounding to the sentence that states it: verified, but counted as a wrong id
    assert "key_points[2]" in m["unverified"] and "key_points[1]" not in m["unverified"]
    assert m["wrong_ids"] == ["key_points[1]"]


def test_a_dateline_copied_from_the_metadata_is_replaced_by_the_one_in_the_text():
    b = make(extraction(dateline={"place": None, "date": "2021-05-05"}))
    assert (b.extraction.dateline.place, b.extraction.dateline.date) == ("VIENNA", "May 3")
    assert b.extraction.dateline.supported is True and "dateline" not in grounding_metric(b)["unverified"]
    undated = make(extraction(dateline={"place": None, "date": "2021-05-05"}), text=ART.split(" - ", 1)[1])
    d = undated.extraction.dateline  # no wire dateline: the opening's place and time, never the metadata's date
    assert (d.place, d.date, d.opening, d.supported) == ("Vienna", "Wednesday", True, None)
    assert "dateline" not in grounding_metric(undated)["unverified"]


def test_an_eval_run_records_the_sections_profile_it_asked_for(tmp_path):
    from briefing.model.identity import request_key as cache_key
    from briefing.store.cache import Cache
    from briefing.config import Settings
    from briefing.model.prompts import prompt_hash

    corpus = _corpus(tmp_path)
    settings = Settings(provider="llamacpp", base_url="http://127.0.0.1:9/v1", model="local", max_retries=0,
                        http_retries=0, timeout=5, sections="brief")
    article = to_article(load_corpus(corpus)[0])
    ex = Extraction.model_validate(extraction(), context={"check": Grounder(article, strict=False)})
    with Cache() as cache:
        cache.put(cache_key(article, settings, model="local", base_url=settings.base_url), ex.model_dump_json(),
                  usage=Usage(calls=1, attempts=1, prompt_tokens=900, completion_tokens=350, seconds=80).as_dict())
    report = run(corpus, tmp_path / "eval", settings, progress=lambda _: None)
    assert report["articles"][0]["prompt_hash"] == prompt_hash("brief") != prompt_hash("full")
    b = Briefing.model_validate_json((tmp_path / "eval" / "briefings" / "01-vienna.json").read_text())
    assert b.meta.sections == "brief" and report["sections"] == ["brief"]
    write_report(report, tmp_path / "eval")
    assert "Sections: brief." in (tmp_path / "eval" / "report.md").read_text()
