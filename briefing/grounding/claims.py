"""What a reader checks before trusting a ✓ (#15): that the cited sentences state the claim, not merely share its
words. Each check takes a claim and the text of its evidence and returns its problems (``[]``: it passes).

- an actor's role is attached to that actor in the text (:func:`role_problems`), and a placeholder role
  ("Speaker", "Official") is no role (:func:`placeholder_role`);
- every number, date and proper name of a claim is in its evidence (:func:`fact_problems`);
- a text cut off by its length cap is no claim (:func:`cut_off`);
- an outlook item is not a restated past event (:func:`past_event`); an open question is one the evidence
  leaves open (:func:`left_open`);
- the headline's words and names are the article's (:func:`headline_problems`).

Measured against the labelled claims of ``tests/data/claims`` by ``benchmarks/checker.py``.
"""

from __future__ import annotations

import re

from briefing.grounding.match import WORD, content_words, normalize
from briefing.grounding.names import is_name, title_case
from briefing.schema import (Actor, BottomLine, Event, Item, Outlook, Point, Position, Question, claim_text,
                            max_length)
from briefing.text.lexicon import BODY_WORDS, FORWARD, GROUP_HEADS, OFFICES, STOP_WORDS, TITLES

#: Words that stand for a role without stating one: read as no role (null), not as an unverified claim.
PLACEHOLDER_ROLES = frozenset("""speaker official officials source sources spokesperson spokesman spokeswoman
officer person individual member representative user participant actor party witness people
company firm organisation organization entity body""".split())  # a kind of actor, not a role ("Mondelez — company")

_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                      "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000", "dozen": "12"})
_ORDINALS = {w: str(i + 1) for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split())}
_NUMBER = re.compile(r"\b\d+(?:st|nd|rd|th)\b|\d+(?:[.,:]\d+)*|\b(?:" + "|".join([*_NUMBER_WORDS, *_ORDINALS])
                     + r")\b", re.I)
_CAPS = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)")


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


def _stem(word: str) -> str:
    w = word.lower().removesuffix("'s").strip("'-")
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def _has_word(word: str, text_stems: set[str], text: str) -> bool:
    """Whether a text has the word or an inflection of it ("continue" in "continuing", "Derails" in "derailed")."""
    stem = _stem(word)
    if stem in text_stems or re.search(rf"\b{re.escape(stem)}", text):
        return True
    root = stem[:max(5, len(stem) - 2)]
    return len(stem) >= 6 and bool(re.search(rf"\b{re.escape(root)}", text))


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
    stems = {_stem(w) for w in WORD.findall(hay)}
    return sum(_has_word(w, stems, hay) for w in words) / len(words)


_NEGATION = re.compile(r"\b(?:not|never|no|unrelated|without|n't)\b|n't\b", re.I)


def negated(claim: str, evidence: str) -> list[str]:
    """The claim's content words that the evidence holds only under a negation within the five words before them
    ("not far from protests", "did not appear to be related to the anti-Trump demonstrations"): a claim that the
    shooting happened "during the protests" is not stated there."""
    def under_negation(w: str, text: str) -> bool:
        hits = list(re.finditer(rf"\b{re.escape(_stem(w))}", text, re.I))
        return bool(hits) and all(_NEGATION.search(" ".join(text[:m.start()].split()[-5:])) for m in hits)

    hay, own = normalize(evidence), normalize(claim)
    # "not far from protests" is "near protests": a claim that says near states it (and only such a claim)
    near = {_stem(m.group(1)) for m in re.finditer(r"\bnear(?:\s+\w+){0,2}?\s+(\w+)", own, re.I)}
    if near:
        hay = re.sub(r"\bnot far from\b((?:\s+\w+){1,3})",
                     lambda m: m.group(0) if not {_stem(w) for w in m.group(1).split()} & near else
                     "near" + m.group(1), hay, flags=re.I)
    # a verb under a negation is mostly a paraphrase ("had not won since 1908": "won for the first time in 108
    # years"); a claim that says the negation itself ("did not seek conflict") states it
    return [w for w in dict.fromkeys(content_words(claim))
            if not _PAST_VERB.fullmatch(w) and under_negation(w, hay) and not under_negation(w, own)]


def overlap_problems(claim: str, evidence: str, located: bool) -> list[str]:
    """Each sentence of the claim must be stated by the evidence: at least :data:`CLAIM_OVERLAP` of its content
    words there (:data:`LOCATED_OVERLAP` when the tool found the evidence)."""
    floor = LOCATED_OVERLAP if located else CLAIM_OVERLAP
    parts = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", claim) if content_words(p)] or [claim]
    # and each clause: a synthesis that joins two facts ("Gunman opens fire in Seattle, police searching") is
    # stated only when both are; a clause's share is its own, not diluted by the other's words
    parts += [c for p in parts for c in re.split(r";\s*|,\s+|\s+and\s+", p) if c != p and content_words(c)]
    for part in parts:
        share = overlap(part, evidence)
        if share < floor:
            return [f"the {'sentences found' if located else 'cited sentences'} state only {share:.0%} of "
                    f"\"{part[:60]}\""]
    denied = negated(claim, evidence)
    return [f"the cited sentences say '{denied[0]}' only under a negation"] if denied else []


