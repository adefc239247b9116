"""Real inputs (text, Markdown, saved HTML pages, URLs, stdin, legacy encodings) and bad ones: each bad input class
exits 2 with one clear line and leaves no output file behind (nor truncates an existing one)."""

from __future__ import annotations

import io
import json
import os
import sys

import pytest

import briefing.ingest.core as ingest
from briefing.cli import main
from briefing.config import Settings
from briefing.errors import InputError
from briefing.ingest.core import detect_format, discover, load
from briefing.brief import check_fits
from briefing.providers import BACKENDS

LOCAL_CONTEXT = BACKENDS["local"].max_context_tokens
from briefing.model.prompts import render_messages
from tests.conftest import EXAMPLE, ROOT
from tests.loopback import Loopback, Reply, closed_port

DATA = ROOT / "tests" / "data"
PAGE = DATA / "news-page.html"
CORPUS = ROOT.parent / "shared" / "corpus" / "05-lady-gaga-trump-tower-protest-independent.json"
LOOPBACK = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

#: What a saved news page carries around the article: none of it may reach the briefing.
PAGE_NOISE = ("Advertisement", "cookies", "Accept all cookies", "Refinance your mortgage", "sunglasses",
              "child stars", "patriot_dave", "police closed the whole block", "Comments (1,204)", "Related articles",
              "Celebrities react", "Most popular", "Croydon tram", "Toblerone", "Independent Digital News",
              "company number", "Subscribe", "Log in", "Share on Facebook", "Register for free", "gtm.js",
              "adq.push", "__APP_STATE__", "Manage preferences", "Privacy notice")

FRENCH = ("Le ministre des Affaires étrangères a déclaré mercredi à Genève que les négociations reprendraient « dès "
          "que possible ». Selon lui, les deux délégations se sont mises d'accord sur un calendrier précis, même si "
          "des désaccords persistent sur la question des frontières. « Nous ne renoncerons pas », a-t-il ajouté "
          "devant la presse, avant de quitter le palais des Nations.")


def cli(*args: str, stdin: bytes | None = None, monkeypatch=None, capsys=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, needle: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("briefing: error: ") and needle in lines[0], err
    assert "Traceback" not in err


def assert_no_output(folder, out, before: str | None) -> None:
    """No output file created (or the old one intact), and no temp file left beside it."""
    if before is None:
        assert not out.exists(), f"{out} was created"
    else:
        assert out.read_text() == before, f"{out} was changed"
    assert not [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".part")]


def corpus_text() -> str:
    return json.loads(CORPUS.read_text())["text"]


# ------------------------------------------------------------------------------------------ real inputs

def test_saved_news_page_yields_the_article_body_only():
    a = load(str(PAGE))
    text = a.text
    assert text.startswith("Lady Gaga has staged a protest against Donald Trump's presidential victory")
    assert text.endswith("had defied expectations and won the presidential election.")
    # Every sentence of the corpus article is in the body, in order.
    corpus = corpus_text()
    for sentence in ("The 30-year-old singer could be seen standing atop a large sanitation truck",
                     "MSNBC political correspondent said a source said Gaga and Cher were crying",
                     "\"Lady Gaga is not fighting for Hillary, she is fighting for her Country.",
                     "Great swathes of America and the wider world have been jolted into shock"):
        assert sentence in corpus and sentence in text
    for noise in PAGE_NOISE:
        assert noise not in text, noise
    assert "\n\n" in text, "paragraphs kept apart"
    assert a.title == "Lady Gaga stages protest outside Trump Tower after election"
    assert a.author == "Jess Denham"
    assert a.date == "2016-11-09"
    assert a.source == "The Independent"
    assert a.url == json.loads(CORPUS.read_text())["url"]
    assert a.meta["format"] == "html"


def test_html_is_sniffed_without_an_html_suffix(tmp_path):
    copy = tmp_path / "page.txt"
    copy.write_bytes(PAGE.read_bytes())
    assert detect_format(str(copy), copy.read_bytes()) == "html"
    assert load(str(copy)).text == load(str(PAGE)).text


def test_html_on_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE.read_bytes())))
    a = load("-")
    assert a.title.startswith("Lady Gaga stages protest") and "Advertisement" not in a.text


