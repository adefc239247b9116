"""Rendering built briefings (constructed extractions, no model) to Markdown and HTML."""

import re
from html.parser import HTMLParser

import pytest

from briefing.text.article import Article
from briefing.grounding.grounder import Grounder
from briefing.brief import build
from briefing.output.render import FORMATS, render
from briefing.schema import Extraction
from briefing.errors import RenderError
from tests.helpers import extraction


@pytest.fixture
def briefing(example_text):
    art = Article(example_text, title="US, China to move beyond balloon accident", date="2023-05-11")
    data = extraction(issues=[{"text": "Tariffs on steel will double next year.", "ev": [25]}])
    ex = Extraction.model_validate(data, context={"check": Grounder(art, strict=False)})
    return build(art, ex, model="test-model", provider="llamacpp")


def test_markdown_shows_grounding_figure_marks_and_footnotes(briefing):
    md = render(briefing, "md")
    assert md.startswith("# US and China seek to move past balloon row")
    g = briefing.grounding
    assert f"{g.supported} of {g.total} items supported by the text" in md
    assert "⚠ *unverified" in md and "✓[^" in md
    notes = dict(re.findall(r"^\[\^(\d+)\]: “(.*)” \(chars", md, re.M))
    assert notes, "no footnotes"
    assert all(v.replace("\n", " ") in briefing.article.text.replace("\n", " ") for v in notes.values())
    assert "(2023-05-10)" in md, "Wednesday before the 2023-05-11 reference resolves to an ISO date"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.hrefs = [], set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a":
            self.hrefs.append(a.get("href"))


def test_html_is_self_contained_and_links_every_claim_to_its_evidence(briefing):
    html = render(briefing, "html")
    p = _Collect()
    p.feed(html)
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    internal = [h for h in p.hrefs if h and h.startswith("#")]
    assert internal and all(h[1:] in p.ids for h in internal), "every evidence link has an anchor"
    assert briefing.grounding.figure in html
    assert "<mark>" in html and "<details" in html


def test_html_escapes_model_and_article_text(example_text):
    art = Article(example_text + '\n\nA caption <img src=x onerror="alert(1)"> and <script>alert(2)</script>.')
    data = extraction(headline='<script>alert("x")</script> talks')
    ex = Extraction.model_validate(data, context={"check": Grounder(art, strict=False)})
    html = render(build(art, ex), "html")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_user_template_dir_overrides_a_template(briefing, tmp_path):
    (tmp_path / "briefing.md.j2").write_text("HEADLINE={{ x.headline }}\n")
    assert render(briefing, "md", template_dir=tmp_path) == "HEADLINE=US and China seek to move past balloon row\n"
    with pytest.raises(RenderError, match="no such folder"):
        render(briefing, "md", template_dir=tmp_path / "missing")


def test_formats_are_a_table():
    assert {"md", "html"} <= set(FORMATS)
    with pytest.raises(RenderError, match="unknown format 'docx'"):
        render(None, "docx")


def test_markdown_makes_model_and_article_text_inert(example_text):
    art = Article(example_text + '\n\nA caption <img src=x onerror="alert(1)"> here.')
    data = extraction(headline='<script>alert("x")</script> [click](javascript:alert(1)) talks')
    ex = Extraction.model_validate(data, context={"check": Grounder(art, strict=False)})
    md = render(build(art, ex), "md")
    assert "<script" not in md and "<img" not in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md), "no live link syntax"
    assert "&lt;script&gt;" in md and "\\[click\\]" in md
    assert "✓[^" in md, "template-made footnote marks stay markup"


def test_verified_quotes_show_the_source_slice_not_the_models_copy(briefing):
    md, html = render(briefing, "md"), render(briefing, "html")
    assert "Both sides send strong — sometimes angry — messages" in md  # the article's em dashes
    assert "Both sides send strong - sometimes angry - messages" not in md
    assert "Both sides send strong — sometimes angry — messages" in html


def test_items_the_tool_re_cited_are_marked_as_such(example_text):
    """The model cited [3] for a claim sentence [15] states: grounding re-anchors it, and the page says so."""
    art = Article(example_text)
    data = extraction(key_points=[
        {"text": "Sullivan raised concerns about American citizens detained in China.", "ev": [3]},
        {"text": "Both sides agreed to maintain the channel of communication.", "ev": [14]},
        {"text": "Sullivan raised concerns about Chinese military aid to Russia.", "ev": [16]}])
    ex = Extraction.model_validate(data, context={"check": Grounder(art, strict=False)})
    assert ex.key_points[0].located and not ex.key_points[1].located
    b = build(art, ex, model="m", provider="llamacpp")
    lines = {line.split(" ✓")[0]: line for line in render(b, "md").splitlines() if line.startswith("- Sullivan")
             or line.startswith("- Both")}
    assert "*(re-cited)*" in lines["- Sullivan raised concerns about American citizens detained in China."]
    assert "re-cited" not in lines["- Both sides agreed to maintain the channel of communication."]
    html = render(b, "html")
    assert html.count('class="mark ok located"') == sum(1 for _, i in ex.items() if i.located and i.supported)


def test_an_event_without_a_plover_type_shows_no_type(example_text):
    art = Article(example_text)
    data = extraction(timeline=[{"date": None, "what": "Blinken canceled a planned trip to Beijing.",
                                  "who": "Blinken", "type": None, "ev": [8]}])
    b = build(art, Extraction.model_validate(data, context={"check": Grounder(art, strict=False)}))
    line = next(x for x in render(b, "md").splitlines() if "Blinken canceled" in x)
    assert "`" not in line and "None" not in line
    assert "PLOVER event type" not in render(b, "html")


def test_a_quote_whose_speaker_the_tool_took_from_the_article_says_so(example_text):
    art = Article(example_text)
    data = extraction(quotes=[{"speaker": "Jake Sullivan", "text": "We are now trying to go beyond that"}])
    b = build(art, Extraction.model_validate(data, context={"check": Grounder(art, strict=False)}))
    line = next(x for x in render(b, "md").splitlines() if "We are now trying" in x)
    assert "— **the official** ✓" in line
    assert line.endswith("*(speaker as the article attributes the words; the model named Jake Sullivan)*")
    html = render(b, "html")
    assert '<span class="muted reattributed">(speaker as the article attributes the words; the model named ' \
           'Jake Sullivan)</span>' in html


def test_the_sources_date_is_shown_under_the_headline(example_text):
    art = Article(example_text, date="2016-11-08")
    b = build(art, Extraction.model_validate(extraction(), context={"check": Grounder(art, strict=False)}))
    assert "\n*Source dated 8 November 2016.*\n" in render(b, "md")
    assert " · 8 November 2016</p>" in render(b, "html")
    undated = build(Article(example_text), Extraction.model_validate(
        extraction(), context={"check": Grounder(Article(example_text), strict=False)}))
    assert "Source dated" not in render(undated, "md")
