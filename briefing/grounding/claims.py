"""What a reader checks before trusting a ✓ (#15): that the cited sentences state the claim, not merely share its
words. Each check takes a claim and the text of its evidence and returns its problems (``[]``: it passes).

- an actor's role is attached to that actor in the text, and a placeholder role ("Speaker", "Official") is no
  role (:mod:`briefing.grounding.actors`); a party's stance is not read from another body's name
  (:func:`others_names_problems`);
- every number, date and proper name of a claim is in its evidence, each number counting the same thing
  (:func:`fact_problems`); a second verb of one subject is a fact of its own (:func:`overlap_problems`);
- a text cut off by its length cap is no claim (:func:`cut_off`);
- an outlook item is not a restated past event (:func:`past_event`), and the clause that states it says it is
  expected (:func:`expected`); an open question is one the evidence leaves open (:func:`left_open`);
- the headline's words and names are the article's (:func:`headline_problems`).

Measured against the labelled claims of ``tests/data/claims`` by ``benchmarks/checker.py``.
"""

from __future__ import annotations

import re

from briefing.grounding.actors import named_in, role_attached, role_problems
from briefing.grounding.match import WORD, content_words, has_word, normalize, stem
from briefing.grounding.names import CAPITALISED, is_name, title_case
from briefing.schema import (Actor, BottomLine, Event, Item, Outlook, Point, Position, Question, claim_text,
                            max_length)
from briefing.text.article import split_sentences
from briefing.text.lexicon import (ACRONYM_ALIASES, ATTRIBUTION, BODY_WORDS, FORWARD, GROUP_HEADS, IRREGULAR_PAST,
                                   LINKING_VERBS, NUMBER_WORDS, OUTCOME_WORDS, PLACE_NOUNS, STOP_WORDS,
                                   VERB_SYNONYMS, WORD_SYNONYMS)

#: Number words as the digits they stand for; beyond the figures of a count (:data:`NUMBER_WORDS`), a claim's
#: "zero", "thousand" and "dozen" are numbers too.
_NUMBER_WORDS = {w: str(n) for w, n in NUMBER_WORDS.items()} | {"zero": "0", "thousand": "1000", "dozen": "12"}
_ORDINALS = {w: str(i + 1) for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split())}
_NUMBER = re.compile(r"\b\d+(?:st|nd|rd|th)\b|\d+(?:[.,:]\d+)*|\b(?:" + "|".join([*_NUMBER_WORDS, *_ORDINALS])
                     + r")\b", re.I)


def numbers(text: str) -> set[str]:
    """The numbers of a text, normalised: "seven" = "7", "1,200" = "1200", "6:15" = "6.15", "third" = "3rd" = "3"
    (ordinals are read as their number)."""
    out = set()
    for m in _NUMBER.finditer(normalize(text)):
        tok = m.group(0).lower()
        if tok in _NUMBER_WORDS:
            out.add(_NUMBER_WORDS[tok])
        elif tok in _ORDINALS:
            out.add("#" + _ORDINALS[tok])
        elif re.fullmatch(r"\d+(?:st|nd|rd|th)", tok):
            out.add("#" + tok[:-2])
        else:
            tok = re.sub(r",(?=\d{3}\b)", "", tok).replace(":", ".")
            out.add(tok)
    return out



#: The share of a claim's content words its evidence must hold (each sentence of the claim on its own), and the
#: stricter share for evidence the tool found itself (``located``): the word overlap that chose the evidence
#: (``Grounder.min_overlap``, 0.5) passed claims whose sentences share their names but not their facts.
CLAIM_OVERLAP, LOCATED_OVERLAP = 0.6, 0.75


def overlap(claim: str, evidence: str) -> float:
    """The share of the claim's content words (or their inflections) that stand in the evidence."""
    words = set(content_words(claim))
    if not words:
        return 1.0
    hay = normalize(evidence).lower()
    stems = {stem(w) for w in WORD.findall(hay)}
    return sum(has_word(w, stems, hay) or any(has_word(x, stems, hay) for x in WORD_SYNONYMS.get(w.lower(), ()))
               for w in words) / len(words)


_NEGATION = re.compile(r"\b(?:not|never|no|unrelated|without|n't)\b|n't\b", re.I)


def negated(claim: str, evidence: str) -> list[str]:
    """The claim's content words that the evidence holds only under a negation within the five words before them
    ("not far from protests", "did not appear to be related to the anti-Trump demonstrations"): a claim that the
    shooting happened "during the protests" is not stated there."""
    def under_negation(w: str, text: str) -> bool:
        hits = list(re.finditer(rf"\b{re.escape(stem(w))}", text, re.I))
        return bool(hits) and all(_NEGATION.search(" ".join(text[:m.start()].split()[-5:])) for m in hits)

    hay, own = normalize(evidence), normalize(claim)
    # a claim's "unhappy about the change" says the evidence's "aren't happy about the change"
    own = re.sub(r"\bun(?!i|der|less|til)(?=[a-z]{4,})", "not ", own)
    # "not far from protests" is "near protests": a claim that says near states it (and only such a claim)
    near = {stem(m.group(1)) for m in re.finditer(r"\bnear(?:\s+\w+){0,2}?\s+(\w+)", own, re.I)}
    if near:
        hay = re.sub(r"\bnot far from\b((?:\s+\w+){1,3})",
                     lambda m: m.group(0) if not {stem(w) for w in m.group(1).split()} & near else
                     "near" + m.group(1), hay, flags=re.I)
    # a verb under a negation is mostly a paraphrase ("had not won since 1908": "won for the first time in 108
    # years"); a claim that says the negation itself ("did not seek conflict") states it
    return [w for w in dict.fromkeys(content_words(claim))
            if not _PAST_VERB.fullmatch(w) and under_negation(w, hay) and not under_negation(w, own)]


