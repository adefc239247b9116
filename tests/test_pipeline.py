"""The brief path on mock transports: re-asks, --strict, the sections profile, length caps (a real model answer
replayed from a cassette is in test_example.py)."""

import json

import pytest

from briefing.text.article import Article
from briefing.config import Settings
from briefing.errors import ModelError, UngroundedError
from briefing.brief import generate
from tests.helpers import Script, extraction, mock_client


# --------------------------------------------------------------------------------------- mock transports

SETTINGS = Settings(provider="llamacpp", base_url="http://mock.invalid/v1", model="local", max_retries=1,
                    http_retries=0)


def test_misquote_is_reasked_then_flagged_mock_transport(example_text):
    bad = extraction(quotes=[{"speaker": "Jake Sullivan", "text": "We will never talk to Beijing again."}])
    script = Script(json.dumps(bad), json.dumps(bad))
    b = generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    assert len(script.requests) == 2, "one re-ask"
    reask = script.requests[1]["messages"]
    assert "quotes[0]: quote is not verbatim in the article" in json.dumps(reask)
    assert script.requests[0]["response_format"]["type"] == "json_object"
    assert "schema" in script.requests[0]["response_format"], "grammar-constrained decoding for llama.cpp"
    assert [q for q in b.extraction.quotes if not q.chosen] == []
    assert [q.text for q in b.grounding.dropped_quotes] == ["We will never talk to Beijing again."]
    assert b.meta.usage["attempts"] == 2 and b.meta.usage["prompt_tokens"] == 200
    assert "not verified" in b.model_dump_json() or b.grounding.dropped_quotes[0].problems


def test_a_misattributed_quote_takes_the_articles_speaker_without_a_reask_mock_transport(example_text):
    """Grounding reads the attribution ('the official replied') instead of re-asking; the model's speaker is kept
    alongside, and the briefing says the speaker was corrected."""
    quote = "I think both sides have realized that this unfortunate incident has led to a little pause in engagement."
    wrong = extraction(quotes=[{"speaker": "Jake Sullivan", "text": quote}])
    script = Script(json.dumps(wrong))
    b = generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    assert len(script.requests) == 1, "no re-ask"
    assert [(q.speaker, q.model_speaker) for q in b.extraction.quotes] == [("the official", "Jake Sullivan")]
    assert b.extraction.quotes[0].supported and not b.grounding.dropped_quotes


def test_strict_refuses_an_unsupported_briefing_mock_transport(example_text):
    odd = extraction(issues=[{"text": "Tariffs on steel will double next year.", "ev": [25]}])
    script = Script(json.dumps(odd))
    with pytest.raises(UngroundedError, match=r"unsupported: issues\[0\]"):
        generate(Article(example_text), SETTINGS, strict=True, client=mock_client(SETTINGS, script))


def test_schema_invalid_answers_fail_with_attempt_count_mock_transport(example_text):
    script = Script('{"headline": "only"}', '{"headline": "only"}')
    with pytest.raises(ModelError, match=r"no valid answer after 2 attempt\(s\)") as err:
        generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    assert err.value.attempts == 2 and err.value.usage.prompt_tokens == 200


def test_a_text_cut_off_at_its_length_cap_ends_at_a_sentence_or_word():
    from briefing.brief import _trim_capped
    from briefing.schema import Extraction

    first = "Sullivan and Wang Yi met in Vienna for eight hours of talks on Wednesday and Thursday. "
    capped = (first + "The White House hopes the talks pave the way for more communication between the world's "
                      "two largest economies, the official said, and both sides agreed to keep talking " * 3)[:420]
    assert len(capped) == 420
    ex = Extraction.model_validate(extraction(bottom_line={"text": capped, "ev": [4]}))
    ex.key_points[0].text = ("word " * 60)[:220]
    _trim_capped(ex)
    assert ex.bottom_line.text == first.strip()
    assert ex.key_points[0].text.endswith("word …") and len(ex.key_points[0].text) <= 220
    ex.key_points[0].text = ("x" * 100 + "  ") * 3
    ex.key_points[0].text = ex.key_points[0].text[:220]
    _trim_capped(ex)
    assert len(ex.key_points[0].text) <= 220 and ex.key_points[0].text.endswith(" …")
    assert ex.key_points[1].text == extraction()["key_points"][1]["text"], "texts under the cap are kept"


def test_the_brief_profile_asks_for_its_sections_only_mock_transport(example_text):
    from briefing.model.prompts import prompt_hash
    from briefing.schema import PROFILES

    keep = ("headline", *PROFILES["brief"], "bottom_line")
    script = Script(json.dumps({k: v for k, v in extraction().items() if k in keep}))
    settings = SETTINGS.with_(sections="brief")
    b = generate(Article(example_text), settings, client=mock_client(settings, script))
    sent = script.requests[0]
    assert list(sent["response_format"]["schema"]["properties"]) == list(keep), "the grammar has the brief sections"
    assert "quotes[].text" not in sent["messages"][0]["content"], "nor does the field guide list the others"
    assert b.extraction.issues == [] and len(b.extraction.key_points) == 3
    assert len(b.extraction.positions) == 1 and len(b.extraction.timeline) == 1
    # quotes are the tool's: taken from the article with the speaker it credits (#15)
    assert b.extraction.quotes and all(q.chosen and q.supported for q in b.extraction.quotes)
    assert [q.speaker for q in b.extraction.quotes] == ["The Chinese embassy in Washington", "the official"]
    assert b.meta.sections == "brief" and b.meta.prompt_hash == prompt_hash("brief")


def test_without_grounding_reasks_a_misquote_is_flagged_in_one_call_mock_transport(example_text):
    bad = extraction(quotes=[{"speaker": "Daniel Russel", "text": "We will never talk to China again."}])
    script = Script(json.dumps(bad))
    settings = SETTINGS.with_(reask_grounding=False)
    b = generate(Article(example_text), settings, client=mock_client(settings, script))
    assert len(script.requests) == 1 and b.meta.usage["attempts"] == 1
    assert [q.text for q in b.grounding.dropped_quotes] == ["We will never talk to China again."]


def test_the_local_model_defaults_to_the_brief_sections_and_endpoints_to_full():
    from briefing.errors import ConfigError
    from briefing.config import sections_for

    from briefing.config import reasks_grounding

    assert reasks_grounding(Settings(provider="local")) is False
    assert reasks_grounding(Settings(provider="llamacpp")) is True
    assert reasks_grounding(Settings.from_env({"BRIEFING_REASK_GROUNDING": "1"}, provider="local")) is True
    assert sections_for(Settings(provider="local")) == "brief"
    assert sections_for(Settings(provider="openai", api_key="k")) == "full"
    assert sections_for(Settings.from_env({"BRIEFING_SECTIONS": "full"}, provider="local")) == "full"
    with pytest.raises(ConfigError, match="unknown sections 'short'"):
        Settings.from_env({"BRIEFING_SECTIONS": "short"})
