"""Constructed briefings of the example article for layout tests: a full one (every list at its longest, as a
thorough model run fills it) and a deliberately long one (every list and text at its schema maximum).

Built through the real grounding and pipeline code, so evidence spans, marks and footnotes are real.
"""

from __future__ import annotations

from briefing.text.article import Article
from briefing.grounding.grounder import Grounder
from briefing.brief import build
from briefing.schema import Briefing, Extraction

from tests.helpers import EXAMPLE

FULL = {
    "headline": "US and China agree to move past balloon row after Vienna talks",
    "dateline": {"place": "WASHINGTON", "date": "May 11"},
    "bottom_line": {"text": "Sullivan and Wang Yi held eight hours of talks in Vienna and agreed to keep their channel "
                            "open, the first sign of a thaw since the balloon incident froze high-level contacts.",
                    "ev": [4, 14]},
    "key_points": [
        {"text": "Both sides recognized the need to move beyond the alleged spy balloon incident.", "ev": [3]},
        {"text": "Sullivan and Wang agreed to maintain their channel of communication.", "ev": [14]},
        {"text": "Sullivan stressed that Washington did not seek conflict or confrontation.", "ev": [14]},
        {"text": "Sullivan raised American citizens detained in China, a personal priority for Biden.", "ev": [15]},
        {"text": "He also raised the possibility of Chinese military aid to Russia in Ukraine.", "ev": [16]},
        {"text": "No dates were discussed for a visit by Secretary of State Blinken to Beijing.", "ev": [6]},
    ],
    "actors": [
        {"name": "Jake Sullivan", "role": "National Security Adviser", "affiliation": "United States",
         "stance": "Washington does not seek conflict or confrontation with China.", "ev": [4, 14]},
        {"name": "Wang Yi", "role": "top diplomat", "affiliation": "China",
         "stance": "Wants obstacles removed and ties stabilized.", "ev": [4, 5]},
        {"name": "Joe Biden", "role": "President", "affiliation": "United States",
         "stance": "Tried to arrange a call with Xi Jinping.", "ev": [7]},
        {"name": "Antony Blinken", "role": "Secretary of State", "affiliation": "United States",
         "stance": None, "ev": [8]},
        {"name": "Daniel Russel", "role": "former top US diplomat for East Asia", "affiliation": None,
         "stance": "The channel is practically the only one still functioning.", "ev": [22]},
    ],
    "positions": [
        {"party": "United States", "stance": "Wants a normal channel of communication restored and does not seek "
                                             "conflict.", "ev": [10, 14]},
        {"party": "China", "stance": "Called the talks frank, substantive and constructive; wants ties stabilized.",
         "ev": [5]},
        {"party": "United States", "stance": "Has made clear where it stands on the sovereignty breach.", "ev": [11]},
        {"party": "White House", "stance": "The talks should build on the Biden-Xi meeting in Indonesia.",
         "ev": [17]},
    ],
    "timeline": [
        {"date": "November", "what": "Biden and Xi met in Indonesia.", "who": "Joe Biden", "recipient": "Xi Jinping",
         "type": "CONSULT", "ev": [17]},
        {"date": "February", "what": "The US shot down a Chinese balloon; Blinken canceled his trip to Beijing.",
         "who": "United States", "recipient": "China", "type": "RETREAT", "ev": [8]},
        {"date": None, "what": "Blinken met Wang Yi at the Munich Security Conference.", "who": "Antony Blinken",
         "recipient": "Wang Yi", "type": "CONSULT", "ev": [21]},
        {"date": "Wednesday", "what": "Sullivan and Wang Yi began eight hours of talks in Vienna.",
         "who": "Jake Sullivan", "recipient": "Wang Yi", "type": "CONSULT", "ev": [4]},
        {"date": "May 19-21", "what": "G7 summit in Japan, expected to align the group's approach to China.",
         "who": "G7", "type": "CONSULT", "ev": [18]},
    ],
    "quotes": [
        {"speaker": "the official", "text": "I think both sides have realized that this unfortunate incident has "
                                            "led to a little pause in engagement.",
         "context": "the balloon incident"},
        {"speaker": "Daniel Russel", "text": "appears to be practically the only significant channel still "
                                             "functioning.", "context": "the Sullivan-Wang channel"},
        {"speaker": "Daniel Russel", "text": "Both sides send strong — sometimes angry — messages",
         "context": "the state of relations"},
    ],
    "issues": [
        {"text": "The alleged Chinese spy balloon and the US sovereignty concerns.", "ev": [3, 11]},
        {"text": "American citizens detained in China.", "ev": [15]},
        {"text": "Possible Chinese military aid to Russia in Ukraine.", "ev": [16]},
        {"text": "China's ambitions in Taiwan and the Pacific.", "ev": [13]},
    ],
    "outlook": [
        {"text": "Sullivan and Wang keep their channel of communication open.", "likelihood": "very likely",
         "confidence": "moderate", "basis": "Both sides agreed to maintain it, per a US official.", "ev": [14]},
        {"text": "Blinken reschedules his visit to Beijing.", "likelihood": "roughly even chance",
         "confidence": "low", "basis": "No dates were discussed; the US says it is willing.", "ev": [6, 20]},
        {"text": "The G7 summit in Japan aligns the group's approach to China.", "likelihood": "likely",
         "confidence": "moderate", "basis": "The article reports it is expected to.", "ev": [18]},
    ],
    "open_questions": [
        {"text": "When will Blinken's postponed visit to Beijing take place?", "ev": [6]},
        {"text": "Will Biden and Xi Jinping speak by phone?", "ev": [7]},
        {"text": "What did China answer on military aid to Russia?", "ev": [16]},
    ],
}


