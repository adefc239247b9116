import json

from briefing.text.article import Article
from briefing.grounding.grounder import Grounder
from briefing.brief import build
from briefing.output.plover import json_schema, to_jsonl
from briefing.schema import Extraction
from tests.helpers import ROOT, extraction, run

SHIPPED = ROOT / "schemas" / "plover-event.schema.json"


def test_shipped_schema_is_the_models_schema():
    assert json.loads(SHIPPED.read_text()) == json_schema()


def test_plover_rows_validate_against_the_shipped_schema(example_text, tmp_path):
    from jsonschema import Draft202012Validator

    art = Article(example_text, date="2023-05-11")
    data = extraction()
    data["timeline"].append({"date": "February", "what": "The US shot down a Chinese balloon.", "who": "US",
                             "recipient": "China", "type": "ASSAULT", "mode": "aerial", "ev": [8]})
    data["timeline"].append({"date": None, "what": "Blinken canceled a planned trip to Beijing.", "who": "Blinken",
                             "type": None, "ev": [8]})  # no PLOVER type fits: not exported
    ex = Extraction.model_validate(data, context={"check": Grounder(art, strict=False)})
    briefing = build(art, ex)
    path = tmp_path / "b.json"
    path.write_text(briefing.model_dump_json())
    r = run("render", str(path), "-f", "plover")
    assert r.returncode == 0, r.stderr
    assert r.stdout == to_jsonl(briefing)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    validator = Draft202012Validator(json.loads(SHIPPED.read_text()))
    for row in rows:
        validator.validate(row)
        for span in row["evidence"]:
            assert art.text[span["start"]:span["end"]] == span["text"]
    assert [(r["actor"], r["recipient"], r["event_type"]) for r in rows] == [
        ("Sullivan", None, "CONSULT"), ("US", "China", "ASSAULT")]
    assert rows[0]["event_date"] == "2023-05-10"