#: Words that follow a verb of the present ("and speaks passionately", "and calls for"), not a noun's plural.
_PREPOSITIONS = frozenset("to for about with on at in into outside against out up".split())
#: A claim that ends on what its subject is: "… has been successful", "… was unaware".
_PREDICATE = re.compile(r"\b(?:is|are|was|were|has\s+been|have\s+been|had\s+been)\s+(?:not\s+|now\s+|very\s+)?"
                        r"([a-z]{4,})\W*$")


def _says_deed(verb: str, stems: set[str], hay: str) -> bool:
    """Whether a text (its word stems and lower-cased text) says the deed ``verb`` names: the verb, its past, or a
    word for it ("won" as a "victory")."""
    return any(has_word(v, stems, hay) for v in (verb, IRREGULAR_PAST.get(verb, verb), *VERB_SYNONYMS.get(verb, ())))


def overlap_problems(claim: str, evidence: str, located: bool) -> list[str]:
    """Each sentence of the claim must be stated by the evidence: at least :data:`CLAIM_OVERLAP` of its content
    words there (:data:`LOCATED_OVERLAP` when the tool found the evidence)."""
    floor = LOCATED_OVERLAP if located else CLAIM_OVERLAP
    where = "sentences found" if located else "cited sentences"
    parts = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", claim) if content_words(p)] or [claim]
    # and each clause: a synthesis that joins two facts ("Gunman opens fire in Seattle, police searching") is
    # stated only when both are; a clause's share is its own, not diluted by the other's words
    parts += [c for p in parts for c in _clauses(p) if c != p and content_words(c)]
    for part in parts:
        share = overlap(part, evidence)
        if share < floor:
            return [f"the {where} state only {share:.0%} of "
                    f"\"{part[:60]}\""]
    hay = normalize(evidence).lower()
    stems = {stem(w) for w in WORD.findall(hay)}
    # a second verb of one subject is a fact of its own: "Tram derailed and overturned …" over a sentence on
    # the derailment alone does not state that it overturned
    for verb, after in re.findall(r"\band\s+(\w+)(?=\s+(\w+))?", claim):
        present = verb.endswith("s") and not verb.endswith("ss") and (after.endswith("ly") or after in _PREPOSITIONS)
        if (_PAST_VERB.fullmatch(verb) or present) and verb.lower() not in STOP_WORDS and \
                not has_word(verb, stems, hay):
            return [f"the {where} do not say '{verb}'"]
    # what a named subject does is the fact: "British Transport Police investigate the crash" over a sentence
    # naming the force and the crash, not an investigation, does not state it
    for part in parts:
        verb = _subject_verb(part)
        if verb and not _says_deed(verb, stems, hay):
            return [f"the {where} do not say '{verb}'"]
    # what a claim ends by saying its subject is, is the fact: "… has been successful" over a sentence that the
    # change is "in keeping with a common strategy" does not state it
    said = _PREDICATE.search(claim)
    if said and said.group(1).lower() not in STOP_WORDS and not any(
            has_word(w, stems, hay) for w in (said.group(1), *WORD_SYNONYMS.get(said.group(1).lower(), ()))):
        return [f"the {where} do not say '{said.group(1)}'"]
    # what befell someone, or which way a figure went, is the fact itself: "survived with injuries" over "survived
    # the crash", "costs of ingredients rising" over "the cost of ingredients", are not stated
    for word in WORD.findall(claim):
        group = next((g for g in OUTCOME_WORDS if re.match(g, word.lower())), None)
        if group and not re.search(group, hay):
            return [f"the {where} do not say '{word}'"]
    purpose = unstated_purpose(claim, hay)
    if purpose:
        return [f"the {where} do not say it was done to {purpose}"]
    denied = negated(claim, evidence)
    return [f"the cited sentences say '{denied[0]}' only under a negation"] if denied else []


#: A purpose: "to" and a verb with its object, after a deed in the same clause ("reduced in size to increase
#: weight", "To reduce weight of chocolate bars to increase price").
_PURPOSE = re.compile(r"\bto\s+([a-z]{3,}(?<!ing))\s+(?=[a-z])(\w+)")
#: Words before "to" that make it no purpose ("due to rising costs", "according to", "next to").
_NOT_PURPOSE = frozenset("due owing thanks according prior next close related up".split())


