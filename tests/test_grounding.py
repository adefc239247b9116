"""Grounding on constructed extractions: spans, tolerant quote matching, attribution, names, re-ask errors."""

import pytest
from pydantic import ValidationError

from briefing.text.article import Article
from briefing.grounding.finalize import finalize
from briefing.grounding.grounder import Grounder
from briefing.grounding.match import locate
from briefing.grounding.names import is_anonymous, name_in, unknown_names
from briefing.grounding.quotes import attribution_ok
from briefing.schema import Briefing, Extraction, Quote
from tests.helpers import ROOT, extraction, saved_answer


@pytest.fixture
def article(example_text):
    return Article(example_text)


def test_every_span_is_an_exact_slice(article):
    ex = Extraction.model_validate(extraction(), context={"check": Grounder(article)})
    for path, item in ex.items():
        assert item.evidence, path
        for span in item.evidence:
            assert article.text[span.start:span.end] == span.text
    g = finalize(ex, article)
    assert g.supported == g.total and not g.unsupported and not g.dropped_quotes


def test_quote_matching_tolerates_dashes_and_quotes_but_stores_source_slice(article):
    spans = locate(article.text, '"Both sides send strong - sometimes angry - messages,"')
    assert len(spans) == 1
    assert spans[0].text == "Both sides send strong — sometimes angry — messages"
    assert article.text[spans[0].start:spans[0].end] == spans[0].text


def test_quote_interrupted_by_attribution_matches_as_two_spans(article):
    quote = ("Both sides send strong — sometimes angry — messages, but these meetings offer an opportunity "
             "for them to find common ground")
    spans = locate(article.text, quote)
    assert len(spans) == 2
    assert all(article.text[s.start:s.end] == s.text for s in spans)
    assert spans[1].text.startswith("but these meetings")


def test_invented_quote_is_rejected_inside_validation_with_the_failure_named(article):
    bad = extraction(quotes=[{"speaker": "Jake Sullivan", "text": "We will never talk to Beijing again."}])
    with pytest.raises(ValidationError) as err:
        Extraction.model_validate(bad, context={"check": Grounder(article)})
    assert "quotes[0]: quote is not verbatim in the article" in str(err.value)


def test_failed_quote_is_dropped_and_listed_when_lenient(article):
    bad = extraction(quotes=[{"speaker": "Jake Sullivan", "text": "We will never talk to Beijing again."}])
    ex = Extraction.model_validate(bad, context={"check": Grounder(article, strict=False)})
    g = finalize(ex, article)
    assert [q.text for q in g.dropped_quotes] == ["We will never talk to Beijing again."]
    assert g.total == g.supported + 1


def test_with_no_quote_of_the_models_to_show_the_tool_chooses_attributed_ones(article):
    """The tool shows up to two quotes the article attributes (one per speaker first, in the article's order),
    marked chosen, verbatim, and left out of the grounding figure."""
    bad = extraction(quotes=[{"speaker": "Jake Sullivan", "text": "We will never talk to Beijing again."}])
    ex = Extraction.model_validate(bad, context={"check": Grounder(article, strict=False)})
    g = finalize(ex, article)
    assert [(q.speaker, q.text[:25], q.chosen, q.supported) for q in ex.quotes] == [
        ("The Chinese embassy in Washington", "frank, in-depth, substant", True, True),
        ("the official", "I think both sides have r", True, True)]
    for q in ex.quotes:
        assert [article.text[s.start:s.end] for s in q.evidence] == [q.text]
    assert g.total == sum(1 for _, i in ex.items() if i.supported is not None and not getattr(i, "chosen", 0)) + 1
    shown = extraction(quotes=[{"speaker": "the official", "text": "to look ahead from now on"}])
    ex = Extraction.model_validate(shown, context={"check": Grounder(article, strict=False)})
    finalize(ex, article)
    assert [(q.text, q.chosen) for q in ex.quotes] == [("to look ahead from now on", False)], \
        "the model's verified quote is shown alone"


def test_anonymous_officials_words_put_in_a_named_mouth_are_caught(article):
    quote = "I think both sides have realized that this unfortunate incident has led to a little pause in engagement."
    spans = locate(article.text, quote)
    assert spans
    assert attribution_ok(article, spans, "a senior US official")
    assert not attribution_ok(article, spans, "Jake Sullivan")
    bad = extraction(quotes=[{"speaker": "Jake Sullivan", "text": quote}])
    ex = Extraction.model_validate(bad, context={"check": Grounder(article)})
    q = ex.quotes[0]
    assert (q.speaker, q.model_speaker, q.supported) == ("the official", "Jake Sullivan", True), \
        "the speaker is taken from the article's attribution ('the official replied'), and the model's kept"


