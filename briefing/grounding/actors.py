"""Whether a text names an actor, and attaches a role to it (#15): a title before the name, an apposition or a
predicate after it, a list the role introduces — not a role of someone else in the same sentence.

- :func:`named_in` — a party named in a text (by its words, its surname, its agent noun, a country's adjective);
- :func:`role_attached`, :func:`role_problems` — the role is that actor's; :func:`placeholder_role` — "Speaker",
  "Official" are no roles.

Measured with the other checks against the labelled claims of ``tests/data/claims`` (``benchmarks/checker.py``).
"""

from __future__ import annotations

import re

from briefing.grounding.match import WORD, normalize, stem
from briefing.text.lexicon import (BODY_WORDS, GROUP_HEADS, OFFICES, OPPONENT_BEFORE, OPPONENT_ROLES, ROLE_QUALIFIERS,
                                   ROLE_SYNONYMS, STOP_WORDS, TITLES)

#: Words that stand for a role without stating one: read as no role (null), not as an unverified claim.
PLACEHOLDER_ROLES = frozenset("""speaker official officials source sources spokesperson spokesman spokeswoman
officer person individual member representative user participant actor party witness people
company firm organisation organization entity body""".split())  # a kind of actor, not a role ("Mondelez — company")


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


# -- actors' roles
def placeholder_role(role: str | None) -> bool:
    """"Speaker", "Official", "a spokesperson": a word for someone who spoke, not a role."""
    if not role:
        return False
    words = [w.lower() for w in WORD.findall(role) if w.lower() not in STOP_WORDS]
    return bool(words) and all(w in PLACEHOLDER_ROLES for w in words)


def _mentions(name: str, text: str) -> list[tuple[int, int]]:
    """Where a text names an actor: the whole name, else any of its distinctive words (a surname); a person
    described by a relation ("Zhao Zicong's father") only by the relation's word, not by the other's name."""
    hay = normalize(text)
    whole = [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(normalize(name))}\b", hay, re.I)]
    if whole:
        return whole
    owner = re.search(r"['’]s\s+([a-z][\w\s-]*)$", normalize(name))  # "Zhao Zicong's father" is the father
    tokens = [t for t in WORD.findall(owner.group(1) if owner else normalize(name))
              if len(t) > 2 and t.lower() not in STOP_WORDS]
    return [(m.start(), m.end()) for t in tokens
            for m in re.finditer(rf"\b{re.escape(t.removesuffix(chr(39) + 's'))}\b", hay, re.I)]


def _words(text: str) -> list[str]:
    return [w.lower().removesuffix("'s") for w in WORD.findall(text)]


def _role_words(role: str) -> list[str]:
    """A role's words, without articles: what the text must attach ("the deputy director" → deputy, director)."""
    return [w for w in _words(normalize(role)) if w not in ("the", "a", "an")]


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


#: What may stand between a list's role and the list: "the other three people killed have now been named as …".
_NAMED = re.compile(r"(?:\b(?:have|has|had)\s+)?(?:\bnow\s+)?(?:\bbeen\s+)?\b(?:named|identified)\s*$", re.I)
#: The members a group is said to include, back to the group: "a team of rescuers, including police officers,
#: firefighters, paramedics and local volunteers".
_INCLUDING = re.compile(r",?\s*\binclud(?:ing|es|ed)\s+"
                        r"(?:[\w'’.-]+(?:\s+[\w'’.-]+){0,2}?(?:,\s*(?:and\s+)?|\s+and\s+))*$", re.I)


def _agent_verb(noun: str) -> str:
    """The verb an agent noun is made from, as a stem: "maker" → "make", "owner" → "own", "founder" → "found"."""
    for suffix, verb in (("ker", "ke"), ("er", ""), ("or", "")):
        if noun.endswith(suffix) and len(noun) - len(suffix) >= 2:
            return stem(noun[: -len(suffix)] + verb)
    return ""


def _role_ends(words: list[str], role_seq: list[str]) -> bool:
    """Whether words end with the role (each word's stem or its country: "victims" is "victim", "Chinese" China;
    or a word the text puts in a role word's place, :data:`~briefing.text.lexicon.ROLE_SYNONYMS`)."""
    tail = words[-len(role_seq):]
    return len(tail) == len(role_seq) and all(
        _country(w) == _country(r) or w in ROLE_SYNONYMS.get(stem(r), ()) for w, r in zip(tail, role_seq))


def _country(word: str) -> str:
    """A word's stem, a country's adjective read as the country ("chinese" and "china's" alike)."""
    w = stem(word)
    return next((c for c, people in _DEMONYMS.items() if w == people), w)