def unstated_purpose(claim: str, hay: str) -> str | None:
    """What a claim says a deed was done for, when the evidence (``hay``: normalized, lower-cased) does not say it
    ("to increase price" over "to reduce the weight of the chocolate bars"): the purpose is a fact of its own,
    stated by "to" and the same verb."""
    text = normalize(claim)
    for m in _PURPOSE.finditer(text):
        verb, nxt = m.group(1), m.group(2).lower()
        clause = re.split(r"[,;:]", text[:m.start()])[-1]
        after_deed = _PAST_VERB.search(clause) or re.search(r"(?:^|\s)to\s+[a-z]", clause, re.I)
        if verb in STOP_WORDS or nxt in STOP_WORDS or set(clause.split()[-1:]) & _NOT_PURPOSE or not after_deed:
            continue
        if not re.search(rf"\bto\s+(?:\w+\s+){{0,2}}?{re.escape(stem(verb))}", hay):
            return f"{verb} {m.group(2)}"
    return None


_NAME_ONLY = re.compile(r"(?:[A-Z][\w'’.-]*\s*)+")


def _clauses(text: str) -> list[str]:
    """A claim's clauses, at ";", "," and "and" — but a list of names is one phrase, kept with the clause it
    belongs to: "Donald Collett, Philip Logan and Robert Huxley died in the accident" is one clause, not "Robert
    Huxley died in the accident" checked alone (the Sun's victims report, eval/long), and "… named the victims as
    Donald Collett, Philip Logan and Robert Huxley" does not leave "Robert Huxley" as a clause of its own."""
    pieces = re.split(r"(;\s*|,\s+|\s+and\s+)", text)
    texts, seps = pieces[0::2], pieces[1::2]
    out: list[str] = []
    opening = ""  # names before the clause they open: "A, B and C died"
    for i, piece in enumerate(texts):
        before = seps[i - 1] if i else ";"
        after = seps[i] if i < len(seps) else ""
        if _NAME_ONLY.fullmatch(piece.strip()) and not after.startswith(";"):
            if out and not opening and not before.startswith(";"):
                out[-1] += before + piece  # the list goes on from the clause before: "… as A, B and C"
            else:
                opening += piece + after
            continue
        out.append(opening + piece)
        opening = ""
    return out + ([opening] if opening else [])


_SUBJECT_VERB = re.compile(r"^\W*(?:The\s+)?(?:(?:(?!The\b)[A-Z][\w'’-]*\s+){2,}(?:(?:was|were|is|are|has|have|had|"
                           r"been|also|now)\s+)*([a-z][a-z-]+)|(?!(?:They|He|She|It|We|This|These)\b)[A-Z][a-z]+\s+"
                           r"(?:(?:was|were|has|had|been)\s+)*([a-z]+ed))\b")


def _subject_verb(text: str) -> str | None:
    """The word after a claim's opening name of two or more capitalised words, read as what the subject does
    ("Mondelez International changed …" → "changed", "Lady Gaga was photographed …" → "photographed"), or a
    past-tense verb after a one-word subject ("Tram derailed …"); none where the claim does not open so."""
    if title_case(text):
        return None
    m = _SUBJECT_VERB.match(normalize(text))
    verb = m and (m.group(1) or m.group(2))
    return verb if verb and verb not in STOP_WORDS | LINKING_VERBS else None



def _names(claim: str) -> list[str]:
    """The capitalised names of a claim; one that opens it keeps its first word ("Rail Accident Investigation
    Branch says …", not "Accident Investigation Branch")."""
    if title_case(claim):
        return []
    first = re.match(r"([A-Z][a-z]+)\s", claim)
    out = []
    for m in CAPITALISED.finditer(claim):
        name = m.group(1)
        if first and m.start() == first.end() and first.group(1).lower() not in STOP_WORDS:
            name = f"{first.group(1)} {name}"
        if name.lower() not in STOP_WORDS:
            out.append(name)
    return out


#: An acronym ("MVP", "RAIB", "US"): a name, as the capitalised words are.
_ACRONYM = re.compile(r"(?<![\w.])([A-Z]{2,5})(?:s|'s)?(?![\w.])")
#: A run of capitalised words whose initials an acronym may be ("Rail Accident Investigation Branch").
_CAPITAL_RUN = re.compile(r"[A-Z][a-z]+(?:\s+(?:(?:of|and|for|the|&)\s+)?[A-Z][a-z]+)+")


def acronym_in(acronym: str, text: str) -> bool:
    """Whether a text has an acronym: as written ("MVP"), dotted ("U.S."), as the initials of the name it stands
    for ("Rail Accident Investigation Branch" for "RAIB") or in the words :data:`ACRONYM_ALIASES` allows."""
    text = normalize(text)
    if re.search(rf"\b{acronym}s?\b", text) or re.search(r"\b" + r"\.".join(acronym) + r"\.", text):
        return True
    if acronym in ACRONYM_ALIASES and re.search(rf"\b(?:{ACRONYM_ALIASES[acronym]})\b", text):
        return True
    return any(acronym in "".join(w[0] for w in m.group(0).split() if w[0].isupper())
               for m in _CAPITAL_RUN.finditer(text))