def test_a_wrong_speaker_is_replaced_by_the_one_the_attribution_names(article):
    quote = "appears to be practically the only significant channel still functioning."
    spans = locate(article.text, quote)
    assert attribution_ok(article, spans, "Daniel Russel") and not attribution_ok(article, spans, "Wang Yi")
    bad = extraction(quotes=[{"speaker": "Wang Yi", "text": quote}])
    ex = Extraction.model_validate(bad, context={"check": Grounder(article)})
    assert ex.quotes[0].speaker == "Daniel Russel", "'Daniel Russel, the top US diplomat …, said' is read"
    anonymous = extraction(quotes=[{"speaker": "Wang Yi", "text": "We are now trying to go beyond that"}])
    ex = Extraction.model_validate(anonymous, context={"check": Grounder(article)})
    assert ex.quotes[0].speaker == "the official"


def test_a_wrong_speaker_with_no_readable_attribution_stays_a_hard_failure():
    """Words whose attribution names nobody the tool can read ('she said' after no name) are not re-attributed:
    a failure, re-asked in strict mode and withheld otherwise."""
    article = Article(text='The talks ended late. "We will be back in the spring," she said. Rain fell.')
    quote = Quote(speaker="Wang Yi", text="We will be back in the spring")
    assert Grounder(article).check_item("quotes[0]", quote) == [
        'the article does not attribute "We will be back in the spring" to Wang Yi']
    assert (quote.speaker, quote.model_speaker) == ("Wang Yi", None)


def test_pronoun_attribution_follows_the_previous_sentences(article):
    spans = locate(article.text, "but these meetings offer an opportunity for them to find common ground")
    assert attribution_ok(article, spans, "Daniel Russel")
    assert not attribution_ok(article, spans, "Wang Yi")


def test_wrong_citation_is_relocated_to_the_sentence_that_states_the_claim(article):
    moved = extraction(issues=[{"text": "Sullivan raised concerns about American citizens detained in China.",
                                 "ev": [25]}])
    ex = Extraction.model_validate(moved, context={"check": Grounder(article)})
    item = ex.issues[0]
    assert item.supported and item.located and item.ev == [25]
    assert [s.text for s in item.evidence] == [article.sentence(15).text]


def test_citing_a_sentence_that_does_not_exist_is_a_hard_failure(article):
    bad = extraction(issues=[{"text": "Tariffs on steel will double next year.", "ev": [99]}])
    with pytest.raises(ValidationError, match=r"issues\[0\]: cites sentence \[99\]"):
        Extraction.model_validate(bad, context={"check": Grounder(article)})


def test_a_claim_no_sentence_states_is_flagged_not_reasked(article):
    odd = extraction(issues=[{"text": "Tariffs on steel will double next year.", "ev": [25]}])
    ex = Extraction.model_validate(odd, context={"check": Grounder(article)})
    assert ex.issues[0].supported is False and not ex.issues[0].located
    assert "do not state it" in ex.issues[0].problems[0]
    assert finalize(ex, article).unsupported == ["issues[0]"]


def test_names_and_aliases():
    text = "Jake Sullivan met Wang Yi in Vienna."
    assert name_in("Sullivan", text) and name_in("Jake Sullivan", text) and name_in("Vienna", text)
    assert not name_in("Antony Blinken", text)
    assert unknown_names(["Sullivan met Wang in Vienna and then flew to Paris."], text) == ["Paris"]


def test_invented_actor_is_listed_as_unknown_name(article):
    over = extraction(actors=[{"name": "Emmanuel Macron", "role": None, "affiliation": "France",
                                "stance": None, "ev": [4]}])
    ex = Extraction.model_validate(over, context={"check": Grounder(article, strict=False)})
    g = finalize(ex, article)
    assert "Emmanuel Macron" in g.unknown_names and "France" in g.unknown_names


def test_anonymity_detection():
    assert is_anonymous("a senior US official") and is_anonymous("the official")
    assert not is_anonymous("Jake Sullivan") and not is_anonymous("White House official Jake Sullivan")


