import json

import pytest
from pydantic import ValidationError

from briefing.schema import PLOVER_TYPES, SCHEMA_VERSION, Extraction, extraction_json_schema


def _walk(node, path="$"):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")


def test_schema_is_versioned_valid_json_schema():
    from jsonschema import Draft202012Validator

    schema = extraction_json_schema()
    Draft202012Validator.check_schema(schema)
    assert SCHEMA_VERSION in schema["$id"]


def test_every_list_and_field_is_bounded_and_described():
    schema = extraction_json_schema()
    for path, node in _walk(schema):
        if isinstance(node, dict) and node.get("type") == "array":
            assert "maxItems" in node, f"unbounded list at {path}"
    for name, model in schema["$defs"].items():
        for field, spec in model.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
        assert model.get("additionalProperties") is False


def test_computed_fields_are_hidden_from_the_model():
    text = json.dumps(extraction_json_schema())
    for computed in ('"evidence"', '"supported"', '"problems"', '"iso"'):
        assert computed not in text


def test_sections_are_required_so_a_grammar_cannot_skip_them():
    required = set(extraction_json_schema()["required"])
    assert {"headline", "bottom_line", "key_points", "actors", "timeline", "quotes", "outlook"} <= required


def test_enums_constrain_plover_and_likelihood():
    defs = extraction_json_schema()["$defs"]
    type_ = defs["Event"]["properties"]["type"]
    assert [tuple(t.get("enum", ())) for t in type_["anyOf"]] == [PLOVER_TYPES, ()], "a PLOVER type or null"
    assert {"type": "null"} in type_["anyOf"] and "type" in defs["Event"]["required"]
    assert "roughly even chance" in defs["Outlook"]["properties"]["likelihood"]["enum"]


def test_key_points_bounds_are_validated():
    from tests.helpers import extraction

    data = extraction()
    data["key_points"] = data["key_points"][:2]
    with pytest.raises(ValidationError, match="key_points"):
        Extraction.model_validate(data)


def test_the_brief_profile_asks_for_fewer_sections_and_converts_to_a_full_extraction():
    from briefing.schema import PROFILES, extraction_model
    from tests.helpers import extraction

    brief = extraction_model("brief")
    schema = brief.model_json_schema()
    # the schema's order, the bottom line last: the model sums up what it wrote (#15)
    assert list(schema["properties"]) == ["headline", *PROFILES["brief"], "bottom_line"]
    assert list(Extraction.model_json_schema()["properties"])[-1] == "bottom_line"
    assert schema["required"] == list(schema["properties"]), "every asked section is required"
    assert extraction_model("full") is Extraction and extraction_model("brief") is brief
    answer = brief.model_validate({k: v for k, v in extraction().items() if k in schema["properties"]})
    ex = Extraction.model_validate(answer.model_dump())
    assert ex.quotes == [] and ex.issues == [] and ex.key_points == answer.key_points
    assert ex.positions == answer.positions and ex.timeline == answer.timeline
    with pytest.raises(ValidationError):  # a section outside the profile is not accepted from the model
        brief.model_validate(extraction())
    from briefing.config import SECTION_PROFILES

    assert tuple(PROFILES) == SECTION_PROFILES, "the flag's choices are the schema's profiles"
    with pytest.raises(ValueError, match="unknown sections profile"):
        extraction_model("short")


def test_optional_sections_bind_the_model_but_not_a_briefing_read_back():
    schema = Extraction.model_json_schema()
    assert schema["properties"]["positions"]["minItems"] == 1
    from tests.helpers import extraction

    assert Extraction.model_validate(extraction(positions=[], issues=[])).positions == []


def test_placeholder_words_in_optional_texts_are_null():
    """The 1.5B model wrote "role": "None" (rendered as a role); such placeholders read as null, real values stay."""
    from briefing.schema import Actor, Event

    assert [Actor.model_validate({"name": "Wang Yi", "role": r, "ev": [1]}).role
            for r in ("None", "unknown.", " N/A ", "", "Foreign Minister")] == [None, None, None, None,
                                                                                 "Foreign Minister"]
    e = Event.model_validate({"date": "Not stated", "what": "Talks", "who": "null", "type": None, "ev": [1]})
    assert (e.date, e.who) == (None, None)