def acronyms(text: str) -> list[str]:
    """The acronyms a text uses, in order (not in a text written all in capitals)."""
    if sum(c.isupper() for c in text) > 0.5 * sum(c.isalpha() for c in text):
        return []
    return list(dict.fromkeys(m.group(1) for m in _ACRONYM.finditer(normalize(text))))


def fact_problems(claim: str, evidence: str) -> list[str]:
    """Every number (date, time, count, ordinal) and proper name of a claim must stand in its evidence: "5 people
    wounded" over "one woman and two men … two other men", "since 1945" over a sentence giving 1908, "The White
    House" over "The United States" are not stated there."""
    problems = []
    missing = sorted(numbers(claim) - numbers(evidence))
    if missing:
        shown = ", ".join(m.lstrip("#") + ("th" if m.startswith("#") else "") for m in missing)
        problems.append(f"the number {shown} is not in the cited sentences")
    hay = normalize(evidence).lower()
    for name in _names(claim):
        words = [w for w in re.split(r"[\s-]+", name) if w.lower() not in STOP_WORDS]
        # a person is named by any of the name's words (a surname); a building, body or place by all of them
        # ("Trump Tower" is not named by "Trump's victory"), but for a trailing "City" ("New York" names it)
        if len(words) > 2 and words[-1].lower() == "city":
            words = words[:-1]
        found = all if len(words) > 1 and words[-1].lower() in BODY_WORDS | PLACE_NOUNS else any
        if words and not found(re.search(rf"\b{re.escape(stem(w))}", hay) for w in words) and not (
                len(words) > 2 and "".join(w[0] for w in words).upper() in acronyms(evidence)):  # "RAIB"
            problems.append(f"'{name}' is not named in the cited sentences")
    for acronym in acronyms(claim):
        if not acronym_in(acronym, evidence):
            problems.append(f"'{acronym}' is not in the cited sentences")
    problems += _counted_problems(claim, evidence)
    return problems


def _counted(text: str) -> dict[str, dict[str, str]]:
    """What each number of a text counts or ranks: the word after it, as a stem, with the words as written
    ("first World …" → {"#1": {"world": "first World"}})."""
    out: dict[str, dict[str, str]] = {}
    for m in re.finditer(r"\b(\w+)(?=(\s+(?:young\s+|other\s+|more\s+)?([A-Za-z]\w+)))", text):
        for n in numbers(m.group(1)):
            out.setdefault(n, {})[stem(m.group(3))] = m.group(1) + m.group(2)
    return out


#: An ordinal the text qualifies by a span of time: "for the first time in 108 years", "the first since 1997".
_QUALIFIED_ORDINAL = re.compile(r"\b(first|second|third|last)\b(?:\s+(?:time|title|win|victory))?\s+(?:in\s+(?:\d+|"
                                r"[a-z]+)\s+(?:years|decades|seasons)|since\b)", re.I)
#: An ordinal that a "since" qualifies: "the first such accident since the 1950s".
_FIRST_SINCE = re.compile(r"\b(first|second|third|last|only)\b[^.;:,]{0,60}?\bsince\s+((?:the\s+)?[\w'’]+)", re.I)
_SPAN_OF_TIME = re.compile(r"\bsince\b|\bin\s+(?:\d+|[a-z]+)\s+(?:years|decades|seasons)\b", re.I)
#: A count of what someone has, not of who they are: "a mother with two young children", "a father of three".
_POSSESSED = re.compile(r"\b(?:with|of)\s+(\w+)\s+(?:young\s+|small\s+|grown\s+)?(children|sons|daughters|kids)\b",
                        re.I)


_ORDINAL_NAMES = {"#" + n: w for w, n in _ORDINALS.items()}


def _ranked(text: str) -> dict[str, list[set[str]]]:
    """What each ordinal of a text ranks: the stems of the content words in the next three words, per mention
    ("the first person to open a World Series" → {"#1": [{"person", "open"}]})."""
    out: dict[str, list[set[str]]] = {}
    for m in re.finditer(r"\b(\w+)(?=((?:\s+[\w'’-]+){1,3}))", text):
        for n in numbers(m.group(1)):
            if n.startswith("#"):
                out.setdefault(n, []).append({stem(w) for w in WORD.findall(m.group(2).lower())
                                              if w not in STOP_WORDS})
    return out