def test_dateline_may_come_from_metadata_or_by_parts():
    text = ("A gunman opened fire in downtown Seattle on Wednesday night, police said. " * 3).strip()
    art = Article(text, date="2016-11-10", title="Seattle shooting")
    g = Grounder(art, strict=False)
    from briefing.schema import Dateline

    ok = Dateline(place="Seattle, Downtown", date="2016-11-10")
    assert g.check_item("dateline", ok) == []
    assert all(text[s.start:s.end] == s.text for s in ok.evidence)
    bad = Dateline(place="Portland", date="2016-11-11")
    assert g.check_item("dateline", bad) == ["'Portland' does not occur in the article",
                                             "'2016-11-11' does not occur in the article"]


@pytest.mark.parametrize("text, place, date", [
    ("US China talks\n\nWASHINGTON, May 11 (Portal) – President Joe Biden's adviser met Wang Yi.", "WASHINGTON",
     "May 11"),
    ("KYIV, Ukraine (AP) — Russia struck the capital overnight.", "KYIV, Ukraine", None),
    ("VIENNA (Reuters) - The talks ended on Thursday.", "VIENNA", None),
    ("NEW YORK, Nov. 9, 2016 (AP) -- Protesters marched.", "NEW YORK", "Nov. 9, 2016"),
])
def test_the_dateline_is_found_by_the_tool_in_the_text(text, place, date):
    from briefing.text.dateline import find_dateline

    d = find_dateline(Article(text))
    assert (d.place, d.date, d.opening) == (place, date, False)
    assert all(text[s.start:s.end] == s.text for s in d.evidence)
    assert d.supported is True


@pytest.mark.parametrize("text, place, date", [
    # the opening sentences of corpus articles 04, 03, 02 and 05 (../shared/corpus), which have no wire dateline
    ("A gunman opened fire in downtown Seattle on Wednesday night following an argument and wounded five people.",
     "downtown Seattle", "Wednesday night"),
    ("A large-scale rescue operation is underway in China to save a little boy who fell into a well. The "
     "six-year-old plummeted into the well at around 11am local time on Sunday in a rural village of Hebei "
     "Province, according to Chinese media.", "a rural village of Hebei Province", "around 11am local time on Sunday"),
    ("At least seven people were killed when a tram derailed and overturned Wednesday morning in London. Emergency "
     "personnel responded to the accident near the Sandilands commuter train stop in Croydon, a large suburb.",
     "the Sandilands commuter train stop in Croydon", "Wednesday morning"),
    ("Lady Gaga has staged a protest against Donald Trump's presidential victory at Trump Tower in New York.",
     "Trump Tower in New York", None),
    ("US officials said no. Later, in Vienna, talks began.", "Vienna", None),
    # circumstances, months and days are no places; a text with neither place nor time has no setting
    ("Fans complained in the wake of Brexit and in November that the bars had shrunk.", None, None),
    ("Fans of the iconic Toblerone bar have hit out at the chocolate company's decision.", None, None),
])
def test_without_a_dateline_the_opening_gives_where_and_when_verbatim(text, place, date):
    from briefing.text.dateline import find_dateline

    d = find_dateline(Article(text))
    assert (d.place, d.date) == (place, date)
    assert all(text[s.start:s.end] == s.text for s in d.evidence) and len(d.evidence) == bool(place) + bool(date)
    assert d.opening is bool(place or date) and d.supported is None  # shown, never counted as a model's claim


def test_the_openings_where_and_when_are_shown_but_not_counted(article):
    from briefing.eval.metrics import grounding_metric

    saved = Briefing.model_validate_json((ROOT / "eval" / "briefings" / "03-china-boy-well-rescue-dailymail.json")
                                         .read_text(encoding="utf-8"))
    d = saved.extraction.dateline
    assert (d.place, d.iso, d.opening, d.supported) == ("a rural village of Hebei Province", "2016-11-06", True, None)
    assert "dateline" not in grounding_metric(saved)["unverified"]
    from briefing.output.render import render

    md = render(saved, "md")
    assert "*Where: a rural village of Hebei Province · When: around 11am local time on Sunday (2016-11-06)*" in md


def test_a_models_dateline_is_replaced_by_the_one_in_the_text(article):
    """Models invented datelines ('Vienna, Austria') and copied the metadata date; the tool reads the text."""
    ex = Extraction.model_validate(extraction(dateline={"place": "Vienna, Austria", "date": "2023-05-11"}),
                                   context={"check": Grounder(article, strict=False)})
    assert (ex.dateline.place, ex.dateline.date, ex.dateline.supported) == ("WASHINGTON", "May 11", True)