def _article() -> Article:
    return Article(EXAMPLE.read_text(encoding="utf-8"),
                   title="US, China to move beyond balloon accident to stabilize ties", source="Portal",
                   url="https://example.org/world/us-china-vienna-talks", date="2023-05-11")


def make(data: dict) -> Briefing:
    art = _article()
    ex = Extraction.model_validate(data, context={"check": Grounder(art, strict=False)})
    return build(art, ex, model="constructed-test-data", provider="test")


def full() -> Briefing:
    return make(FULL)


def _pad(text: str, limit: int) -> str:
    """``text`` lengthened with article words to exactly ``limit`` characters."""
    filler = (" amid the wider strains between the world's two largest economies over Taiwan, trade, technology, "
              "espionage allegations, human rights and the war in Ukraine") * 4
    return (text.rstrip(".") + filler)[:limit - 1].rstrip() + "."


def long() -> Briefing:
    """Every list at its schema maximum and every text near its maximum length."""
    d = {k: v for k, v in FULL.items()}
    d["headline"] = _pad(FULL["headline"], 120)
    d["bottom_line"] = {"text": _pad(FULL["bottom_line"]["text"], 420), "ev": [4, 14, 3]}
    d["key_points"] = [{"text": _pad(p["text"], 220), "ev": p["ev"]} for p in FULL["key_points"]]
    d["actors"] = [dict(a, role=_pad(a["role"], 100), stance=_pad(a["stance"] or "No stated stance", 200))
                   for a in FULL["actors"]]
    d["positions"] = [dict(p, stance=_pad(p["stance"], 220)) for p in FULL["positions"]]
    d["timeline"] = [dict(e, what=_pad(e["what"], 200)) for e in FULL["timeline"]]
    d["quotes"] = FULL["quotes"]
    d["issues"] = [dict(p, text=_pad(p["text"], 220)) for p in FULL["issues"]]
    d["outlook"] = [dict(o, text=_pad(o["text"], 220), basis=_pad(o["basis"], 160)) for o in FULL["outlook"]]
    d["open_questions"] = [dict(q, text=_pad(q["text"].rstrip("?"), 199) + "?") for q in FULL["open_questions"]]
    return make(d)