def _counted_problems(claim: str, evidence: str) -> list[str]:
    """A number must count (or rank) the same thing in the evidence: "First World Series decider since 1997" is
    not stated by "the fourth World Series decider to go to an extra innings and the first since 1997"; a first
    "in 108 years" is not a first ("First World Series title for Chicago Cubs"), and "a mother with two young
    children" among the dead does not make two children dead."""
    claim, evidence = normalize(claim), normalize(evidence)
    for m in _QUALIFIED_ORDINAL.finditer(evidence):
        ordinal = m.group(1).lower()
        if re.search(rf"\b{ordinal}\b", claim, re.I) and not _SPAN_OF_TIME.search(claim):
            return [f"the cited sentences say '{m.group(0)}', not a {ordinal} ever"]
    for m in _FIRST_SINCE.finditer(evidence):
        since = m.group(2)
        if re.search(rf"\bsince\s+{re.escape(since)}", claim, re.I) and not re.search(
                rf"\b{m.group(1)}\b", claim, re.I):
            return [f"the cited sentences say '{m.group(0)}'; without '{m.group(1)}' it reads otherwise"]
    for m in _POSSESSED.finditer(evidence):
        count, kind = numbers(m.group(1)), m.group(2).lower()
        if count and re.search(rf"\b(\w+)\s+(?:young\s+)?{kind}\b", claim, re.I) and \
                count <= numbers(claim) and not _POSSESSED.search(claim):
            return [f"the cited sentences count {kind} someone has ('{m.group(0)}'), not {kind} of the story"]
    have = _counted(evidence)
    for n, things in _counted(claim).items():
        for thing, written in things.items():
            if thing.lower() in STOP_WORDS or thing in have.get(n, {}):
                continue
            if any(thing in other for m, other in have.items() if m != n):
                return [f"the cited sentences give another number than '{written}'"]
    ranked = _ranked(evidence)
    for n, mentions in _ranked(claim).items():
        if n in ranked and not any(after & other for after in mentions for other in ranked[n]):
            return [f"the cited sentences rank something else {_ORDINAL_NAMES.get(n, n)}"]
    return []


_CALENDAR = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday""".split())


_TIME_OF_DAY = re.compile(r"\b(morning|afternoon|evening|night|overnight|midnight|noon|midday|dawn|dusk)\b")


def date_problems(date: str | None, evidence: str) -> list[str]:
    """An event's date must stand in its evidence: its numbers, and any name in it that is not a month or a
    day ("Munich Security Conference" is a place, not a date the sentences give), and its time of day
    ("Wednesday evening" over "Wednesday night")."""
    if not date:
        return []
    problems = []
    missing = sorted(numbers(date) - numbers(evidence))
    if missing:
        problems.append(f"the number {', '.join(m.lstrip('#') for m in missing)} of the date is not in the cited "
                        f"sentences")
    hay = normalize(evidence).lower()
    names = [w for w in WORD.findall(date) if w[0].isupper() and w.lower() not in STOP_WORDS]
    if any(not re.search(rf"\b{re.escape(stem(w)[:3] if w.lower() in _CALENDAR else stem(w))}", hay)
           for w in names):  # "Monday" over a sentence that says "on Sunday"; "Nov." stands for "November"
        problems.append(f"the date '{date}' is not in the cited sentences")
    elif any(not re.search(rf"\b{w}", hay) for w in _TIME_OF_DAY.findall(date.lower())):
        problems.append(f"the date '{date}' is not in the cited sentences")  # "Wednesday evening" over "night"
    return problems



#: An actor the model says it does not know: no claim of who acted.
_NO_ONE = re.compile(r"^\s*(?:an?\s+|the\s+)?(?:unknown|unidentified|unnamed|not (?:named|known|stated))\b", re.I)


#: A picture's credit line ("in this photo issued by the Rail Accident Investigation Branch"): the body it names
#: supplied the picture and did nothing the sentence reports.
_CREDIT = re.compile(r"\b(?:photo|photograph|picture|image|handout|footage|video)\b[^.;]{0,80}?\b(?:issued|provided|"
                     r"released|supplied|taken|obtained)\s+by\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s*)+", re.I)


def party_problems(party: str | None, evidence: str, what: str) -> list[str]:
    """A position's party and an event's actor must be named in the evidence (every word of the name), not only
    in a picture's credit line; "Unknown driver" names no one and claims nothing."""
    if not party or _NO_ONE.match(party):
        return []
    if not named_in(party, _CREDIT.sub(" ", normalize(evidence))):
        return [f"the cited sentences do not name {party} ({what})"]
    return []


#: A sentence that goes on about the one before: a pronoun or a generic noun for its subject, or a quote.
_REFERS_BACK = re.compile(r"^\W*(?:(?:but|and|so|now)\s+)?(?:he|she|they|it|its|their|his|her|this|these|the\s+"
                          r"(?:[\w'’-]+\s+)?(?:company|firm|force|group|team|spokes\w+|officers?|police|brand|maker|"
                          r"star|singer))\b|"
                          r"^\s*[\"“]", re.I)