def test_plain_text_keeps_text_and_takes_the_first_line_as_title():
    a = load(str(EXAMPLE))
    assert a.text == EXAMPLE.read_text(encoding="utf-8").strip()
    assert a.title == "US China to move beyond balloon accident to stabilize ties"
    assert a.source == "vienna-talks.txt" and a.date is None and a.meta["format"] == "text"


def test_markdown_drops_markup_and_reads_front_matter(tmp_path):
    md = tmp_path / "talks.md"
    md.write_text("---\ntitle: Talks resume in Geneva\ndate: 2024-03-06\nauthor: A. Reporter\n---\n\n"
                  "# Talks resume in Geneva\n\n"
                  "The **foreign ministers** met on *Wednesday* in [Geneva](https://example.org/geneva) and agreed "
                  "to resume talks on the border dispute next month, officials said.\n\n"
                  "![a photo](https://example.org/photo.jpg)\n\n"
                  "> \"We will not give up,\" one minister said after the meeting, adding that both delegations had "
                  "agreed on a precise timetable.\n\n"
                  "- Next round: April\n- Venue: `Palais des Nations`\n")
    a = load(str(md))
    assert a.title == "Talks resume in Geneva" and a.date == "2024-03-06" and a.author == "A. Reporter"
    assert "The foreign ministers met on Wednesday in Geneva and agreed" in a.text
    assert "\"We will not give up,\" one minister said" in a.text
    assert "Venue: Palais des Nations" in a.text
    for markup in ("**", "](", "![", "https://example.org", "# ", "> ", "`", "---"):
        assert markup not in a.text, markup


def test_date_flag_overrides_page_metadata_and_is_checked():
    assert load(str(PAGE), date="2016-11-10").date == "2016-11-10"
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        load(str(PAGE), date="next Wednesday")
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        load(str(PAGE), date="2016-13-45")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "iso8859-15", "utf-16", "utf-8-sig"])
def test_legacy_encodings_are_detected(tmp_path, encoding):
    f = tmp_path / f"article-{encoding}.txt"
    f.write_bytes(FRENCH.encode(encoding))
    assert load(str(f)).text == FRENCH


@pytest.mark.parametrize("text,encoding", [
    ("Министр иностранных дел заявил в среду, что переговоры продолжатся на следующей неделе в Вене. " * 6,
     "cp1251"),
    ("Minister spraw zagranicznych oświadczył w środę, że rozmowy będą kontynuowane w przyszłym tygodniu. " * 6,
     "cp1250"),
])
def test_non_western_legacy_encodings_are_detected(tmp_path, text, encoding):
    f = tmp_path / "article.txt"
    f.write_bytes(text.encode(encoding))
    assert load(str(f)).text == text.strip()


def test_html_declared_charset_is_honoured(tmp_path):
    page = PAGE.read_text().replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    page = page.replace("Great swathes of America", "Great swathes of América")
    f = tmp_path / "page.html"
    f.write_bytes(page.encode("cp1252"))
    assert "Great swathes of América" in load(str(f)).text


def test_non_english_article_is_briefed_in_the_requested_language_with_the_original_text(tmp_path):
    f = tmp_path / "article.txt"
    f.write_bytes(FRENCH.encode("cp1252"))
    a = load(str(f))
    for language in ("English", "German"):
        system, user = render_messages(a, language=language)
        assert f"Write in {language}." in system["content"]
        assert "« Nous ne renoncerons pas », a-t-il ajouté" in user["content"], "quotes stay in the original"


@LOOPBACK
def test_url_is_fetched_with_redirects_and_metadata():
    page = PAGE.read_bytes()
    with Loopback({"/old": [Reply(301, headers={"Location": "/news/gaga"})],
                   "/news/gaga": [Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})]}) as srv:
        a = load(f"{srv.url}/old")
    assert a.text == load(str(PAGE)).text
    assert a.url == f"{srv.url}/news/gaga", "the final URL, after redirects"
    assert a.source == "The Independent" and a.date == "2016-11-09"
    assert [r[1] for r in srv.requests] == ["/old", "/news/gaga"]
    assert srv.requests[0][2].get("User-Agent", "").startswith("briefing/")


