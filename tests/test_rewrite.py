"""The rewrite pass (briefing/model/rewrite.py, #15): texts that copy more than 25 words of the article go back to
the model in one short call; the answer replaces them only when it copies less and is still supported."""

import json

from briefing.brief import generate
from briefing.config import Settings, rewrites_copies
from briefing.grounding.copying import copied_run
from briefing.model.rewrite import targets
from briefing.schema import Extraction
from briefing.text.article import Article
from tests.helpers import Script as _Script, extraction, mock_client

SETTINGS = Settings(provider="llamacpp", base_url="http://mock.invalid/v1", model="local", max_retries=1,
                    http_retries=0, rewrite_copies=True)
#: Sentence [14] of the example, as the local default copied sentences into key points (corpus article 04).
COPIED = ("The official said both sides agreed to maintain the channel of communication between Sullivan and "
          "Wang, and that Sullivan stressed that Washington did not seek conflict or confrontation")


def Script(*contents):
    return _Script(*contents, prompt_tokens=150, completion_tokens=30)


def _copying_answer():
    points = extraction()["key_points"]
    return extraction(key_points=[{"text": COPIED, "ev": [14]}, *points[1:]])


def test_only_the_local_default_makes_the_pass():
    assert rewrites_copies(Settings(provider="local")) is True
    assert rewrites_copies(Settings(provider="llamacpp")) is False
    assert rewrites_copies(Settings(provider="openai", api_key="k")) is False
    assert rewrites_copies(Settings.from_env({"BRIEFING_REWRITE_COPIES": "0"}, provider="local")) is False


def test_a_copied_key_point_is_said_again_in_one_short_call_mock_transport(example_text):
    article = Article(example_text)
    assert [t.path for t in targets(Extraction.model_validate(_copying_answer()), article)] == ["key_points[0]"]
    script = Script(json.dumps(_copying_answer()),
                    json.dumps({"texts": ["Sullivan and Wang agreed to maintain their channel of communication"]}))
    b = generate(article, SETTINGS, client=mock_client(SETTINGS, script))
    assert len(script.requests) == 2
    sent = script.requests[1]
    assert COPIED in sent["messages"][1]["content"] and "<article>" not in sent["messages"][1]["content"]
    schema = sent["response_format"]["schema"]["properties"]["texts"]
    assert (schema["minItems"], schema["maxItems"], schema["items"]["maxLength"]) == (1, 1, 120)
    point = b.extraction.key_points[0]
    assert point.text == "Sullivan and Wang agreed to maintain their channel of communication" and point.supported
    assert copied_run(point.text, [s.text for s in article.sentences]).words <= 6
    assert b.meta.usage["calls"] == 2 and b.meta.usage["prompt_tokens"] == 300


def test_a_rewrite_the_article_does_not_support_leaves_the_copy_mock_transport(example_text):
    script = Script(json.dumps(_copying_answer()), json.dumps({"texts": ["Beijing declared war on zinc tariffs"]}))
    b = generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    assert len(script.requests) == 2 and b.extraction.key_points[0].text == COPIED


def test_nothing_copied_no_second_call_mock_transport(example_text):
    script = Script(json.dumps(extraction()))
    b = generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    assert len(script.requests) == 1 and b.meta.usage["calls"] == 1


def test_a_failed_rewrite_keeps_the_answer_mock_transport(example_text):
    script = Script(json.dumps(_copying_answer()), "not json", "still not json")
    b = generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    assert b.extraction.key_points[0].text == COPIED and b.meta.usage["calls"] == 2


def test_a_text_refused_among_several_goes_back_once_on_its_own_mock_transport(example_text):
    """Corpus article 04 (committed eval): its bottom line and first key point both copied the first sentence; sent
    together, the key point's answer was "Same incident" (refused), so it kept its 29-word copy."""
    bottom = COPIED + " in Vienna"
    answer = _copying_answer()
    answer["bottom_line"] = {"text": bottom, "ev": [14]}
    script = Script(json.dumps(answer),
                    json.dumps({"texts": ["Sullivan and Wang keep their channel open", "Same incident"]}),
                    json.dumps({"texts": ["Sullivan and Wang agreed to maintain their channel of communication"]}))
    b = generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    assert len(script.requests) == 3
    assert COPIED in script.requests[2]["messages"][1]["content"] and bottom not in script.requests[2]["messages"][1][
        "content"]
    assert b.extraction.key_points[0].text == "Sullivan and Wang agreed to maintain their channel of communication"
    assert b.extraction.bottom_line.text == "Sullivan and Wang keep their channel open"
    assert b.meta.usage["calls"] == 3


def test_no_second_round_for_a_single_text_mock_transport(example_text):
    script = Script(json.dumps(_copying_answer()), json.dumps({"texts": ["Same incident"]}))
    b = generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    assert len(script.requests) == 2 and b.extraction.key_points[0].text == COPIED


def test_a_text_the_model_closed_early_is_said_whole_from_its_sentences_mock_transport(example_text):
    """The local default closes a key point's string where an inner quotation mark would start ('Philip Joseph
    calls it a ', corpus article 01): its cited sentences go back instead, and a whole claim of them replaces it."""
    article = Article(example_text)
    points = extraction()["key_points"]
    cut = extraction(key_points=[{"text": "Sullivan raised concerns about American citizens being ", "ev": [15]},
                                 *points[1:]])
    assert [t.path for t in targets(Extraction.model_validate(cut), article)] == []  # not grounded yet: no evidence
    script = Script(json.dumps(cut),
                    json.dumps({"texts": ["Sullivan raised concerns about Americans detained in China"]}))
    b = generate(article, SETTINGS, client=mock_client(SETTINGS, script))
    assert len(script.requests) == 2
    sent = script.requests[1]["messages"][1]["content"]
    assert article.sentences[14].text in sent and "<article>" not in sent  # the sentence it cites, not the article
    point = b.extraction.key_points[0]
    assert point.text == "Sullivan raised concerns about Americans detained in China" and point.supported


def test_a_text_closed_early_keeps_its_flag_when_the_whole_claim_is_not_supported_mock_transport(example_text):
    points = extraction()["key_points"]
    cut = extraction(key_points=[{"text": "Sullivan raised concerns about American citizens being ", "ev": [15]},
                                 *points[1:]])
    script = Script(json.dumps(cut), json.dumps({"texts": ["Sullivan raised concerns about Chinese tariffs on zinc"]}))
    b = generate(Article(example_text), SETTINGS, client=mock_client(SETTINGS, script))
    point = b.extraction.key_points[0]
    assert point.text == "Sullivan raised concerns about American citizens being " and not point.supported
    assert any("cut off" in p for p in point.problems)