def attribution_problems(party: str | None, claim: str, evidence: str, floor: float, what: str) -> list[str]:
    """A party's stance, or an actor's deed, must be stated in a sentence that names the party (or goes on from
    one that does, "He said …"): "British Transport Police: Investigating cause of tragedy" is not stated by a
    sentence naming the force for its casualty figures next to "The cause of the tragedy was being investigated";
    a person speaking in the next sentence may speak for it (:func:`_speaker`)."""
    # The evidence is the article's own sentences joined: splitting it at its stops (split 1) gives them back; the
    # caption split (2) is the article's to make, not this check's.
    sentences = [s.text for s in split_sentences(normalize(evidence), 1)]
    if not party or len(sentences) < 2 or not named_in(party, evidence):
        return []
    own = {w.lower() for w in WORD.findall(party)}
    words = " ".join(w for w in content_words(claim) if w not in own)
    stating = [i for i, s in enumerate(sentences) if words and overlap(words, s) >= floor]
    if normalize(party).lower().split()[-1] in GROUP_HEADS and not (
            stating and all(ATTRIBUTION.search(sentences[i]) for i in stating)):
        # "Rescue team": the diggers, the rescuers, the crews — but not what someone else said ("Emergency
        # workers: The accident occurred" over "Police said … the accident that occurred …")
        return []
    def own(i: int) -> bool:  # the sentence names the party, or goes on from one that does
        return named_in(party, sentences[i]) or bool(i and named_in(party, sentences[i - 1]) and (
            _REFERS_BACK.search(sentences[i]) or _speaker(sentences[i])))

    if not stating:
        # no one sentence states it: a person's stance must be stated by the sentences about that person, not by
        # the words of others around them ("John Prescott: The change is part of a broader industry-wide battle
        # over price increases caused by Brexit" over his "suggested the change was related to the Brexit vote"
        # and another sentence's battle); a body's may be spread over its spokesman's sentences
        if not words or set(normalize(party).lower().split()) & BODY_WORDS or not is_name(party):
            return []
        share = overlap(words, " ".join(s for i, s in enumerate(sentences) if own(i)))
        return [] if share >= floor else [f"the sentences that name {party} state only {share:.0%} of it ({what})"]
    if any(own(i) for i in stating):
        return []
    return [f"the sentence that states it does not name {party} ({what})"]


def _speaker(sentence: str) -> bool:
    """Whether a sentence has a person speak ("Foreign Minister Abbas Araghchi said: …"): after a sentence that
    names the party, its spokesman may state its position; no other body's name does."""
    if not ATTRIBUTION.search(sentence):
        return False
    return any(m.group(1).split()[-1].lower() not in BODY_WORDS and len(m.group(1).split()) >= 2
               for m in CAPITALISED.finditer(sentence))


def others_names_problems(stance: str, party: str | None, evidence: str, floor: float = CLAIM_OVERLAP) -> list[str]:
    """A party's stance must be stated outside the names of other bodies: "British Transport Police: Police
    investigating the crash" is not stated by "the Rail Accident Investigation Branch (RAIB) continues its
    inquiry"."""
    own = {w.lower() for w in WORD.findall(party or "")}

    def mask(m: re.Match) -> str:
        words = [w.lower() for w in WORD.findall(m.group(0))]
        return " " if len(words) >= 2 and words[-1] in BODY_WORDS and not set(words) & own else m.group(0)

    text = normalize(evidence)
    masked = CAPITALISED.sub(mask, text)
    if masked == text:
        return []
    claim = " ".join(w for w in content_words(stance) if w.lower() not in own)  # "Police" is the party
    if claim and overlap(claim, masked) < min(floor, overlap(claim, evidence)):  # its words were the other's
        return [f"the cited sentences state \"{stance[:60]}\" only in the name of another body"]
    return []


# -- text cut off by its cap
#: Words a whole claim does not end with.
_DANGLING = frozenset("""a an the of to and or but with for is are was were that as by in on at from into its it's
his her their our my your whose than""".split())


def cut_off(text: str, cap: int | None = None) -> bool:
    """A text cut by its length cap: it ends in the trim mark (" …"), or it ran to its cap without ending, or a
    text of several sentences stops in the middle of its last one; or a text the model closed early: it ends in
    a space or a word no claim ends with ("a", "the", "it's")."""
    t = text.rstrip()
    if t.endswith("…") or t.endswith("..."):
        return True
    if t != text or (t.split() and t.split()[-1].lower() in _DANGLING):
        return True  # 'Philip Joseph calls it a ': the model closed the string where an inner quote mark began
    ended = t[-1:] in ".!?\"'”’)"
    if cap is not None and len(t) >= cap - 2 and not ended:
        return True
    return bool(re.search(r"[.!?][\"'”’]?\s+[A-Z]", t)) and not ended


# -- outlook and open questions
_PAST_VERB = re.compile(r"\b(\w+ed|met|was|were|had|did|made|took|gave|went|came|said|told|left|held|won|lost|"
                        r"shot|fell|began|saw|sent|spoke|kept|led|paid|put|set)\b", re.I)


def _stating_clause(claim: str, evidence: str) -> str:
    """The clause of the evidence that states the claim: the one that shares most of its content words."""
    words = set(content_words(claim))
    clauses = [c for c in re.split(r"[,;:—–]|\s-\s|\bbut\b|\band\b(?=\s+\w+\s+(?:\w+ed|were|was)\b)", evidence)
               if c.strip()]
    return max(clauses, key=lambda c: len(words & set(content_words(c))), default="") if words else ""


#: A present passive that reports a done thing ("A fund is set up", "Victims are named"): no forecast.
_DONE = re.compile(r"\b(?:is|are|has been|have been)\s+(?:now\s+)?(?:\w+ed|set|made|held|paid|put|sent|kept|shot)\b",
                   re.I)