@LOOPBACK
def test_url_serving_plain_text_with_a_legacy_charset():
    with Loopback({"/a": [Reply(200, FRENCH.encode("cp1252"), {"Content-Type": "text/plain; charset=windows-1252"})]}
                  ) as srv:
        a = load(f"{srv.url}/a")
    assert a.text == FRENCH and a.url == f"{srv.url}/a" and a.source == "127.0.0.1"


@LOOPBACK
@pytest.mark.parametrize("reply,message", [
    (Reply(404, "gone"), "the server answered HTTP 404"),
    (Reply(200, "", {"Content-Type": "text/html"}), "the article is empty"),
    (Reply(200, "<html><body><nav><a href='/'>Home</a></nav></body></html>", {"Content-Type": "text/html"}),
     "no article text found"),
    (Reply(200, b"\x89PNG\r\n\x1a\n" + bytes(200), {"Content-Type": "image/png"}), "PNG image"),
])
def test_bad_urls_are_input_errors(reply, message):
    with Loopback({"/a": [reply]}) as srv:
        with pytest.raises(InputError, match=message) as err:
            load(f"{srv.url}/a")
    assert err.value.one_line().startswith(f"{srv.url}/a: ")


@LOOPBACK
def test_unreachable_url_names_it():
    url = f"http://127.0.0.1:{closed_port()}/article"
    with pytest.raises(InputError, match=r"cannot fetch") as err:
        load(url)
    assert url in err.value.one_line()


@LOOPBACK
def test_slow_url_times_out(monkeypatch):
    monkeypatch.setattr(ingest, "FETCH_TIMEOUT", 0.3)
    with Loopback({"/slow": [Reply(200, "x", delay=2.0)]}) as srv:
        with pytest.raises(InputError, match=r"no answer within 0.3 s"):
            load(f"{srv.url}/slow")


def test_discover_lists_a_folders_articles(tmp_path):
    (tmp_path / "b.md").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "c.html").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.txt").write_text("x")
    assert discover([str(tmp_path), "-"]) == [str(tmp_path / n) for n in ("a.txt", "b.md", "c.html")] + ["-"]
    empty = tmp_path / "sub" / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no articles in this directory"):
        discover([str(empty)])
    with pytest.raises(InputError, match="no such file or directory"):
        discover([str(tmp_path / "missing")])


def test_check_fits_refuses_a_long_article_naming_the_limit():
    long = load(str(EXAMPLE))
    long.text = (long.text + "\n\n") * 60
    with pytest.raises(InputError, match=rf"too long for the local model.*{LOCAL_CONTEXT}-token context"):
        check_fits(long, Settings(provider="local"))
    check_fits(load(str(EXAMPLE)), Settings(provider="local"))  # the reference article fits


# ------------------------------------------------------------------------------------------ bad input, CLI

def _binary(path):
    path.write_bytes(os.urandom(64) + b"\x00\x00" + os.urandom(4000))


def _write(folder, name: str, data: str | bytes) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def _folder_without_articles(d) -> str:
    _write(d, "folder/notes.png", b"\x89PNG\r\n\x1a\n")
    _write(d, "folder/.hidden.txt", "hidden " * 50)
    return str(d / "folder")


NAV_ONLY = ("<!DOCTYPE html><html><head><title>Home</title></head><body><nav><a href='/'>Home</a> "
            "<a href='/w'>World</a></nav><script>var x = 1;</script></body></html>")

