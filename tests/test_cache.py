"""The extraction cache: what its key covers, where it lives, and that a hit makes no model call."""

from __future__ import annotations

import shutil

import pytest

from briefing import cli
from briefing.model import prompts
from briefing.brief import Briefer
from briefing.ingest.inputs import expand
from briefing.batch.run import run_batch
from briefing.model.identity import request_key as cache_key
from briefing.store.cache import Cache
from briefing.config import Settings
from briefing.ingest.core import from_text
from tests.mock_model import MockModel, articles


def settings(**kw) -> Settings:
    base = dict(provider="llamacpp", base_url="http://mock.invalid/v1", model="local", max_retries=1,
                http_retries=0)
    base.update(kw)
    return Settings(**base)


@pytest.fixture
def article(example_text):
    return from_text(example_text, title="Vienna", source="wire", date="2023-05-11")


def test_key_is_stable_and_covers_everything_that_shapes_the_answer(article, example_text):
    base = cache_key(article, settings())
    assert base == cache_key(article, settings()) and len(base) == 64
    changed = {
        "model": cache_key(article, settings(model="other")),
        "provider": cache_key(article, settings(provider="vllm")),
        "base_url": cache_key(article, settings(base_url="http://elsewhere/v1")),
        "temperature": cache_key(article, settings(temperature=0.7)),
        "seed": cache_key(article, settings(seed=1)),
        "max_tokens": cache_key(article, settings(max_tokens=900)),
        "max_retries": cache_key(article, settings(max_retries=0)),
        "language": cache_key(article, settings(language="French")),
        "sections": cache_key(article, settings(sections="brief")),
        "reask_grounding": cache_key(article, settings(reask_grounding=False)),
        "text": cache_key(from_text(example_text + " One more sentence.", title="Vienna", source="wire",
                                    date="2023-05-11"), settings()),
        "title": cache_key(from_text(example_text, title="Other", source="wire", date="2023-05-11"), settings()),
    }
    assert all(k != base for k in changed.values()), [n for n, k in changed.items() if k == base]
    assert len(set(changed.values())) == len(changed)
    # what does not shape the answer does not change the key
    assert cache_key(article, settings(timeout=5.0, http_retries=7, quiet=True)) == base
    assert cache_key(article, settings(api_key="sk-other-key-000000000000")) == base


def test_key_changes_with_prompts_and_schema_version(article, tmp_path, monkeypatch):
    base = cache_key(article, settings())
    copy = tmp_path / "prompts"
    shutil.copytree(prompts.prompt_dir(), copy)
    with monkeypatch.context() as m:
        m.setattr(prompts, "prompt_dir", lambda: copy)
        assert cache_key(article, settings()) == base                 # same templates, same key
        (copy / "system.j2").write_text((copy / "system.j2").read_text() + "\nBe terse.\n")
        assert cache_key(article, settings()) != base
    assert cache_key(article, settings()) == base
    with monkeypatch.context() as m:
        m.setattr("briefing.schema.SCHEMA_VERSION", "9.9")
        assert cache_key(article, settings()) != base


def test_local_model_key_names_the_model_file_not_the_port(article):
    local = Settings(provider="local", gguf="/models/a.gguf")
    assert cache_key(article, local, model="local", base_url="http://127.0.0.1:5001/v1") == \
        cache_key(article, local, model="local", base_url="http://127.0.0.1:6002/v1")
    assert cache_key(article, local) != cache_key(article, Settings(provider="local", gguf="/models/b.gguf"))


def test_store_roundtrip_clear_and_env_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "c"))
    with Cache() as cache:
        assert cache.path == tmp_path / "c" / "extractions.sqlite3"
        assert cache.get("k") is None
        cache.put("k", '{"x": 1}', model="m", prompt_hash="p", usage={"attempts": 2})
        assert cache.get("k") == ('{"x": 1}', {"attempts": 2}) and len(cache) == 1
    prefix = tmp_path / "c" / "prefix"  # the local server's saved prompt states live in the same cache (#16)
    prefix.mkdir()
    (prefix / "prefix-0123.kv").write_bytes(b"x" * 1024)
    (prefix / "notes.txt").write_text("not ours")
    assert cli.main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "1 cached extraction(s)" in out and "1 saved prompt state(s)" in out
    assert cli.main(["cache", "clear"]) == 0
    out = capsys.readouterr().out
    assert "removed 1 cached extraction(s)" in out and "1 saved prompt state(s)" in out
    assert [p.name for p in prefix.iterdir()] == ["notes.txt"]
    with Cache() as cache:
        assert len(cache) == 0


def test_changing_the_model_or_the_prompt_calls_the_model_again(tmp_path, monkeypatch):
    paths = articles(tmp_path, 2)
    mock = MockModel()

    def run(s: Settings, out: str):
        with Briefer(s, cache=Cache(), client_factory=mock.client_factory()) as runner:
            return run_batch(expand(paths), runner, tmp_path / out, quiet=True)

    assert {r["source"] for r in run(settings(), "a").records} == {"model"} and mock.calls == 2
    assert {r["source"] for r in run(settings(), "b").records} == {"cache"} and mock.calls == 2
    assert {r["source"] for r in run(settings(model="bigger"), "c").records} == {"model"} and mock.calls == 4
    assert mock.requests[-1]["model"] == "bigger"

    copy = tmp_path / "prompts"
    shutil.copytree(prompts.prompt_dir(), copy)
    (copy / "user.j2").write_text((copy / "user.j2").read_text() + "\nBe terse.\n")
    with monkeypatch.context() as m:
        m.setattr(prompts, "prompt_dir", lambda: copy)
        assert {r["source"] for r in run(settings(), "d").records} == {"model"} and mock.calls == 6
        assert mock.requests[-1]["messages"][1]["content"].endswith("Be terse.")
    assert {r["source"] for r in run(settings(), "e").records} == {"cache"} and mock.calls == 6


def test_a_hit_is_grounded_again(tmp_path, example_text):
    """The cache keeps the model's answer; grounding runs on every hit, so the briefing is the same as fresh."""
    src = tmp_path / "a.txt"
    src.write_text(example_text)
    mock = MockModel()
    with Briefer(settings(), cache=Cache(), client_factory=mock.client_factory()) as runner:
        fresh = runner.brief(expand([str(src)])[0].load())
        hit = runner.brief(expand([str(src)])[0].load())
    assert (fresh.cached, hit.cached) == (False, True) and mock.calls == 1
    assert hit.briefing.extraction.model_dump() == fresh.briefing.extraction.model_dump()
    assert hit.briefing.grounding == fresh.briefing.grounding and hit.briefing.grounding.total > 0
    assert hit.usage.attempts == 0 and fresh.usage.attempts == 1