#: A wish is no expectation ("If only the girls could join her").
_WISH = re.compile(r"\b(?:if only|wish\w*)\b", re.I)


#: A present progressive, what is under way now: "Their families are being supported", "police are searching".
_UNDER_WAY = re.compile(r"\b(?:is|are)\s+(?:now\s+|still\s+)?(?:being\s+\w+(?:ed|en)|\w{3,}ing)\b", re.I)


def past_event(claim: str, evidence: str) -> bool:
    """An outlook item that restates what happened: its own words report a completed action (a past-tense verb,
    or a present passive of a done thing, and no forward cue: "Blinken met Wang Yi …", "The US and China agreed
    to maintain …", "A fund is set up to support victims"), or the clause of its evidence that states it does
    (no forward cue attached to the same clause). A clause of the evidence that says it is under way ("Their
    families are being supported …") makes a headline's participle ("Families supported …") no past event."""
    best = _stating_clause(claim, evidence)
    if best and _UNDER_WAY.search(best):
        return False
    if not FORWARD.search(claim) and (_DONE.search(claim) or _PAST_VERB.search(claim) and
                                      not re.search(r"\b(is|are|continu\w*|remain\w*|still)\b", claim, re.I)):
        return True
    return bool(best) and not FORWARD.search(best) and bool(_PAST_VERB.search(best))


def expected(claim: str, evidence: str) -> bool:
    """Whether the evidence says that an outlook item is expected, planned or under way: a forward cue ("will",
    "plans", "still", "continues") or a present progressive ("are being supported") in the clause that states it,
    not elsewhere in the sentence, and not in a wish."""
    best = _stating_clause(claim, evidence) or evidence
    return bool(FORWARD.search(best) or _UNDER_WAY.search(best)) and not _WISH.search(best)


#: What makes a sentence leave a question open.
OPEN = re.compile(r"\b(unknown|unclear|not (?:yet )?(?:known|clear|been|confirmed|named|identified|released|"
                  r"disclosed)|remains? to be seen|no word|undisclosed|unconfirmed|whether|if any|investigat\w*|"
                  r"too early|yet to|declined to|would not say|did not (?:say|discuss|specify|give)|"
                  r"no (?:date|decision)s?|refused to|ha(?:s|ve) not (?:yet )?\w+ed)\b", re.I)


def left_open(evidence: str) -> bool:
    """An open question is supported when its evidence leaves something open ("It remains unknown whether …",
    "it's unclear why he was arrested"); a question its sentences answer, or do not raise, is not."""
    return bool(OPEN.search(evidence))


# -- the headline
#: A headline says it in other words ("Sparks Anger Among Fans"): most of its words, all its numbers and names.
HEADLINE_OVERLAP = 0.5


def headline_problems(headline: str, sentences: list[str]) -> list[str]:
    """The headline checked like a claim (it cites nothing): the article's sentence, or pair of sentences, that
    best states it must hold most of its words (:data:`HEADLINE_OVERLAP`, as words or inflections: "Derails" for
    "derailed"), none of them only under a negation ("Gunman shoots five people in Seattle protest" over "… not
    far from protests"), and the article all its numbers and names."""
    article = " ".join(sentences)
    ranked = sorted(range(len(sentences)), key=lambda i: -overlap(headline, sentences[i]))
    best = [sentences[i] for i in ranked[:1]]
    if best and overlap(headline, best[0]) < HEADLINE_OVERLAP:
        best = [sentences[i] for i in sorted(ranked[:2])]
    evidence = " ".join(best)
    problems = []
    share = overlap(headline, evidence)
    if share < HEADLINE_OVERLAP:
        problems.append(f"no sentence of the article states it (at best {share:.0%} of its words)")
    denied = negated(headline, evidence)
    if denied:
        problems.append(f"the article says '{denied[0]}' only under a negation")
    hay = normalize(article).lower()
    for name in ([] if title_case(headline) else _names(headline)):
        if not any(re.search(rf"\b{re.escape(stem(w))}", hay) for w in re.split(r"[\s-]+", name)):
            problems.append(f"'{name}' is not named in the article")
    problems += [f"'{a}' is not in the article" for a in acronyms(headline) if not acronym_in(a, article)]
    purpose = unstated_purpose(headline, hay)
    if purpose:
        problems.append(f"the article does not say it was done to {purpose}")
    lost = sorted(numbers(headline) - numbers(article))
    if lost:
        problems.append(f"the number {', '.join(lost)} is not in the article")
    return problems + _deed_problems(headline, sentences)


#: A headline's subject that is a group of people, and the verb after it: "Police check driver's mobile phone
#: records", "Customers slam the change" (a plural of agents before a bare verb is a deed, not a compound noun).
_GROUP_SUBJECT = re.compile(r"^\W*(?:Police|Officers|Investigators|Officials|Rescuers|Firefighters|Paramedics|"
                            r"Doctors|Troops|Protesters|Workers|Residents|Fans|Customers|Shoppers|Critics|Voters)\s+"
                            r"([a-z]{3,})\b")