def test_quoted_regions_cover_curly_straight_and_multi_paragraph_quotes():
    from briefing.grounding.quotes import quoted_regions

    text = ('He said "we will go" and left. She wrote: “Stand up.\n'
            'Nothing will stop us,” she wrote.\n“Open at the end of a paragraph\nand a (“nested”) case.')
    inside = [text[s:e] for s, e in quoted_regions(text)]
    assert inside == ["we will go", "Stand up.", "Nothing will stop us,", "Open at the end of a paragraph", "nested"]


def test_single_quotation_marks_count_but_apostrophes_do_not():
    from briefing.grounding.quotes import quoted_regions

    text = ("Merner told reporters. 'It appears that some type of argument took place. This individual began to walk "
            "away.' Trump's win and China’s view. She said ‘we will go’ and 'How do you describe that,' she said.")
    inside = [text[s:e] for s, e in quoted_regions(text)]
    assert inside == ["It appears that some type of argument took place. This individual began to walk away.",
                      "we will go", "How do you describe that,"]


def test_a_sentence_passed_off_as_a_quote_is_a_hard_failure(article):
    """The 1.5B model once 'quoted' a whole reported-speech sentence: verbatim, but nobody is quoted in it."""
    g = Grounder(article, strict=False)
    not_quoted = Quote(speaker="the official", text="The White House hopes eight-hour talks between US National "
                       "Security Adviser Jake Sullivan and China’s top diplomat Wang Yi in Vienna")
    assert g.check_item("quotes[0]", not_quoted) == [
        '"The White House hopes eight-hour talks between US National S" is not inside quotation marks in the article']
    continued = Quote(speaker="the official", text="We are now trying to go beyond that and restore a very "
                      "normal, normal channel of communication.")
    assert g.check_item("quotes[0]", continued) == [], "a quote's second sentence, closed but not reopened"
    with_attribution = Quote(speaker="Daniel Russel", text="he said, “but these meetings offer an opportunity for "
                             "them to find common ground that can help stabilize a relationship")
    assert g.check_item("quotes[0]", with_attribution) == [], "the attribution before the marks is cut off"
    assert with_attribution.evidence[0].text == ("but these meetings offer an opportunity for them to find common "
                                                 "ground that can help stabilize a relationship")
    only_attribution = Quote(speaker="Daniel Russel", text="Daniel Russel, the top US diplomat for East Asia in the "
                             "Obama administration, said")
    assert "not inside quotation marks" in g.check_item("quotes[0]", only_attribution)[0]


FLAT = ('Fans were angry. Tom Hale wrote on the forum: "It was the wrong call. It looks cheap." '
        'Ana Ruiz, who bought two bars, said: "Why the big gap between the pieces? Looks odd." '
        'Acme said it had no choice. It said in a statement: "Costs rose for many ingredients. '
        '"We carry these costs as long as we can, but not for ever."')


def test_quoted_regions_in_a_text_whose_paragraph_breaks_were_lost():
    """Web text flattened to one paragraph: a quote reopened without being closed (the next paragraph of a long
    quote) ends where the next one opens; nothing runs from the start of the text to a stray closing mark."""
    from briefing.grounding.quotes import quoted_regions

    inside = [FLAT[s:e] for s, e in quoted_regions(FLAT)]
    assert inside == ["It was the wrong call. It looks cheap.", "Why the big gap between the pieces? Looks odd.",
                      "Costs rose for many ingredients. ", "We carry these costs as long as we can, but not for ever."]


def test_a_quote_copied_with_its_attribution_keeps_the_quoted_words_and_their_speaker():
    """The 1.5B model copied 'X, who bought …, said: 'Fair enough …'' as a quote (marks changed) and named
    another person: the tool keeps the words inside the marks and the speaker the attribution names."""
    g = Grounder(Article(text=FLAT), strict=False)
    q = Quote(speaker="Tom Hale", text="Ana Ruiz, who bought two bars, said: 'Why the big gap between the pieces?")
    assert g.check_item("quotes[0]", q) == []
    assert q.evidence[0].text == "Why the big gap between the pieces?"
    assert (q.speaker, q.model_speaker) == ("Ana Ruiz", "Tom Hale")


