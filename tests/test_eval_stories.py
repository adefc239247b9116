"""The eval of a stories corpus (a folder of story folders) on a MOCK model transport: per story, coverage against
the union of its articles' gold, support counts, conflicts, cost; recomputed from the saved briefings without a
model."""

from __future__ import annotations

import json
import shutil

from briefing.cli import main
from briefing.config import Settings
from briefing.eval.stories import is_stories_corpus, run_stories, stories_report, union_gold
from tests.helpers import SHARED
from tests.mock_model import MockModel


def corpus(tmp_path, stories=("china-well-rescue", "seattle-shooting"), n=2):
    root = tmp_path / "stories"
    for name in stories:
        (root / name).mkdir(parents=True)
        for f in sorted((SHARED / "stories" / name).glob("*.json"))[:n]:
            shutil.copy(f, root / name / f.name)
    return root


def test_a_folder_of_story_folders_is_a_stories_corpus(tmp_path):
    assert is_stories_corpus(corpus(tmp_path)) and not is_stories_corpus(SHARED / "corpus")


def test_union_gold_holds_every_articles_answers(tmp_path):
    root = corpus(tmp_path, stories=("china-well-rescue",), n=3)
    names = [f.stem for f in sorted((root / "china-well-rescue").glob("*.json"))]
    gold = union_gold(root / "china-well-rescue", names)
    for f in (root / "china-well-rescue").glob("*.json"):
        for w, answers in json.loads(f.read_text())["gold"].items():
            for a in (answers if isinstance(answers, list) else [answers]):
                if isinstance(a, str) and a.strip():
                    assert a.strip() in gold[w]


def test_stories_eval_reports_each_story_and_recomputes_without_a_model(tmp_path, monkeypatch):
    mock = MockModel()
    mock.install(monkeypatch)
    root = corpus(tmp_path)
    s = Settings(provider="llamacpp", base_url="http://mock.invalid/v1", model="local", http_retries=0,
                 sections="full")
    report = run_stories(root, tmp_path / "out", s, limit=2, use_cache=False)
    assert mock.calls == 2 * (2 + 1), "two extractions and one short call per story"
    o = report["overall"]
    assert (o["stories"], o["briefed"], o["sources"]) == (2, 2, 4)
    assert o["support"]["support_share"] == 1.0, "every shown item says how many sources state it"
    assert o["coverage"]["with_gold"] > 0 and o["cost"]["calls"] == 6
    for story in report["stories"]:
        assert story["articles"] and story["metrics"]["sources"] == 2
    again = stories_report(tmp_path / "out", corpus=str(root))
    assert again["overall"] == o


def test_briefing_eval_takes_a_stories_corpus_and_from(tmp_path, monkeypatch):
    mock = MockModel()
    mock.install(monkeypatch)
    root = corpus(tmp_path, stories=("seattle-shooting",), n=3)
    out = tmp_path / "out"
    flags = ["--provider", "llamacpp", "--base-url", "http://mock.invalid/v1", "--sections", "full", "-q"]
    assert main(["eval", str(root), "-o", str(out), "--limit", "2", "--no-cache", *flags]) == 0
    md = (out / "report.md").read_text()
    assert "# Story briefing evaluation" in md and "seattle-shooting" in md and "2 of 3" in md
    before = json.loads((out / "report.json").read_text())["overall"]
    assert main(["eval", "--from", str(out), "-q"]) == 0
    assert json.loads((out / "report.json").read_text())["overall"] == before
