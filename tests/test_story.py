"""Stories: several articles → one briefing with support counts, conflicts, gaps and what changed.

The model is a MOCK transport here (``tests/mock_model.py``: constructed answers citing real sentence ids); the
real model's answers for a story replay from ``cassettes/test_story/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.brief import Briefer
from briefing.cli import main
from briefing.config import Settings
from briefing.schema import Briefing, Change
from briefing.output.story import conflict_line
from briefing.story.build import generate_story, joined
from briefing.story.diff import changes
from briefing.text.article import Article
from tests.helpers import SHARED
from tests.mock_model import MockModel

STORIES = SHARED / "stories"


def story_files(name: str, n: int) -> list[str]:
    return [str(p) for p in sorted((STORIES / name).glob("*.json"))[:n]]


def settings() -> Settings:
    return Settings(provider="llamacpp", base_url="http://mock.invalid/v1", model="local", http_retries=0,
                    sections="full", reask_grounding=False)


def test_a_story_is_briefed_from_every_article_with_spans_in_the_right_article():
    mock = MockModel()
    with Briefer(settings(), client_factory=mock.client_factory()) as briefer:
        b = generate_story(story_files("china-well-rescue", 3), briefer=briefer)
    assert mock.calls == 4, "three extractions and one short call over the merged findings"
    assert len(b.sources) == 3 and not b.gaps
    assert [s.published for s in b.sources] == sorted(s.published for s in b.sources)
    text = b.article.text
    for src in b.sources:
        raw = json.loads(Path(next(f for f in story_files("china-well-rescue", 3) if src.id in f))
                         .read_text(encoding="utf-8"))
        assert text[src.offset:src.offset + src.length] == raw["text"].strip() or \
            raw["text"].strip().startswith(text[src.offset:src.offset + src.length][:200])
    spans = [s for _, item in b.extraction.items() for s in item.evidence]
    assert spans and all(text[s.start:s.end] == s.text for s in spans)
    for s in spans:  # each span lies in the article its source index names
        if s.source is not None:
            src = b.sources[s.source]
            assert src.offset <= s.start and s.end <= src.offset + src.length
    items = [i for _, i in b.extraction.items() if i.supported and i.sources]
    assert items and all(1 <= len(set(i.sources)) <= 3 for i in items)
    assert b.extraction.bottom_line.supported, b.extraction.bottom_line.problems
    assert b.meta.story and b.meta.usage["calls"] == 4
    Briefing.model_validate_json(b.model_dump_json())  # reads back


def test_rerunning_a_story_with_one_more_article_costs_that_article_and_the_short_call(tmp_path):
    from briefing.store.cache import Cache

    mock = MockModel()
    with Briefer(settings(), cache=Cache(tmp_path / "c.sqlite3"), client_factory=mock.client_factory()) as briefer:
        generate_story(story_files("china-well-rescue", 2), briefer=briefer)
        assert mock.calls == 3
        b = generate_story(story_files("china-well-rescue", 3), briefer=briefer)
    assert mock.calls == 5, "one new article and one short call; the two others came from the cache"
    assert b.meta.cached_articles == 2


def test_an_unreadable_article_is_named_and_the_story_briefed_from_the_rest(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02 not text")
    mock = MockModel()
    with Briefer(settings(), client_factory=mock.client_factory()) as briefer:
        b = generate_story(story_files("china-well-rescue", 2) + [str(bad), str(tmp_path / "gone.txt")],
                           briefer=briefer)
    assert len(b.sources) == 2 and {g.id for g in b.gaps} == {"broken", "gone"}
    assert all(g.error for g in b.gaps)
    from briefing.output.render import render

    md = render(b, "md")
    assert "broken" in md and "gone" in md and "could not be briefed" in md


def test_no_readable_article_is_one_clear_error(tmp_path, capsys):
    code = main(["story", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--base-url", "http://mock.invalid/v1",
                 "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "no article of the story could be briefed" in err and "Traceback" not in err


def test_the_cli_writes_a_story_with_support_counts_and_sources(tmp_path, monkeypatch):
    mock = MockModel()
    mock.install(monkeypatch)
    out = tmp_path / "story.md"
    code = main(["story", *story_files("lady-gaga-trump-tower", 3), "-o", str(out), "--base-url",
                 "http://mock.invalid/v1", "--provider", "llamacpp", "--sections", "full", "--no-cache",
                 "--no-log", "-q"])
    assert code == 0
    md = out.read_text(encoding="utf-8")
    assert "## Sources" in md and ("of 3 sources" in md or "single source" in md)
    data = tmp_path / "story.json"
    assert main(["story", *story_files("lady-gaga-trump-tower", 3), "-o", str(data), "-f", "json", "--base-url",
                 "http://mock.invalid/v1", "--provider", "llamacpp", "--sections", "full", "--no-cache",
                 "--no-log", "-q"]) == 0
    doc = json.loads(data.read_text())
    assert len(doc["sources"]) == 3 and all(s["publisher"] and s["published"] and s["url"] for s in doc["sources"])


def test_conflict_lines_name_the_sources_and_mark_the_latest():
    from briefing.schema import Conflict, ConflictValue, SourceInfo

    sources = [SourceInfo(id="a", publisher="independent", published="2016-11-09T00:00:00"),
               SourceInfo(id="b", publisher="mirror", published="2016-11-09T21:13:00")]
    c = Conflict(kind="number", about="dead", values=[
        ConflictValue(value="at least five", sources=[0], published="2016-11-09T00:00:00"),
        ConflictValue(value="seven", sources=[1], published="2016-11-09T21:13:00", latest=True)])
    assert conflict_line(c, sources) == "dead: at least five (independent, 9 Nov), seven (mirror, 9 Nov 21:13; latest)"


def test_joined_text_keeps_every_article_verbatim_at_its_offset():
    a = Article(text="First report. " * 10, title="One", meta={"publisher": "bbc", "published": "2016-11-08 12:00:00"})
    b = Article(text="Second report. " * 10, title="Two", meta={"publisher": "mail", "published": "2016-11-10"})
    story, infos = joined([a, b])
    for art, info in zip((a, b), infos):
        assert story.text[info.offset:info.offset + info.length] == art.text
    assert infos[0].published == "2016-11-08T12:00:00" and story.date == "2016-11-10"


def _briefing(points, outlook=("likely", "low"), sources=None) -> Briefing:
    from tests.test_merge import extraction

    ex = extraction(points)
    for item in [*ex.key_points, ex.bottom_line, *ex.outlook]:
        item.supported = True
    ex.outlook[0].likelihood, ex.outlook[0].confidence = outlook
    from briefing.schema import ArticleInfo

    return Briefing(article=ArticleInfo(text="x " * 50), extraction=ex)


def test_diff_says_what_is_new_gone_changed_in_figures_and_in_judgments():
    old = _briefing(["At least five people were killed when the tram overturned.",
                     "The tram was travelling on a sharp bend."], outlook=("likely", "low"))
    new = _briefing(["Seven people were killed when the tram overturned.",
                     "The driver was arrested on suspicion of manslaughter."], outlook=("very likely", "moderate"))
    got = changes(old, new)
    kinds = {c.kind for c in got}
    assert {"new", "gone", "figure", "outlook"} <= kinds
    figure = next(c for c in got if c.kind == "figure")
    assert figure.text.startswith("dead: at least five → Seven")
    assert any(c.kind == "new" and "arrested" in c.text for c in got)
    assert any(c.kind == "gone" and "sharp bend" in c.text for c in got)
    outlook = next(c for c in got if c.kind == "outlook")
    assert "likely → very likely" in outlook.text and "low → moderate" in outlook.text
    assert all(isinstance(c, Change) and "\n" not in c.text for c in got)
    assert changes(old, old) == []


def test_briefing_diff_prints_the_same_lines_without_a_model(tmp_path, capsys):
    old = _briefing(["At least five people were killed when the tram overturned."])
    new = _briefing(["Seven people were killed when the tram overturned."])
    (tmp_path / "old.json").write_text(old.model_dump_json())
    (tmp_path / "new.json").write_text(new.model_dump_json())
    assert main(["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json")]) == 0
    assert "- dead: at least five → Seven" in capsys.readouterr().out


def test_since_adds_a_section_of_changes(tmp_path, monkeypatch):
    mock = MockModel()
    with Briefer(settings(), client_factory=mock.client_factory()) as briefer:
        before = generate_story(story_files("china-well-rescue", 2), briefer=briefer)
        after = generate_story(story_files("china-well-rescue", 4), briefer=briefer, since=before)
    assert after.changes is not None and after.changes, "the later reports add items"
    from briefing.output.render import render

    assert "Since the last briefing" in render(after, "md")
    assert "Since the last briefing" in render(after, "html")


@pytest.mark.parametrize("fmt", ["html", "plover", "json"])
def test_a_story_renders_in_every_format(fmt):
    from briefing.output.produce import produce as write

    mock = MockModel()
    with Briefer(settings(), client_factory=mock.client_factory()) as briefer:
        b = generate_story(story_files("china-well-rescue", 3), briefer=briefer)
    out = write(b, fmt)
    assert out
    if fmt == "html":
        assert "of 3 sources" in out or "single source" in out
        for i, s in enumerate(b.sources):
            assert (s.publisher or s.id) in out


@pytest.mark.vcr
def test_a_real_three_article_story(model_settings):
    """Three reports of the China well rescue, briefed by the real local model (cassette) with the local default's
    profile: every span an exact slice of its own article, corroborated items counted, the short call grounded."""
    s = model_settings.with_(sections="brief", reask_grounding=False)
    files = story_files("china-well-rescue", 3)
    with Briefer(s) as briefer:
        b = generate_story(files, briefer=briefer)
    assert len(b.sources) == 3 and not b.gaps
    text = b.article.text
    spans = [sp for _, item in b.extraction.items() for sp in item.evidence]
    assert len(spans) > 5 and all(text[sp.start:sp.end] == sp.text for sp in spans)
    for sp in spans:
        src = b.sources[sp.source]
        assert src.offset <= sp.start and sp.end <= src.offset + src.length
    shown = [i for _, i in b.extraction.items() if i.supported]
    assert all(i.sources for i in shown), "every verified item says which sources state it"
    assert any(len(set(i.sources)) > 1 for i in shown), "some items are corroborated by several reports"
    assert b.meta.usage["calls"] == 4 and b.meta.usage["completion_tokens"] > 100
    bottom = b.extraction.bottom_line
    assert bottom.supported is not None
    if bottom.supported:
        assert bottom.evidence and bottom.sources


@pytest.mark.browser
def test_a_story_prints_on_one_page_with_its_support_counts(tmp_path):
    """The one-page rule for a story of five reports: PDF with --max-pages 1 fits one page by the same priorities,
    every kept item shows its source count, and what was left out is said."""
    from briefing.output.pdf import page_count
    from briefing.output.produce import produce
    from tests.browser import require_chromium

    require_chromium()
    mock = MockModel()
    with Briefer(settings(), client_factory=mock.client_factory()) as briefer:
        b = generate_story(story_files("lady-gaga-trump-tower", 5), briefer=briefer)
    pdf = produce(b, "pdf", max_pages=1)
    assert page_count(pdf) == 1
    html = produce(b, "html")
    assert html.count('class="support') >= len([i for _, i in b.extraction.items() if i.supported and i.sources])
    assert all((s.publisher or s.id) in html for s in b.sources)
