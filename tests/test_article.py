from briefing.text.article import Article, split_sentences


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
