"""The CLI end to end in subprocesses: exit codes, one-line errors, no partial output."""

import json
import os
import subprocess
import sys

import pytest

from briefing.text.article import Article
from briefing.grounding.grounder import Grounder
from briefing.brief import build
from briefing.schema import Extraction
from tests.helpers import ROOT, extraction, run


@pytest.fixture
def briefing_json(tmp_path, example_text):
    art = Article(example_text)
    ex = Extraction.model_validate(extraction(), context={"check": Grounder(art, strict=False)})
    path = tmp_path / "b.json"
    path.write_text(build(art, ex, model="m").model_dump_json(indent=2))
    return path


def test_help_lists_the_commands():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("generate", "render", "schema", "models"):
        assert cmd in r.stdout


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from briefing.cli import build_parser; build_parser().format_help(); "
            "print(sorted(m for m in ('openai', 'instructor', 'llama_cpp', 'trafilatura', 'httpx', 'httpx2') "
            "if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip() == "[]"


def test_schema_prints_json_schema():
    r = run("schema")
    assert r.returncode == 0
    assert json.loads(r.stdout)["title"] == "Extraction"


@pytest.mark.parametrize("fmt,needle", [("md", "# US and China seek"), ("html", "<!DOCTYPE html>")])
def test_render_writes_the_requested_format(briefing_json, tmp_path, fmt, needle):
    out = tmp_path / f"out.{fmt}"
    r = run("render", str(briefing_json), "-f", fmt, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert needle in out.read_text()


def test_render_json_round_trips(briefing_json):
    r = run("render", str(briefing_json), "-f", "json")
    assert r.returncode == 0
    assert json.loads(r.stdout) == json.loads(briefing_json.read_text())


@pytest.mark.parametrize("args,message", [
    (["render", "missing.json"], "missing.json: no such file"),
    (["generate", "missing.txt"], "missing.txt: no such file"),
    (["generate", "-", "-f", "docx"], "unknown format 'docx'"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, tmp_path):
    out = tmp_path / "out"
    r = run(*args, "-o", str(out), stdin="word " * 100)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_malformed_extraction_json_is_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0", "article": {"text": "x"}}')
    out = tmp_path / "out.md"
    r = run("render", str(bad), "-o", str(out))
    assert r.returncode == 2 and "not a briefing JSON" in r.stderr
    assert not out.exists()


def test_short_stdin_is_refused_before_any_model_runs():
    r = run("generate", "-", stdin="Too short to brief.")
    assert r.returncode == 2 and "at least 40" in r.stderr


def test_a_json_article_record_is_read_as_its_article_not_as_text(tmp_path):
    """`briefing generate 01-….json` on a shared-corpus record briefs the record's text, as a batch does — not the
    JSON itself, gold answers and all (it did, before any check could tell)."""
    record = tmp_path / "article.json"
    record.write_text(json.dumps({"title": "T", "text": "Too short to brief.", "gold": {"who": ["x"] * 50}}))
    r = run("generate", str(record), "-o", str(tmp_path / "out.md"))
    assert r.returncode == 2 and "at least 40" in r.stderr, r.stderr  # the record's 4 words, not its 60 of JSON
    record.write_text(json.dumps({"path": "elsewhere.txt"}))
    r = run("generate", str(record), "-o", str(tmp_path / "out.md"))
    assert r.returncode == 2 and "elsewhere.txt: no such file" in r.stderr, r.stderr
    assert not (tmp_path / "out.md").exists()


def test_models_lists_the_default():
    r = run("models")
    assert r.returncode == 0
    assert "* qwen2.5-coder-1.5b" in r.stdout