def _group_verb(clause: str) -> str | None:
    m = _GROUP_SUBJECT.match(normalize(clause))
    verb = m and m.group(1)
    return verb if verb and verb not in STOP_WORDS | LINKING_VERBS else None


def _deed_problems(headline: str, sentences: list[str]) -> list[str]:
    """Each clause of a headline that has a named subject do something ("… as Hillary Clinton wins") needs a
    sentence of the article where that subject does it (the Mirror's report has Clinton praised and Trump voted
    in; no sentence has her win)."""
    read = None  # each sentence's stems and text, read once, when a clause needs them
    for clause in re.split(r"\s+(?:as|after|while|when|before)\s+|;\s*|:\s+", headline):
        verb = _subject_verb(clause) or _group_verb(clause)
        if not verb:
            continue
        subject = normalize(clause).split(verb)[0].strip()
        subject = re.sub(r"\s+(?:was|were|is|are|has|have|had|been|also|now)$", "", subject).strip()
        read = read or [(sent, {stem(w) for w in WORD.findall(sent.lower())}, normalize(sent).lower())
                        for sent in sentences]
        if subject and not any(named_in(subject, sent) and _says_deed(verb, stems, hay) for sent, stems, hay in read):
            return [f"no sentence of the article has {subject} '{verb}'"]
    return []



def missing_problems(item: Item, evidence: str) -> list[str]:
    """The problems of :func:`check_claim` that say a name, number or date in a key point, an event or a stance is
    not in its evidence, as :func:`check_claim` words them: the part another sentence of the article can make good.
    Not the party of a position or an event (the sentence that has it act must be the cited one), and not a bottom
    line or an outlook (a synthesis, an expectation: their cited sentences must hold them)."""
    if isinstance(item, Position):
        return fact_problems(item.stance, evidence)
    if isinstance(item, Event):
        return fact_problems(item.what, evidence) + date_problems(item.date, evidence)
    if type(item) is Point:
        return fact_problems(item.text, evidence)
    return []


def event_subject(event: Event) -> str | None:
    """Who acts in an event: its actor, else the first name of what it says ("Sullivan meets Wang Yi")."""
    if event.who and not _NO_ONE.match(event.who):
        return event.who
    names = _names(event.what)
    return names[0] if names else None


#: A stance that is a side taken, said as the party's role: "Supporter of Hillary Clinton", "Opponent of …".
_SIDE = re.compile(r"^\W*(?:a\s+)?(?:supporters?|opponents?|critics?|backers?|fans?)\b", re.I)


def check_claim(item: Item, evidence: str) -> list[str]:
    """The checks of this module that apply to a cited item, given its evidence's text (run after the word
    overlap passed)."""
    problems: list[str] = []
    if not isinstance(item, (Actor, Question)):
        problems += overlap_problems(claim_text(item), evidence, item.located)
    if isinstance(item, Actor):
        head = content_words(item.name)[-1:]  # a description ("Tram driver"): its head noun must be there
        if not is_name(item.name) and head and not has_word(head[0], {stem(x) for x in WORD.findall(
                evidence.lower())}, normalize(evidence).lower()):
            problems.append(f"the cited sentences do not name '{item.name}'")
        problems += role_problems(item.name, item.role, evidence)
    elif isinstance(item, Position):
        if _SIDE.match(item.stance) and not any(role_attached(item.party, form, evidence)
                                                 for form in (item.stance, item.stance.split()[0])):
            problems.append(f"the cited sentences do not make {item.party} '{item.stance}'")
        problems += party_problems(item.party, evidence, "whose position it is")
        problems += attribution_problems(item.party, item.stance, evidence,
                                         LOCATED_OVERLAP if item.located else CLAIM_OVERLAP, "whose position it is")
        problems += others_names_problems(item.stance, item.party, evidence,
                                          LOCATED_OVERLAP if item.located else CLAIM_OVERLAP)
        problems += fact_problems(item.stance, evidence)
    elif isinstance(item, Event):
        problems += party_problems(item.who, evidence, "who acted")
        problems += attribution_problems(item.who, item.what, evidence,
                                         LOCATED_OVERLAP if item.located else CLAIM_OVERLAP, "who acted")
        problems += fact_problems(item.what, evidence) + date_problems(item.date, evidence)
    elif isinstance(item, Question):
        if not left_open(evidence):
            problems.append("the cited sentences do not leave this open (the article answers it, or does not "
                            "raise it)")
    elif isinstance(item, (Point, BottomLine, Outlook)):
        if item.text.rstrip().endswith("?"):
            problems.append("a question, not a claim")  # a reader's quoted question given as a key point
        if cut_off(item.text, max_length(type(item), "text")):
            problems.append("the text is cut off (at its length cap, or where the model closed it early); not a "
                            "whole claim")
        problems += fact_problems(item.text, evidence)
        if isinstance(item, Outlook) and past_event(item.text, evidence):
            problems.append("a past event restated, not something expected")
    return problems