#: A country named by its adjective ("the Chinese embassy", "American officials").
_DEMONYMS = {"china": "chinese", "us": "american", "russia": "russian", "britain": "british", "france": "french",
             "germany": "german", "japan": "japanese", "iran": "iranian", "israel": "israeli",
             "ukraine": "ukrainian", "india": "indian"}


def named_in(name: str, text: str) -> bool:
    """Whether every distinctive word of a name stands in text as a whole word (stricter than
    :func:`~briefing.grounding.names.name_in`, which takes any one word as an alias): a position's party or an
    event's actor must be named in its evidence, "Republican Party" is not named by "Republican property magnate"."""
    hay = normalize(text).lower()
    for country, people in _DEMONYMS.items():  # "the Chinese embassy" names China
        hay = re.sub(rf"\b{people}\b", f"{people} {country}", hay)
    tokens = [t.lower().removesuffix("'s") for t in WORD.findall(normalize(name))
              if (t.lower() not in STOP_WORDS or t.isupper()) and len(t) > 1]  # "US" is a name, "us" a word
    # a word inside a compound ("China-US relations", "anti-Trump") names no party
    if all(re.search(rf"(?<![-\w]){re.escape(t)}(?:s|es|'s)?(?![-\w])", hay) for t in tokens):
        return True
    return _surname_in(name, text) or _agents_in(name, hay)


def _agents_in(name: str, hay: str) -> bool:
    """Whether a group described by what it does ("Rescue team", "search crews") is named by its agent noun
    ("rescuers", "searchers") in the lower-cased text."""
    words = normalize(name).lower().split()
    if len(words) != 2 or words[1] not in GROUP_HEADS or words[0] in STOP_WORDS:
        return False
    verb = words[0].removesuffix("e")
    return bool(re.search(rf"\b{re.escape(verb)}ers?\b", hay))


_TITLE_WORDS = {t.lower() for t in re.findall(r"\w+", TITLES)} | OFFICES


def _surname_in(name: str, text: str) -> bool:
    """Whether text names a person by the surname alone ("Gaga protests …" names Lady Gaga), as a later mention
    does: the name is a person's (two or three capitalised words, none a body's head word, "Trump Organization"),
    and the surname stands in text neither inside another name ("Hunter Biden", "Trump Tower") nor as a word."""
    words = normalize(name).split()
    if not 2 <= len(words) <= 3 or not all(re.fullmatch(r"[A-Z][a-z'’-]+", w) for w in words) or \
            words[-1].lower() in BODY_WORDS:
        return False
    own = {w.lower() for w in words} | _TITLE_WORDS
    hay = normalize(text)
    for m in re.finditer(rf"(?<![-\w]){re.escape(words[-1])}(?![-\w])", hay):
        previous = re.search(r"([A-Z][\w'’-]*)\s+$", hay[:m.start()])  # "Hunter Biden" is not Joe Biden
        if previous and previous.group(1).lower() not in own:
            continue
        if re.match(r"\s+[A-Z]", hay[m.end():]):  # "Trump Tower" is not Donald Trump
            continue
        return True
    return False


def _names(claim: str) -> list[str]:
    if title_case(claim):
        return []
    return [m.group(1) for m in _CAPS.finditer(claim) if m.group(1).lower() not in STOP_WORDS]


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
        if words and not any(re.search(rf"\b{re.escape(_stem(w))}", hay) for w in words):
            problems.append(f"'{name}' is not named in the cited sentences")
    return problems


