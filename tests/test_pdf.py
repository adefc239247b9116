"""The HTML briefing in a real headless Chromium: it loads with no network and no console errors, reads well on
screen, prints on one page (A4 and Letter), degrades to a marked second page or trims when told to, and
``-f pdf`` works end to end. Screenshots and PDFs are kept under ``.artifacts/`` for a person to look at.

Tests marked ``browser`` need Chromium (Debian: ``apt-get install chromium``, or ``BRIEFING_CHROMIUM``). Without
it they are skipped with one reason, "Chromium not found: apt-get install chromium, or set BRIEFING_CHROMIUM";
with ``CI`` set (``.ci/run`` runs with ``CI=true``) they fail with that message instead. The decision is
``tests/browser.py``'s, applied to every ``browser`` test by ``tests/conftest.py``.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest

from briefing.output import devtools, pdf
from briefing.output.chromium import find_chromium
from briefing.cli import main
from briefing.errors import RenderError
from briefing.output.render import render
from tests import samples
from tests.browser import MISSING, decide, require_chromium
from tests.conftest import ROOT

ARTIFACTS = ROOT / ".artifacts"
#: Page sizes in PDF points.
SIZES = {"a4": (595, 842), "letter": (612, 792)}


@pytest.fixture(scope="module")
def full():
    return samples.full()


@pytest.fixture(scope="module")
def long():
    return samples.long()


@pytest.fixture
def chromium():
    """The Chromium binary; without one the test is skipped, or failed under CI (tests/browser.py)."""
    return require_chromium()


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def pdf_size(data: bytes) -> tuple[int, int]:
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, head = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = head
    assert depth == 8 and color in (2, 6) and interlace == 0, head
    bpp = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[j] for j in range(stride) if j % bpp < 3))  # RGB only
        prev = line
    return width, height, rows


def ink(rows: list[bytes], top: int = 0, bottom: int | None = None) -> float:
    """Share of dark pixels (text) in rows[top:bottom]."""
    sel = rows[top:bottom]
    dark = sum(1 for r in sel for i in range(0, len(r), 3) if r[i] + r[i + 1] + r[i + 2] < 300)
    return dark / max(1, sum(len(r) // 3 for r in sel))


# --------------------------------------------------------------------------------------- without Chromium


def test_pdf_without_chromium_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys, full):
    src = tmp_path / "b.json"
    src.write_text(full.model_dump_json())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["render", str(src), "-f", "pdf", "-o", str(tmp_path / "out.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("briefing: error: PDF output needs headless Chromium")
    assert not (tmp_path / "out.pdf").exists()
    monkeypatch.setenv("BRIEFING_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert main(["render", str(src), "-f", "pdf", "-o", str(tmp_path / "out.pdf")]) == 1
    assert "BRIEFING_CHROMIUM=" in capsys.readouterr().err


def _no_chromium(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("BRIEFING_CHROMIUM", str(tmp_path / "no-such-chromium"))


@pytest.mark.parametrize("ci, action", [(None, "skip"), ("", "skip"), ("false", "skip"), ("0", "skip"),
                                        ("true", "fail"), ("1", "fail")])
def test_browser_tests_without_chromium_skip_or_fail_under_ci(tmp_path, monkeypatch, ci, action):
    _no_chromium(tmp_path, monkeypatch)
    env = {} if ci is None else {"CI": ci}
    got, message = decide(find_chromium, env)
    assert got == action and message.startswith(MISSING)
    assert message == MISSING if action == "skip" else "BRIEFING_CHROMIUM=" in message
    monkeypatch.delenv("BRIEFING_CHROMIUM")  # nothing configured, nothing on PATH: the same decision
    assert decide(find_chromium, env)[0] == action


def test_browser_tests_run_when_chromium_is_configured(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "my-chromium"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("BRIEFING_CHROMIUM", str(fake))
    assert decide(find_chromium, {"CI": "true"}) == ("run", str(fake))


@pytest.mark.parametrize("ci", [None, "true"])
def test_browser_run_without_chromium_says_so_once(tmp_path, ci):
    """``python -m pytest -m browser`` on a machine without Chromium: every browser test skipped with the one
    reason, or, with CI=true, failed with it."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(PATH=str(tmp_path / "empty"), BRIEFING_CHROMIUM=str(tmp_path / "no-such-chromium"))
    if ci:
        env["CI"] = ci
    r = subprocess.run([sys.executable, "-m", "pytest", "-m", "browser", "-q", "-p", "no:cacheprovider",
                        "tests/test_pdf.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    if ci:
        assert r.returncode == 1 and " passed" not in out, out[-3000:]
        assert out.count(MISSING) >= 10, out[-3000:]
    else:
        assert r.returncode == 0 and " passed" not in out, out[-3000:]
        skips = [line for line in out.splitlines() if line.startswith("SKIPPED")]
        assert sum(MISSING in line for line in skips) == 1, skips  # one line: "SKIPPED [n] ...: MISSING"


def test_max_pages_needs_pdf(tmp_path, capsys, full):
    src = tmp_path / "b.json"
    src.write_text(full.model_dump_json())
    assert main(["render", str(src), "-f", "html", "--max-pages", "1"]) == 2
    assert "--max-pages needs -f pdf" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["render", str(src), "-f", "pdf", "--paper", "a3"])
    assert e.value.code == 2


def test_paper_sets_the_page_size_only_when_asked(full):
    assert "size: A4;" in render(full, "html", paper="a4")
    assert "size: letter;" in render(full, "html", paper="letter")
    assert "size:" not in render(full, "html").split("@page", 1)[1].split("}", 1)[0]
    with pytest.raises(RenderError, match="unknown paper 'a3'"):
        render(full, "html", paper="a3")


def test_trim_plan_drops_lowest_priority_first_and_keeps_floors(full):
    plan = pdf.trim_plan(full.extraction)
    assert plan[:3] == ["open_questions", "issues", "quotes"]
    assert plan.index("key_points") > plan.index("outlook") > plan.index("timeline")
    smallest, omitted = pdf.trim(full, len(plan))
    ex = smallest.extraction
    assert (len(ex.key_points), len(ex.outlook), len(ex.timeline), len(ex.actors)) == (3, 1, 1, 1)
    assert ex.open_questions == [] and ex.issues == [] and ex.quotes == []
    assert "3 of 6 key points" in omitted and "3 of 3 open questions" in omitted
    assert len(full.extraction.key_points) == 6, "trimming works on a copy"
    one, omitted = pdf.trim(full, 1)
    assert omitted == ["1 of 3 open questions"]
    assert [q.text for q in one.extraction.open_questions] == [q.text for q in full.extraction.open_questions[:2]]


def test_trimmed_briefing_says_what_it_left_out(full):
    smaller, omitted = pdf.trim(full, 2)
    from briefing.output.render import _env, context

    html = _env(None, True).get_template("briefing.html.j2").render(**context(smaller, omitted=omitted))
    assert "Trimmed to fit the page: left out 1 of 3 open questions, 1 of 4 issues" in html
    assert "Trimmed to fit" not in render(full, "html")


def test_page_count_reads_a_pdf_structure():
    body = b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 2>>\n2 0 obj <</Type /Page>>\n3 0 obj <</Type/Page /P 1>>\n"
    assert pdf.page_count(body) == 2


# ------------------------------------------------------------------------------------------ in Chromium


@pytest.mark.browser
def test_page_loads_without_network_requests_or_console_errors(chromium, full, tmp_path):
    page = tmp_path / "briefing.html"
    page.write_text(render(full, "html"), encoding="utf-8")
    with devtools.Browser() as browser:
        browser.open(page.as_uri())
        assert browser.requests() == [page.as_uri()]
        assert browser.problems() == []
        assert browser.evaluate("document.title") == full.extraction.headline


@pytest.mark.browser
def test_the_watch_sees_blocked_requests_and_console_errors(chromium, tmp_path):
    """The control: the same checks do flag a page that reaches out or logs an error."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
                    '<p>x</p><img src="http://127.0.0.1:9/x.png"><iframe src="http://127.0.0.1:9/"></iframe>')
    with devtools.Browser() as browser:
        browser.open(page.as_uri())
        assert browser.problems(), "a CSP violation must show up as a problem"
    page.write_text('<!DOCTYPE html><p>x</p><img src="http://127.0.0.1:9/x.png">')
    with devtools.Browser() as browser:
        browser.open(page.as_uri())
        assert "http://127.0.0.1:9/x.png" in browser.requests()


@pytest.mark.browser
def test_screenshot_reads_well_on_screen(chromium, full, tmp_path):
    page = tmp_path / "briefing.html"
    page.write_text(render(full, "html"), encoding="utf-8")
    with devtools.Browser() as browser:
        browser.open(page.as_uri(), width=1280, height=800)
        shot = browser.screenshot()
        box = browser.evaluate("""(() => {
            const r = s => { const b = document.querySelector(s).getBoundingClientRect();
                             return {top: b.top, bottom: b.bottom, left: b.left, right: b.right}; };
            return {h1: r('h1'), bluf: r('.bluf'), actors: r('#actors'), positions: r('#positions'),
                    h1px: parseFloat(getComputedStyle(document.querySelector('h1')).fontSize),
                    bodypx: parseFloat(getComputedStyle(document.querySelector('.keypoints li')).fontSize),
                    overflow: document.documentElement.scrollWidth > innerWidth};
        })()""")
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        narrow = browser.evaluate("""(() => {
            const a = document.querySelector('#actors').getBoundingClientRect(),
                  p = document.querySelector('#positions').getBoundingClientRect();
            return {stacked: p.top >= a.bottom, overflow: document.documentElement.scrollWidth > innerWidth};
        })()""")
        mobile_shot = browser.screenshot()
    artifact("briefing-screen.png").write_bytes(shot)
    artifact("briefing-mobile.png").write_bytes(mobile_shot)
    width, height, rows = decode_png(shot)
    assert (width, height) == (1280, 800)
    assert 0.01 < ink(rows) < 0.5, "the screenshot is blank or a solid block"
    assert len({r[i:i + 3] for r in rows[::7] for i in range(0, len(r), 21)}) > 20, "too few colours: blank?"
    # hierarchy: headline and bottom line above the fold, headline the largest text
    assert 0 <= box["h1"]["top"] < box["h1"]["bottom"] < box["bluf"]["top"] < box["bluf"]["bottom"] < 800
    h1_top, h1_bottom = int(box["h1"]["top"]), int(box["h1"]["bottom"])
    assert ink(rows, h1_top, h1_bottom) > 0.03, "the headline is not drawn where the layout says"
    assert box["h1px"] >= 1.5 * box["bodypx"] and box["bodypx"] >= 14
    # actors and positions side by side on a desktop, stacked on a phone; nothing overflows sideways
    assert box["actors"]["right"] <= box["positions"]["left"] and abs(box["actors"]["top"] - box["positions"]["top"]) < 2
    assert not box["overflow"] and narrow == {"stacked": True, "overflow": False}


@pytest.mark.browser
def test_evidence_links_open_the_article_at_the_span(chromium, full, tmp_path):
    page = tmp_path / "briefing.html"
    page.write_text(render(full, "html"), encoding="utf-8")
    with devtools.Browser() as browser:
        browser.open(page.as_uri())
        assert browser.evaluate("document.querySelector('details.article').open") is False
        state = browser.evaluate("""(async () => {
            const link = document.querySelector('.keypoints a.cite');
            link.click();
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            const target = document.querySelector(link.getAttribute('href'));
            const b = target.getBoundingClientRect();
            return {open: document.querySelector('details.article').open, hash: location.hash,
                    visible: b.top > -2 && b.bottom <= innerHeight && b.height > 0,
                    marked: target.nextElementSibling && target.nextElementSibling.tagName};
        })()""")
    assert state["hash"].startswith("#ev-")
    assert state == {"open": True, "hash": state["hash"], "visible": True, "marked": "MARK"}


def _cli_pdf(briefing, tmp_path, *args: str) -> bytes:
    src = tmp_path / "b.json"
    src.write_text(briefing.model_dump_json())
    out = tmp_path / "out.pdf"
    assert main(["render", str(src), "-f", "pdf", "-o", str(out), *args]) == 0
    return out.read_bytes()


@pytest.mark.browser
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pdf_is_one_page(chromium, full, tmp_path, paper):
    data = _cli_pdf(full, tmp_path, "--paper", paper)
    artifact(f"briefing-{paper}.pdf").write_bytes(data)
    pages = pdf_pages(data)
    assert len(pages) == 1 == pdf.page_count(data)
    assert pdf_size(data) == SIZES[paper]
    text = flat(pages[0])
    ex = full.extraction
    for needle in (ex.headline, "BOTTOM LINE UP FRONT", ex.key_points[-1].text, ex.open_questions[-1].text,
                   "Page 1 of 1", "constructed-test-data"):
        assert needle in text, needle
    assert "CONTINUED" not in text
    assert "Trust Principles" not in text, "the article text must not print"


@pytest.mark.browser
def test_long_briefing_puts_priority_first_and_marks_page_2(chromium, long, tmp_path):
    data = _cli_pdf(long, tmp_path, "--paper", "a4")
    artifact("long-a4.pdf").write_bytes(data)
    pages = [flat(p) for p in pdf_pages(data)]
    assert len(pages) == 2
    ex = long.extraction
    assert ex.headline[:40] in pages[0] and "BOTTOM LINE UP FRONT" in pages[0]
    assert ex.key_points[-1].text[:40] in pages[0]
    assert "CONTINUED FROM PAGE 1" in pages[1] and "CONTINUED" not in pages[0]
    assert "Page 2 of 2" in pages[1]
    assert ex.open_questions[-1].text[:40] in pages[1]


@pytest.mark.browser
def test_max_pages_trims_lowest_priority_and_says_so(chromium, long, full, tmp_path):
    data = _cli_pdf(long, tmp_path, "--paper", "letter", "--max-pages", "1")
    artifact("long-letter-max1.pdf").write_bytes(data)
    pages = [flat(p) for p in pdf_pages(data)]
    assert len(pages) == 1 and pdf_size(data) == SIZES["letter"]
    ex = long.extraction
    assert ex.headline[:40] in pages[0] and ex.key_points[0].text[:40] in pages[0]
    assert "Trimmed to fit the page: left out" in pages[0] and "open questions" in pages[0]
    assert ex.open_questions[-1].text[:40] not in pages[0]
    untouched = flat(pdf_pages(_cli_pdf(full, tmp_path, "--max-pages", "1"))[0])
    assert "Trimmed" not in untouched and full.extraction.open_questions[-1].text in untouched


@pytest.mark.browser
def test_stdout_pdf_and_devtools_print_agree(chromium, full, tmp_path, capsysbinary):
    page = tmp_path / "briefing.html"
    page.write_text(render(full, "html", paper="a4"), encoding="utf-8")
    with devtools.Browser() as browser:
        browser.open(page.as_uri())
        printed = browser.print_pdf()
    assert pdf.page_count(printed) == len(pdf_pages(printed)) == 1
    src = tmp_path / "b.json"
    src.write_text(full.model_dump_json())
    assert main(["render", str(src), "-f", "pdf"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"%PDF") and len(pdf_pages(out)) == 1


EXAMPLE_JSON = ROOT / "examples" / "vienna-talks.json"


@pytest.mark.browser
@pytest.mark.skipif(not EXAMPLE_JSON.exists(), reason="examples/vienna-talks.json (a real run) is not committed yet")
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_committed_example_prints_on_one_page(chromium, tmp_path, paper):
    out = tmp_path / "example.pdf"
    assert main(["render", str(EXAMPLE_JSON), "-f", "pdf", "--paper", paper, "-o", str(out)]) == 0
    data = out.read_bytes()
    artifact(f"vienna-talks-{paper}.pdf").write_bytes(data)
    assert len(pdf_pages(data)) == 1 and pdf_size(data) == SIZES[paper]
