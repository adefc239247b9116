from briefing.text.article import SPLIT_VERSION, Article, split_sentences


def test_sentences_are_exact_slices(example_text):
    art = Article(example_text)
    assert len(art.sentences) > 20
    for s in art.sentences:
        assert art.text[s.start:s.end] == s.text
        assert s.text == s.text.strip()
    assert [s.id for s in art.sentences] == list(range(1, len(art.sentences) + 1))


def test_abbreviations_and_initials_do_not_split():
    text = "Mr. Smith met U.S. officials on Jan. 5 in Washington. J. Doe said it went well. Then they left."
    got = [s.text for s in split_sentences(text)]
    assert got == ["Mr. Smith met U.S. officials on Jan. 5 in Washington.", "J. Doe said it went well.",
                   "Then they left."]


def test_quote_closing_after_period_stays_with_sentence():
    text = "He said: “We will go.” She nodded. “Fine,” she said."
    got = [s.text for s in split_sentences(text)]
    assert got == ["He said: “We will go.”", "She nodded.", "“Fine,” she said."]


def test_numbered_view_cites_ids(example_text):
    art = Article(example_text)
    lines = art.numbered().splitlines()
    assert lines[0].startswith("[1] ")
    assert lines[-1].startswith(f"[{len(art.sentences)}] ")
    assert art.sentence(0) is None and art.sentence(len(art.sentences) + 1) is None


# A passage of the Daily Mail's Toblerone report (../shared/stories/toblerone-shape, 2016-11-08T0909) where three
# photo captions lost their full stops when the page was extracted.
TOBLERONE_CAPTIONS = (
    "Chocolate fans have vented their fury after Toblerone increased the gaps between the bar's iconic triangular "
    "chunks to reduce the weight of the popular treat The move has resulted in the weight of the 400g bars being "
    "reduced to 360g and the 170g bars to 150g, while the price remains the same It comes after a number of "
    "companies sought to raise prices to offset the effect of a plunging pound following the vote to leave the EU.")


def test_run_on_captions_are_split_where_they_meet():
    got = [s.text for s in split_sentences(TOBLERONE_CAPTIONS)]
    assert got == [
        "Chocolate fans have vented their fury after Toblerone increased the gaps between the bar's iconic "
        "triangular chunks to reduce the weight of the popular treat",
        "The move has resulted in the weight of the 400g bars being reduced to 360g and the 170g bars to 150g, "
        "while the price remains the same",
        "It comes after a number of companies sought to raise prices to offset the effect of a plunging pound "
        "following the vote to leave the EU."]
    for s in split_sentences(TOBLERONE_CAPTIONS):
        assert TOBLERONE_CAPTIONS[s.start:s.end] == s.text


def test_double_spaces_and_page_furniture_end_a_caption():
    # The Daily Mail's Lady Gaga report (2016-11-09T0335) and an embedded post in the Standard's Toblerone report.
    text = ("Scroll down for video Lady Gaga waves a poster saying 'Love Trumps Hate' in protest as she clings onto a "
            "New York City sanitation truck in the early hours of Wednesday  Gaga later posted the photo of her "
            "outside Trump Tower on Instagram")
    assert [s.text for s in split_sentences(text)] == [
        "Scroll down for video",
        "Lady Gaga waves a poster saying 'Love Trumps Hate' in protest as she clings onto a New York City "
        "sanitation truck in the early hours of Wednesday",
        "Gaga later posted the photo of her outside Trump Tower on Instagram"]
    assert [s.text for s in split_sentences("(@LaLaSyeda) November 8, 2016  Toblerone off the Xmas list now.")] == [
        "(@LaLaSyeda) November 8, 2016", "Toblerone off the Xmas list now."]


def test_capitals_inside_a_sentence_do_not_split_it():
    text = ("He told The Sun that A-level results were out. Officers from British Transport Police said Police and "
            "fire crews were there, and I think it is over. Readers of The Guardian and the Three Counties agreed.")
    assert [s.text for s in split_sentences(text)] == [
        "He told The Sun that A-level results were out.",
        "Officers from British Transport Police said Police and fire crews were there, and I think it is over.",
        "Readers of The Guardian and the Three Counties agreed."]


def test_a_saved_answer_keeps_the_split_its_ids_were_given_over():
    # A briefing of schema 1.3 and before was answered over split 1: grounding it again must map its ids to those
    # sentences, not to the ones today's split makes.
    from briefing.schema import ArticleInfo

    old = Article.from_info(ArticleInfo(text=TOBLERONE_CAPTIONS))
    assert old.split == 1 and len(old.sentences) == 1
    new = Article(TOBLERONE_CAPTIONS)
    assert new.split == SPLIT_VERSION == 2 and len(new.sentences) == 3
    assert Article.from_info(new.info()).sentences == new.sentences