def role_attached(name: str, role: str, evidence: str) -> bool:
    """Whether the evidence attaches ``role`` to ``name``: a title right before the name ("Foreign Minister Wang
    Yi", "Harborview Medical Center spokeswoman Susan Gregg"), or an apposition, relative clause or predicate
    right after it ("Wang Yi, China's foreign minister,", "Robert Merner, assistant chief of …", "The Chicago Cubs
    are … champions") — not a role of someone else in the same sentence ("President Joe Biden's national security
    adviser" is not Biden)."""
    hay = normalize(evidence)
    role_seq = _role_words(role)
    name_words = set(_words(normalize(name)))
    needed = {stem(w) for w in role_seq if w not in STOP_WORDS and w not in name_words}
    kind = {stem(w) for w in role_seq if w in PLACEHOLDER_ROLES}
    if needed - kind:
        needed -= kind  # "company owner": the owner is stated ("Mondelez International, which owns Toblerone")
    if not role_seq:
        return False
    for start, end in _mentions(name, evidence):
        before = _words(re.split(r"[,;:.!?()\"“”]", hay[:start])[-1])
        if before and _role_ends(before, role_seq):
            return True  # a title before the name ("China's top diplomat Wang Yi": "Chinese top diplomat")
        # "The product's makers, US-based Mondelez International": one hyphened word may stand before the name
        ahead = re.search(r"(?:^|[,;:.!?(“\"]\s*)(?:the|its|their|his|her|a|an)\s+([\w'’ -]+?),\s*(?:\w+-\w+\s+)?$",
                          hay[:start], re.I)
        if ahead and _role_ends(_words(ahead.group(1)), role_seq) and len(_words(ahead.group(1))) <= 5:
            return True  # an apposition before the name ("The operator, Hutchison Ports, said")
        prior = [w for w in before if w != "the"][-1:]
        if role_seq[-1] in OPPONENT_ROLES and prior and prior[0] in OPPONENT_BEFORE:
            return True  # the other side ("victory against the Cleveland Indians")
        listed = _LIST_BEFORE.search(hay[:start])
        if listed and _role_ends(_words(_NAMED.sub("", hay[:listed.start()])), role_seq):
            return True  # one of a list the role introduces ("the final three victims as A, B and C")
        members = _INCLUDING.search(hay[:start])
        if members and role_seq[-1] in ("member", "members") and len(role_seq) > 1 and \
                _agents_in(" ".join(role_seq[:-1]), " ".join(_words(hay[:members.start()])[-4:])):
            return True  # a member of the group the list is of ("a team of rescuers, including police …")
        after = hay[end:]
        copula = _COPULA.match(after)
        if copula and needed and needed <= {stem(w) for w in _words(re.split(r"[,;:.!?()\"“”]",
                                                                             after[copula.end():])[0])[:6]}:
            return True  # a predicate past an apposition ("Kevin Snow, 57, was one of those injured")
        if after[:2] in ("'s", "’s") or not _AFTER.match(after):
            continue
        clause = re.split(r"[;:.!?)\"“”]|,\s(?!the\b|a\b|an\b)", after.lstrip(" ,(-"), maxsplit=1)[0]
        if re.match(r"whose\b", clause, re.I):
            continue  # "Kevin Snow, whose son was injured," is not the injured
        stems = {stem(w) for w in _words(clause)[:14]}
        if needed and needed <= stems:
            return True
        habit = re.match(r"(?:which|who)\s+(\w+s)\b", clause, re.I)  # what it does as a rule, not one deed
        verb = habit.group(1).lower() if habit else ""
        if habit and len(needed) == 1 and _agent_verb(next(iter(needed))) in (stem(verb), verb[:-1]):
            return True  # "Mondelez International, which makes the bars" is the maker
    return False


def _role_forms(role: str, evidence: str) -> list[str]:
    """The role, and the forms a text may attach in its place: "maker of Toblerone bars" is attached as "makers"
    when the evidence names what it is the maker of ("makers Mondelez International … the chocolate bar")."""
    forms = [role]
    head, of, complement = role.partition(" of ")
    if of and head.strip() and named_in(complement, evidence):
        forms.append(head.strip())
    return forms


def role_problems(name: str, role: str | None, evidence: str) -> list[str]:
    """An actor's role must be stated for that actor in the evidence (see :func:`role_attached`); an activity
    ("Harvesting cabbages") or another person's name ("Liam Lehane" as the role of the ambulance service) is no
    role."""
    if not role:
        return []
    first = WORD.findall(role)[:1]
    if first and first[0].lower().endswith("ing") and first[0].lower() not in ("king", "ring"):
        return [f"'{role}' is an activity, not a role"]
    if not any(role_attached(name, form, evidence) for form in _role_forms(role, evidence)):
        return [f"the cited sentences do not make {name} '{role}'"]
    dropped = _dropped_qualifier(role, evidence)
    if dropped:
        return [f"the cited sentences make {name} '{dropped} {role}', not '{role}'"]
    return []


def _dropped_qualifier(role: str, evidence: str) -> str | None:
    """The word that makes the role another one (:data:`~briefing.text.lexicon.ROLE_QUALIFIERS`) when the evidence
    puts one before every place it says the role's opening words and the role leaves it out: "Labour deputy prime
    minister" over "Former Labour deputy prime minister John Prescott"."""
    role_seq = _role_words(role)
    if not role_seq or role_seq[0] in ROLE_QUALIFIERS:
        return None
    head = [stem(w) for w in role_seq[:2]]
    words = _words(normalize(evidence))
    before = [words[i - 1] if i else "" for i in range(len(words))
              if [stem(w) for w in words[i:i + len(head)]] == head]
    if before and all(w in ROLE_QUALIFIERS and w not in role_seq for w in before):
        return before[0]
    return None