def test_it_said_looks_back_for_the_organisation():
    article = Article(text=FLAT)
    spans = locate(article.text, "Costs rose for many ingredients.")
    assert attribution_ok(article, spans, "Acme") and not attribution_ok(article, spans, "Ana Ruiz")
    q = Quote(speaker="Ana Ruiz", text="Costs rose for many ingredients.")
    assert Grounder(article).check_item("quotes[0]", q) == [] and (q.speaker, q.model_speaker) == ("Acme", "Ana Ruiz")


def test_a_quote_of_several_sentences_is_attributed_where_its_marks_close():
    """'"S1. S2!" said another.': the first sentence belongs to 'another', not to the 'said one' before it."""
    article = Article(text='Fans wrote online. "Great work, really," said one. "She is brave and kind. Louder '
                           'now, all of you!" said another.')
    first = locate(article.text, "She is brave and kind.")
    assert attribution_ok(article, first, "another fan") and not attribution_ok(article, first, "one fan")


def test_a_plover_type_the_article_shows_no_sign_of_is_removed():
    """The 1.5B model typed a tram crash and a baseball game's innings PROTEST: without a protest word in the event
    or its sentences the type goes (kept as model_type); a real protest keeps it, and grounding again is stable."""
    from briefing.schema import Event

    article = Article(text="A tram overturned in Croydon on Wednesday. Hundreds protested outside Trump Tower.")
    g = Grounder(article, strict=False)
    crash = Event(date="Wednesday", what="A tram overturned in Croydon", who=None, type="PROTEST", ev=[1])
    protest = Event(date=None, what="Hundreds protested outside Trump Tower", who=None, type="PROTEST", ev=[2])
    assert g.check_item("timeline[0]", crash) == [] and g.check_item("timeline[1]", protest) == []
    assert (crash.type, crash.model_type, crash.supported) == (None, "PROTEST", None)
    assert (protest.type, protest.model_type) == ("PROTEST", None)
    g.check_item("timeline[0]", crash)
    assert (crash.type, crash.model_type) == (None, "PROTEST"), "the same answer grounded again"
    march = Event(date=None, what="Talks resumed in March", who=None, type="PROTEST", ev=[1])
    g.check_item("timeline[0]", march)
    assert march.type is None, "'March' the month is no march"
    rally = Event(date=None, what="Protesters rallied", who=None, type="PROTEST", ev=[1])
    g.check_item("timeline[0]", rally)
    assert rally.type == "PROTEST", "capitalised at a sentence's start"


def test_an_outlook_item_must_rest_on_a_sentence_about_what_is_expected_or_under_way():
    """The 1.5B model filled the outlook with past facts and inventions ("Cleveland Indians will play again",
    citing the sentence that the Cubs won): word overlap passed them. Now the cited sentences must speak of the
    future or of something still going on."""
    from briefing.schema import Outlook

    article = Article(text="The Cubs won the World Series on Wednesday. Police were still searching for the "
                           "gunman. The two sides agreed to meet again in June. Ministers will vote on the plan.")
    g = Grounder(article, strict=False)

    def outlook(text: str, ev: list[int]) -> Outlook:
        return Outlook(text=text, likelihood="likely", confidence="low", basis="the article", ev=ev)

    invented = outlook("The Cubs will win the World Series again", [1])
    assert g.check_item("outlook[0]", invented) == [
        "the cited sentences do not say that this is expected, planned or under way"]
    for item in (outlook("Police keep searching for the gunman", [2]), outlook("The sides meet again in June", [3]),
                 outlook("Ministers vote on the plan", [4])):
        assert g.check_item("outlook[0]", item) == [], item.text


def test_an_attribution_that_opens_the_next_quote_is_not_the_previous_ones():
    """The Independent's Cubs report (eval corpus 06) lost its paragraph breaks: Zobrist's quote goes on in a
    new paragraph ('"Every guy on this team …"'), then 'Rizzo added: "It's the best game …"'. The colon makes
    Rizzo the speaker of what follows, not of what came before (the tool's pick credited him with Zobrist's
    words before this rule)."""
    import json

    from briefing.grounding.finalize import article_quotes
    from briefing.grounding.match import locate
    from briefing.grounding.quotes import attributed_speaker, attribution_ok
    from tests.helpers import ROOT

    doc = json.loads((ROOT / "eval" / "briefings" / "06-cubs-win-world-series-independent.json").read_text())
    article = Article(doc["article"]["text"])
    every = locate(article.text, "Every guy on this team roots for each other")
    assert every and attributed_speaker(article, every) is None
    assert not attribution_ok(article, every, "Rizzo")
    best = locate(article.text, "It's the best game I've ever been a part of")
    assert attributed_speaker(article, best) == "Rizzo" and attribution_ok(article, best, "Rizzo")
    assert [q.speaker for q in article_quotes(article)] == ["MVP Zobrist", "Rizzo"]