_CALENDAR = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday""".split())


def date_problems(date: str | None, evidence: str) -> list[str]:
    """An event's date must stand in its evidence: its numbers, and any name in it that is not a month or a
    day ("Munich Security Conference" is a place, not a date the sentences give)."""
    if not date:
        return []
    problems = []
    missing = sorted(numbers(date) - numbers(evidence))
    if missing:
        problems.append(f"the number {', '.join(m.lstrip('#') for m in missing)} of the date is not in the cited "
                        f"sentences")
    hay = normalize(evidence).lower()
    names = [w for w in WORD.findall(date) if w[0].isupper() and w.lower() not in STOP_WORDS]
    if any(not re.search(rf"\b{re.escape(_stem(w)[:3] if w.lower() in _CALENDAR else _stem(w))}", hay)
           for w in names):  # "Monday" over a sentence that says "on Sunday"; "Nov." stands for "November"
        problems.append(f"the date '{date}' is not in the cited sentences")
    return problems


# -- actors' roles
def placeholder_role(role: str | None) -> bool:
    """"Speaker", "Official", "a spokesperson": a word for someone who spoke, not a role."""
    if not role:
        return False
    words = [w.lower() for w in WORD.findall(role) if w.lower() not in STOP_WORDS]
    return bool(words) and all(w in PLACEHOLDER_ROLES for w in words)


def _mentions(name: str, text: str) -> list[tuple[int, int]]:
    """Where a text names an actor: the whole name, else any of its distinctive words (a surname)."""
    hay = normalize(text)
    whole = [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(normalize(name))}\b", hay, re.I)]
    if whole:
        return whole
    tokens = [t for t in WORD.findall(normalize(name)) if len(t) > 2 and t.lower() not in STOP_WORDS]
    return [(m.start(), m.end()) for t in tokens
            for m in re.finditer(rf"\b{re.escape(t.removesuffix(chr(39) + 's'))}\b", hay, re.I)]


def _words(text: str) -> list[str]:
    return [w.lower().removesuffix("'s") for w in WORD.findall(text)]


#: What may join a name to the role after it: an apposition, a relative clause, "of", a copula.
_AFTER = re.compile(r"^\s*(?:,|\(|-|of\b|from\b|at\b|is\b|are\b|was\b|were\b|who is\b|who was\b|who are\b)", re.I)


#: A name's copula past one apposition: "Kevin Snow, 57, was one of those injured", "Dane Chinnery, a 19-year-old
#: fan described as a 'friendly, genuine lad', was the first victim".
_COPULA = re.compile(r"^(?:\s*,[^.;:!?\"“”()]{0,120}?,)?\s*(?:is|was|are|were)\s+(?:(?:one|two|three|four|among)\s+"
                     r"of\s+)?", re.I)
#: The names of a list that a role introduces, back to the role: "named the final three victims as Donald Collett,
#: Philip Logan and Robert Huxley", "the victims were A, B and C".
_LIST_BEFORE = re.compile(r"(?:\b(?:as|were|are|include|included|including|namely)|[:–—])\s*"
                          r"(?:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*(?:,\s*(?:aged\s+)?\d{1,3})?(?:,\s*(?:and\s+)?|"
                          r"\s+and\s+))*$")


def _role_ends(words: list[str], role_seq: list[str]) -> bool:
    """Whether words end with the role (each word's stem or its country: "victims" is "victim", "Chinese" China)."""
    tail = words[-len(role_seq):]
    return len(tail) == len(role_seq) and [_country(w) for w in tail] == [_country(w) for w in role_seq]


def _country(word: str) -> str:
    """A word's stem, a country's adjective read as the country ("chinese" and "china's" alike)."""
    w = _stem(word)
    return next((c for c, people in _DEMONYMS.items() if w == people), w)


def role_attached(name: str, role: str, evidence: str) -> bool:
    """Whether the evidence attaches ``role`` to ``name``: a title right before the name ("Foreign Minister Wang
    Yi", "Harborview Medical Center spokeswoman Susan Gregg"), or an apposition, relative clause or predicate
    right after it ("Wang Yi, China's foreign minister,", "Robert Merner, assistant chief of …", "The Chicago Cubs
    are … champions") — not a role of someone else in the same sentence ("President Joe Biden's national security
    adviser" is not Biden)."""
    hay = normalize(evidence)
    role_seq = [w for w in _words(normalize(role)) if w not in ("the", "a", "an")]
    name_words = set(_words(normalize(name)))
    needed = {_stem(w) for w in role_seq if w not in STOP_WORDS and w not in name_words}
    if not role_seq:
        return False
    for start, end in _mentions(name, evidence):
        before = _words(re.split(r"[,;:.!?()\"“”]", hay[:start])[-1])
        if before and _role_ends(before, role_seq):
            return True  # a title before the name ("China's top diplomat Wang Yi": "Chinese top diplomat")
        ahead = re.search(r"(?:^|[,;:.!?(“\"]\s*)(?:the|its|their|his|her)\s+([\w'’ -]+?),\s*$", hay[:start], re.I)
        if ahead and _role_ends(_words(ahead.group(1)), role_seq) and len(_words(ahead.group(1))) <= 5:
            return True  # an apposition before the name ("The operator, Hutchison Ports, said")
        listed = _LIST_BEFORE.search(hay[:start])
        if listed and _role_ends(_words(hay[:listed.start()]), role_seq):
            return True  # one of a list the role introduces ("the final three victims as A, B and C")
        after = hay[end:]
        copula = _COPULA.match(after)
        if copula and needed and needed <= {_stem(w) for w in _words(re.split(r"[,;:.!?()\"“”]",
                                                                             after[copula.end():])[0])[:6]}:
            return True  # a predicate past an apposition ("Kevin Snow, 57, was one of those injured")
        if after[:2] in ("'s", "’s") or not _AFTER.match(after):
            continue
        clause = re.split(r"[;:.!?)\"“”]|,\s(?!the\b|a\b|an\b)", after.lstrip(" ,(-"), maxsplit=1)[0]
        if re.match(r"whose\b", clause, re.I):
            continue  # "Kevin Snow, whose son was injured," is not the injured
        stems = {_stem(w) for w in _words(clause)[:14]}
        if needed and needed <= stems:
            return True
    return False


def role_problems(name: str, role: str | None, evidence: str) -> list[str]:
    """An actor's role must be stated for that actor in the evidence (see :func:`role_attached`); an activity
    ("Harvesting cabbages") or another person's name ("Liam Lehane" as the role of the ambulance service) is no
    role."""
    if not role:
        return []
    first = WORD.findall(role)[:1]
    if first and first[0].lower().endswith("ing") and first[0].lower() not in ("king", "ring"):
        return [f"'{role}' is an activity, not a role"]
    if not role_attached(name, role, evidence):
        return [f"the cited sentences do not make {name} '{role}'"]
    return []


def party_problems(party: str | None, evidence: str, what: str) -> list[str]:
    """A position's party and an event's actor must be named in the evidence (every word of the name)."""
    if not party:
        return []
    if not named_in(party, evidence):
        return [f"the cited sentences do not name {party} ({what})"]
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


def past_event(claim: str, evidence: str) -> bool:
    """An outlook item that restates what happened: its own words report a completed action (a past-tense verb,
    no forward cue: "Blinken met Wang Yi …", "The US and China agreed to maintain …"), or the clause of its
    evidence that states it does (no forward cue attached to the same clause)."""
    if not FORWARD.search(claim) and _PAST_VERB.search(claim) and \
            not re.search(r"\b(is|are|continu\w*|remain\w*|still)\b", claim, re.I):
        return True
    words = set(content_words(claim))
    if not words:
        return False
    clauses = [c for c in re.split(r"[,;:—–]|\s-\s|\bbut\b|\band\b(?=\s+\w+\s+(?:\w+ed|were|was)\b)", evidence)
               if c.strip()]
    best = max(clauses, key=lambda c: len(words & set(content_words(c))), default="")
    return bool(best) and not FORWARD.search(best) and bool(_PAST_VERB.search(best))


#: What makes a sentence leave a question open.
OPEN = re.compile(r"\b(unknown|unclear|not (?:yet )?(?:known|clear|been|confirmed|named|identified|released|"
                  r"disclosed)|remains? to be seen|no word|undisclosed|unconfirmed|whether|if any|investigat\w*|"
                  r"too early|yet to|declined to|would not say|did not (?:say|discuss|specify|give)|no (?:date|decision)s?|refused to|ha(?:s|ve) not (?:yet )?\w+ed)\b", re.I)


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
        if not any(re.search(rf"\b{re.escape(_stem(w))}", hay) for w in re.split(r"[\s-]+", name)):
            problems.append(f"'{name}' is not named in the article")
    lost = sorted(numbers(headline) - numbers(article))
    if lost:
        problems.append(f"the number {', '.join(lost)} is not in the article")
    return problems



def check_claim(item: Item, evidence: str) -> list[str]:
    """The checks of this module that apply to a cited item, given its evidence's text (run after the word
    overlap passed)."""
    problems: list[str] = []
    if not isinstance(item, (Actor, Question)):
        problems += overlap_problems(claim_text(item), evidence, item.located)
    if isinstance(item, Actor):
        head = content_words(item.name)[-1:]  # a description ("Tram driver"): its head noun must be there
        if not is_name(item.name) and head and not _has_word(head[0], {_stem(x) for x in WORD.findall(
                evidence.lower())}, normalize(evidence).lower()):
            problems.append(f"the cited sentences do not name '{item.name}'")
        problems += role_problems(item.name, item.role, evidence)
    elif isinstance(item, Position):
        problems += party_problems(item.party, evidence, "whose position it is")
        problems += fact_problems(item.stance, evidence)
    elif isinstance(item, Event):
        problems += party_problems(item.who, evidence, "who acted")
        problems += fact_problems(item.what, evidence) + date_problems(item.date, evidence)
    elif isinstance(item, Question):
        if not left_open(evidence):
            problems.append("the cited sentences do not leave this open (the article answers it, or does not "
                            "raise it)")
    elif isinstance(item, (Point, BottomLine, Outlook)):
        if cut_off(item.text, max_length(type(item), "text")):
            problems.append("the text is cut off (at its length cap, or where the model closed it early); not a "
                            "whole claim")
        problems += fact_problems(item.text, evidence)
        if isinstance(item, Outlook) and past_event(item.text, evidence):
            problems.append("a past event restated, not something expected")
    return problems