BAD_INPUTS = {
    # name: (make the input in tmp_path → the argument, expected message part)
    "missing_file": (lambda d: str(d / "missing.txt"), "missing.txt: no such file"),
    "directory_without_articles": (_folder_without_articles, "no articles"),
    "empty_file": (lambda d: _write(d, "empty.txt", ""), "empty.txt: the article is empty"),
    "whitespace_only": (lambda d: _write(d, "ws.txt", " \n\t\n   \r\n"), "ws.txt: the article is empty"),
    "binary_file": (lambda d: _binary(d / "data.txt") or str(d / "data.txt"), "data.txt: looks like a binary file"),
    "pdf_file": (lambda d: _write(d, "a.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "a.pdf: is a PDF document"),
    "too_short": (lambda d: _write(d, "short.txt", "Talks resumed in Vienna on Wednesday, officials said."),
                  "short.txt: only 8 words; an article needs at least 40"),
    "html_without_article": (lambda d: _write(d, "nav.html", NAV_ONLY), "nav.html: no article text found"),
    "too_large": (lambda d: _write(d, "huge.txt", b"word " * (ingest.MAX_BYTES // 5 + 1)),
                  "huge.txt: larger than 10 MB"),
}


@pytest.mark.parametrize("existing", [False, True], ids=["new_output", "existing_output"])
@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_no_output(case, existing, tmp_path, monkeypatch, capsys):
    make, message = BAD_INPUTS[case]
    source = make(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "briefing.md"
    before = None
    if existing:
        before = "an earlier briefing\n"
        out.write_text(before)
    code, stdout, err = cli("generate", source, "-o", str(out), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert_one_line_error(err, message)
    assert stdout == ""
    assert_no_output(out_dir, out, before)


@pytest.mark.parametrize("stdin,message", [
    (b"", "stdin: the article is empty"),
    (b"   \n\n  ", "stdin: the article is empty"),
    (b"Too short to brief.", "stdin: only 4 words"),
    (b"\x00\x01\x02binary" * 50, "stdin: looks like a binary file"),
])
def test_bad_stdin_exits_2(stdin, message, tmp_path, monkeypatch, capsys):
    out = tmp_path / "b.md"
    code, _, err = cli("generate", "-", "-o", str(out), stdin=stdin, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert_one_line_error(err, message)
    assert_no_output(tmp_path, out, None)


def test_unknown_format_flag_exits_2(tmp_path, monkeypatch, capsys):
    out = tmp_path / "b.docx"
    code, _, err = cli("generate", str(EXAMPLE), "-f", "docx", "-o", str(out), monkeypatch=monkeypatch,
                       capsys=capsys)
    assert code == 2
    assert_one_line_error(err, "unknown format 'docx'")
    assert_no_output(tmp_path, out, None)


def test_bad_date_flag_exits_2(tmp_path, monkeypatch, capsys):
    out = tmp_path / "b.md"
    code, _, err = cli("generate", str(EXAMPLE), "--date", "last Wednesday", "-o", str(out), monkeypatch=monkeypatch,
                       capsys=capsys)
    assert code == 2
    assert_one_line_error(err, "give the reference date as YYYY-MM-DD")
    assert_no_output(tmp_path, out, None)


def test_article_too_long_for_the_local_model_exits_2_before_any_model_runs(tmp_path, monkeypatch, capsys):
    """No key and no endpoint: the local model. The article cannot fit its context: refused, naming the limit,
    before a model server starts (none would start in this test's empty HOME anyway)."""
    long = tmp_path / "long.txt"
    long.write_text((EXAMPLE.read_text() + "\n\n") * 60)
    out = tmp_path / "b.md"
    code, _, err = cli("generate", str(long), "-o", str(out), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert_one_line_error(err, "too long for the local model")
    assert f"{LOCAL_CONTEXT}-token context" in err and "--base-url" in err
    assert_no_output(tmp_path, out, None)


MALFORMED = {
    "not_json": "this is not JSON",
    "truncated": '{"schema_version": "1.0", "article": {"text": "x"',
    "array": "[1, 2, 3]",
    "wrong_schema": '{"schema_version": "1.0", "article": {"text": "x"}}',
    "empty": "",
}


@pytest.mark.parametrize("existing", [False, True], ids=["new_output", "existing_output"])
@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_extraction_json_to_render_exits_2(case, existing, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "extraction.json"
    bad.write_text(MALFORMED[case])
    out = tmp_path / "out" / "briefing.html"
    out.parent.mkdir()
    before = "old\n" if existing else None
    if before:
        out.write_text(before)
    code, _, err = cli("render", str(bad), "-f", "html", "-o", str(out), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert_one_line_error(err, "extraction.json: not a briefing JSON")
    assert_no_output(out.parent, out, before)


def test_render_of_a_binary_file_exits_2(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "x.json"
    _binary(bad)
    out = tmp_path / "o.md"
    code, _, err = cli("render", str(bad), "-o", str(out), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert_one_line_error(err, "x.json: looks like a binary file")
    assert_no_output(tmp_path, out, None)


def test_page_date_resolves_relative_dates():
    """The page's publication date (Wednesday 9 November 2016) is the reference for "on Tuesday"."""
    from briefing.grounding.grounder import Grounder
    from briefing.brief import build
    from briefing.schema import Extraction

    a = load(str(PAGE))
    first = a.sentences[0].id
    answer = {
        "headline": "Lady Gaga protests at Trump Tower", "dateline": {"place": None, "date": None},
        "bottom_line": {"text": "Lady Gaga staged a protest at Trump Tower.", "ev": [first]},
        "key_points": [{"text": "Lady Gaga staged a protest at Trump Tower in New York.", "ev": [first]}] * 3,
        "actors": [{"name": "Lady Gaga", "role": None, "affiliation": None, "stance": None, "ev": [first]}],
        "positions": [{"party": "Lady Gaga", "stance": "Protested Trump's victory.", "ev": [first]}],
        "timeline": [{"date": "on Tuesday", "what": "Election night.", "who": None, "type": "PROTEST", "ev": [first]},
                     {"date": "Wednesday", "what": "Lady Gaga protested at Trump Tower.", "who": "Lady Gaga",
                      "type": "PROTEST", "ev": [first]}],
        "quotes": [], "issues": [{"text": "Trump's victory.", "ev": [first]}],
        "outlook": [{"text": "More protests.", "likelihood": "likely", "confidence": "low", "basis": "Fans.",
                     "ev": [first]}],
        "open_questions": [{"text": "Will it go on?", "ev": [first]}],
    }
    ex = Extraction.model_validate(answer, context={"check": Grounder(a, strict=False)})
    b = build(a, ex)
    assert [e.iso for e in b.extraction.timeline] == ["2016-11-08", "2016-11-09"]
    b2 = build(load(str(PAGE), date="2016-11-17"), Extraction.model_validate(answer))
    assert [e.iso for e in b2.extraction.timeline] == ["2016-11-15", "2016-11-16"], "--date wins over the page"


def test_load_refuses_a_directory_clearly(tmp_path):
    with pytest.raises(InputError, match="is a directory with no articles in it"):
        load(str(tmp_path))
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(InputError, match=r"is a directory \(1 article file\(s\)\); give one article file"):
        load(str(tmp_path))


@LOOPBACK
def test_language_flag_reaches_the_model_with_the_original_text(tmp_path, monkeypatch, capsys):
    """``--language German`` on a French article (cp1252 file): the model is asked for German, and is given the
    French text as it is."""
    f = tmp_path / "article.txt"
    f.write_bytes(FRENCH.encode("cp1252"))
    denied = Reply(401, json.dumps({"error": {"message": "no key"}}), {"Content-Type": "application/json"})
    with Loopback({"/v1/chat/completions": [denied]}) as srv:
        code, _, err = cli("generate", str(f), "--language", "German", "--provider", "llamacpp", "--base-url",
                           f"{srv.url}/v1", "--model", "local", "-q", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "HTTP 401" in err
    body = json.loads(srv.requests[0][3])
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    assert "Write in German." in system
    assert "« Nous ne renoncerons pas », a-t-il ajouté" in user


def test_html_ingestion_works_on_a_fresh_install_with_no_mock():
    """trafilatura imports jusText, which imports ``lxml.html.clean``; since lxml 6 that module is the separate
    package lxml_html_clean (declared in pyproject.toml): without it every HTML file and URL input failed on a
    fresh install. A fresh interpreter imports the real path and briefs tests/data/news-page.html's body."""
    import subprocess

    code = ("import sys\n"
            "from importlib import metadata\n"
            "import lxml, lxml.html.clean, trafilatura\n"
            "from briefing import load\n"
            "a = load(sys.argv[1])\n"
            "assert 'trafilatura' in sys.modules and 'justext' in sys.modules\n"
            "print(metadata.version('lxml'), metadata.version('lxml_html_clean'), a.meta['format'])\n"
            "print(a.text)\n")
    r = subprocess.run([sys.executable, "-c", code, str(PAGE)], capture_output=True, text=True, timeout=120,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    versions, text = r.stdout.split("\n", 1)
    assert versions.endswith(" html"), versions
    assert text.startswith("Lady Gaga has staged a protest against Donald Trump's presidential victory")
    assert "had defied expectations and won the presidential election." in text
    assert not any(noise in text for noise in PAGE_NOISE)