def test_a_known_description_is_no_fuller_spelling_of_the_speaker():
    """The Standard's Toblerone report (corpus 01), briefed with --sections full: 'Toblerone said … It said in a
    statement: "… We carry these costs …"'. The briefing's actors had "Toblerone chocolate bar fans"; taken as a
    fuller spelling of "Toblerone", it put the company's words in the fans' mouths (the eval counted it right, by
    the same reading)."""
    from briefing.grounding.match import locate
    from briefing.grounding.quotes import attributed_speaker

    text = ("Toblerone said it was faced with a choice to change either the shape of the bar or raising the price - "
            "but said it decided to change the shape to \"keep the product affordable\". It said in a statement: "
            "\"Like many other companies, we are experiencing higher costs for numerous ingredients. \"We carry these "
            "costs for as long as possible, but to ensure Toblerone remains on-shelf, is affordable and retains the "
            "triangular shape, we have had to reduce the weight of just two of our bars in the UK.\"")
    article = Article(text)
    spans = locate(article.text, "We carry these costs for as long as possible")
    assert attributed_speaker(article, spans, ["Mondelez International", "Toblerone chocolate bar fans"]) == \
        "Toblerone"
    assert attributed_speaker(article, spans, ["Toblerone Ltd"]) == "Toblerone Ltd"  # a name, fuller spelled


def _long_article(name: str) -> Article:
    """An article of the long-article eval corpus (eval/long/corpus), as the pipeline reads its text."""
    import json

    return Article(json.loads((ROOT / "eval" / "long" / "corpus" / name).read_text(encoding="utf-8"))["text"])


def test_the_tool_never_takes_a_quote_longer_than_a_quote():
    """The Sun's tram report (eval/long/corpus) has a quotation that runs past 400 characters where the text lost
    a closing mark: the tool's picks skip it (it crashed the first run of the default that takes quotes by the
    tool, in benchmarks/long.py)."""
    from briefing.grounding.finalize import article_quotes
    from briefing.grounding.quotes import regions_of
    from briefing.schema import Quote, max_length

    article = _long_article("croydon-tram-victims-named-thesun-1296w.json")
    cap = max_length(Quote, "text")
    assert cap == 400
    assert any(e - s > cap for s, e in regions_of(article.text))
    picked = article_quotes(article, limit=10)
    assert picked and all(len(q.text) <= cap for q in picked)


def test_an_attribution_far_after_a_quote_in_run_on_captions_is_not_its_speaker():
    """The Daily Mail's Lady Gaga report (eval/long) runs captions together: "The singer, a vocal Clinton supporter,
    tweeted yesterday: 'Sometimes you just have to …', referring to … tapes Lovato swiftly deleted the tweet …
    Many of of Hillary's supporters including Lena Dunham, Miley Cyrus and Amy Schumer, said they will leave …".
    The tool's quote pick credited Demi Lovato's words to Lena Dunham, and then Canada's ("Canada took to Twitter
    …, writing that immigrants are 'encouraged to …'") and Mick Jagger's ("Mick Jagger reacted on Twitter, joking:
    '…'") to people named in the captions before them."""
    from briefing.grounding.finalize import article_quotes
    from briefing.grounding.quotes import attributed_speaker
    from briefing.schema import Span

    article = _long_article("lady-gaga-trump-tower-dailymail-2697w.json")
    text = article.text
    words = "Sometimes you just have to agree to disagree and grab some p***y"
    at = text.index(words, text.index("Demi Lovato (pictured)"))  # the caption's copy of the tweet
    assert attributed_speaker(article, [Span(text=words, start=at, end=at + len(words))]) is None
    for words in ("encouraged to bring their cultural traditions", "Just was watching the news",
                  "The Rolling Stones have never given permission"):  # "'…,' they said in a statement"
        assert attributed_speaker(article, locate(text, words)) is None, words
    assert attribution_ok(article, locate(text, "Just was watching the news"), "Mick Jagger")
    assert [q.speaker for q in article_quotes(article)] == ["Katy Perry", "Cher"]


def test_one_who_writes_is_no_speakers_name():
    """The Standard's tram report (eval/long): 'One wrote: "The life of our brother was taken from him.' — "One"
    is not a name; the tool's pick now takes the sister-in-law's and the son-in-law's words, both credited, and
    does not give the sister-in-law's to the victim of the same surname."""
    from briefing.grounding.finalize import article_quotes
    from briefing.grounding.quotes import attributed_speaker

    article = _long_article("croydon-tram-police-standard-1142w.json")
    assert attributed_speaker(article, locate(article.text, "The life of our brother was taken from him")) != "One"
    assert [q.speaker for q in article_quotes(article)] == ["Kasia Rynkiewicz", "Darren Mimms"]
    # the victim, an actor of the briefing, shares the surname but is not a fuller spelling of her sister-in-law
    tragic = locate(article.text, "It's a tragic moment for us")
    assert attributed_speaker(article, tragic, known=["Dorota Rynkiewicz"]) == "Kasia Rynkiewicz"
    assert attributed_speaker(article, tragic, known=["Kasia Rynkiewicz", "Dorota Rynkiewicz"]) == "Kasia Rynkiewicz"


def _snapshot(name: str):
    """A labelled set's frozen briefing (tests/data/claims/briefings), grounded again with the current code."""
    from briefing.eval.checker import reground

    return reground(Briefing.model_validate_json(
        (ROOT / "tests" / "data" / "claims" / "briefings" / name).read_text(encoding="utf-8")))


def test_a_name_the_cited_sentence_lacks_is_found_in_a_second_sentence_on_the_same_thing():
    """The Guardian's long tram report, the local default's answer: "Seven people killed and more than 50 taken to
    hospital after a tram crash near Sandilands junction" cites the lead, which does not name Sandilands; the
    sentence that places the crash there joins the evidence, and the claim is ✓ (labelled so, for that evidence)."""
    new, items = _snapshot("long-croydon-tram-driver-theguardian-1232w.json")
    point = items["key_points[0]"]
    assert point.supported and point.located
    assert [sp.text[:40] for sp in point.evidence] == ["At least seven people have been killed a",
                                                      "The crash occurred near to Sandilands ju"]
    for sp in point.evidence:  # exact slices of the article, in its order
        assert new.article.text[sp.start:sp.end] == sp.text
    assert point.evidence[0].end < point.evidence[1].start


def test_a_partys_name_or_an_outlooks_is_never_taken_from_another_sentence():
    """"Trump Organization: Opposing Trump victory" (the corpus's Lady Gaga report): the Trump Organization is named
    only in a sentence about Trump Tower, which states no stance of it; "Lady Gaga and Demi Lovato will leave the
    United States if Trump was elected" (the long report's lead): Gaga is named in a caption that says no such
    thing. Neither is completed."""
    _, items = _snapshot("brief13-05-lady-gaga-trump-tower-protest-independent.json")
    assert not items["positions[1]"].supported
    assert len(items["positions[1]"].evidence) == 1
    _, items = _snapshot("lead-lady-gaga-trump-tower-dailymail-2697w.json")
    assert not items["outlook[0]"].supported


def test_an_events_date_is_never_taken_from_a_sentence_on_someone_elses_act():
    """The committed example's answer: "Sullivan meets Wang Yi", dated "Munich Security Conference". The sentence
    with that date is on Blinken's meeting with Wang Yi; it does not complete the event's evidence."""
    from briefing.eval.checker import reground

    _, items = reground(saved_answer("example-vienna-talks-5e14353.json"))
    event = items["timeline[1]"]
    assert event.what == "Sullivan meets Wang Yi" and event.date == "Munich Security Conference"
    assert not event.supported
    assert not any("Munich" in sp.text for sp in event.evidence)


def test_a_fact_the_cited_sentence_leaves_out_is_taken_from_the_sentence_that_states_it():
    """The Daily Mail's 2,165-word report, the local default's answer (#16): "Seven people died in a Croydon tram
    crash" cites the sentence naming the final three victims, which has no "seven"; a caption of the article says
    they "all died in the Croydon tram crash … which saw seven people killed". A stance keeps its cited sentence."""
    from briefing.eval.checker import reground

    saved = saved_answer("final-victims-2165w-brief.json")
    assert not saved.extraction.key_points[0].supported  # as the briefing was made (before Grounder._restating)
    new, _ = reground(saved)
    point = new.extraction.key_points[0]
    assert point.text == "Seven people died in a Croydon tram crash"
    assert point.supported and point.located
    assert [sp.text for sp in point.evidence] == [new.article.text[sp.start:sp.end] for sp in point.evidence]
    assert "which saw seven people killed" in point.evidence[0].text
    # wrong facts stay unverified: the crash was on Wednesday, and "Transport for London: The crash occurred" is
    # no stance, wherever the article says a crash occurred
    assert not new.extraction.key_points[2].supported and "Tuesday" in new.extraction.key_points[2].text
    assert not new.extraction.positions[0].supported


def test_a_relative_clause_of_what_a_company_does_as_a_rule_gives_its_role():
    """The Daily Mail's Toblerone report, the local default's answer: "Mondelez International — company owner"
    over "US-based Mondelez International, which owns Toblerone and Cadbury, denied …" ("company" is the kind of
    actor, "owner" the role the clause states)."""
    from briefing.eval.checker import reground
    from briefing.grounding.actors import role_attached

    new, _ = reground(saved_answer("toblerone-1010w-brief.json"))
    actor = new.extraction.actors[0]
    assert (actor.name, actor.role, actor.supported) == ("Mondelez International", "company owner", True)
    owns = "US-based Mondelez International, which owns Toblerone and Cadbury, denied the change was made."
    assert role_attached("Mondelez International", "owner", owns)
    assert not role_attached("Mondelez International", "maker", owns)
    assert not role_attached("Mondelez International", "company founder", owns)


def test_an_inquiry_that_continues_is_an_investigation_under_way():
    """The Sun's 1,296-word tram report, the local default's outlook "Investigations are ongoing" citing "… as the
    Rail Accident Investigation Branch (RAIB) continues its inquiry": the words the model chose are the article's
    in other words (inquiry, continues), for choosing the sentence as for checking it."""
    from briefing.schema import Outlook

    article = Article(text="Investigators believe the tram was travelling too fast. All sections have now been taken "
                           "away from the scene as the Rail Accident Investigation Branch (RAIB) continues its "
                           "inquiry. The victims were named on Saturday.")
    g = Grounder(article, strict=False)
    item = Outlook(text="Investigations are ongoing", likelihood="likely", confidence="low", basis="the article",
                   ev=[2])
    assert g.check_item("outlook[0]", item) == []
    assert item.evidence[0].text.endswith("continues its inquiry.")
    assert g.check_item("outlook[0]", Outlook(text="The trial is ongoing", likelihood="likely", confidence="low",
                                              basis="the article", ev=[2]))


def test_a_described_actor_whose_first_word_is_a_name_needs_that_name_in_its_evidence():
    """The New York Times' Toblerone report (eval/fresh, labelled unseen): the actor "Toblerone chocolate bars"
    cited a sentence on "The 170-gram and 400-gram milk chocolate bars"; "Toblerone" is a name there (the article
    writes it capitalised inside its sentences, never in lower case), "Tram" of "Tram driver" is not."""
    from briefing.schema import Actor

    article = Article(text="The maker of Toblerone, the Swiss chocolate bar, has reconfigured two of its versions. "
                           "The 170-gram and 400-gram milk chocolate bars have been cut down to 150 grams and 360 "
                           "grams to reduce costs. A tram derailed; the tram driver was arrested.")
    g = Grounder(article, strict=False)
    bars = Actor(name="Toblerone chocolate bars", role=None, ev=[2])
    assert g.check_item("actors[0]", bars) == ["'Toblerone' is not named in the cited sentences"]
    assert g.check_item("actors[0]", Actor(name="Toblerone chocolate bars", role=None, ev=[1])) == []
    assert g.check_item("actors[1]", Actor(name="Tram driver", role=None, ev=[3])) == []


def test_a_name_only_inside_quotation_marks_is_no_party_to_the_story():
    """The Mirror's tram report (eval/fresh, labelled unseen): its page opens with a video's title, "'My name is
    Manuel and I know nothing,' classic …", and the local default gave "Manuel" as an actor."""
    from briefing.schema import Actor

    article = Article(text="'My name is Manuel and I know nothing,' classic A First footage from the chaotic scene "
                           "of fatal tram crash. Seven people died when the tram derailed. Martin Bamford said: "
                           "\"We hit the bend way too fast.\"")
    g = Grounder(article, strict=False)
    assert g.check_item("actors[0]", Actor(name="Manuel", role=None, ev=[1])) == [
        "'Manuel' is named only inside quotation marks (words someone said or a title), not as a party to the story"]
    assert g.check_item("actors[1]", Actor(name="Bamford", role=None, ev=[3])) == []
