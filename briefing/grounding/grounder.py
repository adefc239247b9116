"""The grounding check that runs inside pydantic validation (see ``Extraction._check_against_article``): each
item's evidence, verbatim quotes in the right mouth, names, the outlook's cue, the event's PLOVER type.

In ``strict`` mode the :class:`Grounder` raises on hard failures (cited sentences that do not exist, quotes not in
the article, a quote put in the wrong mouth) so the model is re-asked with those failures named; otherwise it marks
items, so the briefing says plainly what it could not support (:mod:`briefing.grounding.finalize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefing.grounding.actors import named_in, placeholder_role, role_attached
from briefing.grounding.claims import check_claim, date_problems, event_subject, expected, missing_problems
from briefing.grounding.match import NormalizedText, content_words, locate, normalize
from briefing.grounding.names import is_name, name_in
from briefing.grounding.quotes import (attributed_speaker, attribution_ok, quoted_share, regions_of,
                                       starts_quoted)
from briefing.schema import (Actor, Cited, Dateline, Event, Extraction, Item, Outlook, Point, Position, Quote,
                            Span, claim_text)
from briefing.text.article import Article
from briefing.text.dateline import find_dateline
from briefing.text.lexicon import PLOVER_CUES, WORD_SYNONYMS


#: The share of an item's content words a sentence must hold to complete its evidence (:meth:`Grounder._completing`).
COMPLETE_OVERLAP = 0.34
#: How many such sentences, nearest the cited ones first, are tried.
COMPLETE_TRIES = 5
#: How many other sentences, those sharing most of a fact's words first, may state it when the cited ones do not
#: (:meth:`Grounder._restating`); each must share :attr:`Grounder.relocate_overlap` of its words.
RESTATE_TRIES = 3


@dataclass
class Grounder:
    """The check that runs inside validation. Keep one per article; it is cheap to call repeatedly."""

    article: Article
    strict: bool = True
    min_overlap: float = 0.5
    relocate_overlap: float = 0.6
    failures: list[str] = field(default_factory=list)
    known_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._norm = NormalizedText(self.article.text)
        self._quoted = regions_of(self.article.text)
        self._sentence_words = [normalize(s.text).lower() for s in self.article.sentences]
        self._blocked = set(self.article.addressed_to_model)  # text addressed to a model: never evidence (#18)

    # -- per item
    def _overlap(self, words: set[str], sentence_ids: list[int]) -> float:
        """Share of the claim's content words found in the given sentences."""
        if not words:
            return 1.0
        text = " ".join(self._sentence_words[i - 1] for i in sentence_ids)
        return sum(1 for w in words if any(re.search(rf"\b{re.escape(x)}", text)
                                           for x in (w, *WORD_SYNONYMS.get(w, ())))) / len(words)

    def _scored(self, words: set[str], skip: list[int] | tuple = ()) -> list[tuple[float, int]]:
        """Each sentence that may be evidence (none addressed to a model, none of ``skip``) with the share of the
        claim's words it holds: ``(share, id)``."""
        return [(self._overlap(words, [i]), i) for i in range(1, len(self.article.sentences) + 1)
                if i not in self._blocked and i not in skip]

    def _locate_claim(self, words: set[str]) -> list[int]:
        """The sentence (or two) of the article that best state a claim, if they state enough of it."""
        scored = sorted(self._scored(words), reverse=True)
        if not scored:
            return []
        best, first = scored[0]
        if best >= self.relocate_overlap:
            return [first]
        if len(scored) > 1:
            pair = sorted([first, scored[1][1]])
            if self._overlap(words, pair) >= self.relocate_overlap:
                return pair
        return []

    def _cited(self, path: str, item: Cited) -> list[str]:
        n = len(self.article.sentences)
        valid = [sid for sid in dict.fromkeys(item.ev) if 1 <= sid <= n and sid not in self._blocked]
        blocked = [sid for sid in dict.fromkeys(item.ev) if sid in self._blocked]
        invalid = [sid for sid in dict.fromkeys(item.ev) if not 1 <= sid <= n]
        if isinstance(item, Actor) and (placeholder_role(item.role) or _role_in_name(item)):
            item.role = None  # "Speaker", "Official", a role the name already holds: no role (#15)
        words = set(content_words(_claim_text(item)))
        item.located = False
        ids = valid
        problems: list[str] = []
        if invalid or not valid or self._overlap(words, valid) < self.min_overlap:
            found = self._locate_claim(words) if words else []
            if found:
                ids, item.located = found, True  # the model cited the wrong sentences; the article states it here
            elif invalid:
                problems.append(f"cites sentence [{invalid[0]}] but the article has sentences [1]..[{n}]")
            elif blocked and not valid:
                problems.append(f"cites only text addressed to an AI model (sentences {blocked}), never evidence")
            else:
                problems.append(f"cited sentences {list(item.ev)} do not state it")
        item.evidence = [Span(text=s.text, start=s.start, end=s.end)
                         for s in (self.article.sentence(i) for i in ids) if s is not None]
        if isinstance(item, Actor) and not name_in(item.name, self.article.text):
            problems.append(f"'{item.name}' is not named in the article")
        elif isinstance(item, Actor) and self._only_quoted(item.name):
            problems.append(f"'{item.name}' is named only inside quotation marks (words someone said or a title), "
                            "not as a party to the story")
        elif isinstance(item, Actor) and not problems and (brand := self._proper_first_word(item.name)) and \
                not any(re.search(rf"\b{re.escape(brand)}\b", sp.text) for sp in item.evidence):
            problems.append(f"'{brand}' is not named in the cited sentences")
        if isinstance(item, Event):
            _check_type(item)
        if isinstance(item, Outlook) and not problems and \
                not expected(item.text, " ".join(span.text for span in item.evidence)):
            problems.append("the cited sentences do not say that this is expected, planned or under way")
        if not problems:  # the words overlap: do the sentences state it? (#15)
            evidence = " ".join(span.text for span in item.evidence)
            problems.extend(check_claim(item, evidence))
            if problems and set(problems) <= set(missing_problems(item, evidence)):
                more = self._completing(item, ids, words, evidence)
                if more is not None:  # a second sentence of the article states what the cited ones lack
                    item.evidence.append(Span(text=more.text, start=more.start, end=more.end))
                    item.evidence.sort(key=lambda sp: sp.start)
                    item.located = True
                    problems = []
            if problems and isinstance(item, (Point, Actor, Event)):
                found = self._restating(item, ids, words)
                if found is not None:
                    item.evidence = [Span(text=found.text, start=found.start, end=found.end)]
                    item.located, problems = True, []
        if problems and isinstance(item, Actor) and item.role and name_in(item.name, self.article.text):
            found = self._attaching(item)
            if found is not None:  # the sentence that gives this actor this role (a long article's wrong id)
                item.evidence, item.located = [Span(text=found.text, start=found.start, end=found.end)], True
                return []
        return problems

    def _only_quoted(self, name: str) -> bool:
        """Whether every mention of a one-word name stands inside quotation marks ("'My name is Manuel and I know
        nothing,' classic", a video's title on the Mirror's page): the article never speaks of it itself."""
        if len(name.split()) != 1:
            return False
        found = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", self.article.text)]
        return bool(found) and all(any(s <= i < e for s, e in self._quoted) for i in found)

    def _proper_first_word(self, name: str) -> str | None:
        """The first word of an actor described, not named ("Toblerone chocolate bars", "Tram driver"), when it is
        a name: the article writes it capitalised inside its sentences and never in lower case ("Toblerone", not
        "Tram"). Such a description is named only where that name stands."""
        if is_name(name):
            return None
        first = re.match(r"([A-Z][a-z'’]+)\s+[a-z]", name)
        if not first:
            return None
        word, text = first.group(1), self.article.text
        inside = re.search(rf"(?<![.!?\"“”]\s)(?<=[a-z,;]\s){re.escape(word)}\b", text)
        return word if inside and not re.search(rf"\b{re.escape(word.lower())}\b", text) else None

    def _completing(self, item: Cited, ids: list[int], words: set[str], cited: str):
        """One more sentence of the article with which the evidence states the whole item (its date, a name, a
        number the cited sentences lack: "Wednesday morning" from the lead for an event the cited sentence tells
        without it): among the sentences on the same subject (:data:`COMPLETE_OVERLAP` of the item's words),
        nearest first, the first with which every check passes; else None. ``cited``: the cited sentences' text."""
        n = len(self.article.sentences)
        near = min(ids) if ids else 1
        pool = [i for i in range(1, n + 1) if i not in ids and i not in self._blocked
                and self._overlap(words, [i]) >= COMPLETE_OVERLAP]
        # the date of an event comes from a sentence on that event: one that names who acts ("Sullivan meets Wang
        # Yi" does not take its date from "Blinken met Wang Yi … at the Munich Security Conference")
        subject = event_subject(item) if isinstance(item, Event) and date_problems(item.date, cited) else None
        for i in sorted(pool, key=lambda i: abs(i - near))[:COMPLETE_TRIES]:
            if subject and not named_in(subject, self.article.sentences[i - 1].text):
                continue
            joined = sorted([*ids, i])
            text = " ".join(self.article.sentences[j - 1].text for j in joined)
            if isinstance(item, Outlook) and not expected(item.text, text):
                continue
            if not check_claim(item, text):
                return self.article.sentences[i - 1]
        return None

    def _restating(self, item: Cited, ids: list[int], words: set[str]):
        """Another sentence of the article that states the whole fact the cited ones do not (a long article tells
        its facts more than once: a caption, the lead, a later paragraph; the model cites one that leaves out the
        number): among the sentences sharing :attr:`relocate_overlap` of the item's words, most first,
        :data:`RESTATE_TRIES` at most, the first over which every check passes; else None. Only for a fact, an
        actor, an event: a stance is its party's in the sentence the model read, an outlook's expectation and a
        question's openness are the cited passage's, a bottom line sums up the sentences it cites."""
        scored = sorted(self._scored(words, ids), key=lambda si: (-si[0], si[1]))  # most words first, then earliest
        for ov, i in scored[:RESTATE_TRIES]:
            if ov < self.relocate_overlap:
                break
            if not check_claim(item, self.article.sentences[i - 1].text):
                return self.article.sentences[i - 1]
        return None

    def _attaching(self, actor: Actor):
        """The first sentence of the article that attaches ``actor.role`` to ``actor.name`` (a title before the
        name, an apposition after it: :func:`~briefing.grounding.actors.role_attached`) and passes every check."""
        for i, sentence in enumerate(self.article.sentences, start=1):
            if i in self._blocked or not role_attached(actor.name, actor.role, sentence.text):
                continue
            if not check_claim(actor, sentence.text):
                return sentence
        return None

    def _quote(self, item: Quote) -> list[str]:
        spans = self._trim_attribution(locate(self._norm, item.text))
        item.evidence = spans
        if not spans:
            return [f"quote is not verbatim in the article: \"{item.text[:80]}\""]
        if self.addressed(spans):
            item.evidence = []
            return [f"\"{item.text[:60]}\" is text addressed to an AI model, never evidence"]
        if any(quoted_share(self._quoted, sp) < 0.8 or not starts_quoted(self._quoted, sp) for sp in spans):
            return [f"\"{item.text[:60]}\" is not inside quotation marks in the article"]
        if attribution_ok(self.article, spans, item.speaker):
            return []
        who = attributed_speaker(self.article, spans, self.known_names)
        if who and attribution_ok(self.article, spans, who):
            item.model_speaker = item.model_speaker or item.speaker  # the article names someone else: say so
            item.speaker = who
            return []
        return [f"the article does not attribute \"{item.text[:60]}\" to {item.speaker}"]

    def _trim_attribution(self, spans: list[Span]) -> list[Span]:
        """A quote copied with its attribution ('Lee Yarker said: "Fair enough …"') keeps only the words inside
        the quotation marks, when at least three words are."""
        text = self.article.text
        while len(spans) > 1 and quoted_share(self._quoted, spans[0]) == 0 and \
                sum(len(sp.text.split()) for sp in spans[1:]) >= 3:
            spans = spans[1:]  # a segment wholly outside the marks: the attribution, matched apart
        if not spans or starts_quoted(self._quoted, spans[0]):
            return spans
        first = spans[0]
        for s, e in self._quoted:
            if first.start < s < first.end and len(text[s:first.end].split()) >= 3:
                end = min(first.end, e) if e >= first.end - 2 else first.end
                cut = text[s:end].rstrip(" ,;:\"'”’")
                return [Span(text=cut, start=s, end=s + len(cut))] + spans[1:]
        return spans

    def _dateline(self, item: Dateline) -> list[str]:
        """Place and date must come from the article: verbatim, or part by part ('Seattle, Washington'), or
        from its metadata (the publication date the prompt gave)."""
        problems, spans = [], []
        meta = " ".join(filter(None, [self.article.title, self.article.date, self.article.source]))
        for value in (item.place, item.date):
            if not value:
                continue
            found = locate(self._norm, value, max_segments=1)
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if found:
                spans.extend(found)
            elif value in meta:
                continue
            elif parts and all(name_in(p, self.article.text) or name_in(p, meta) for p in parts):
                spans.extend(sp for p in parts for sp in locate(self._norm, p, max_segments=1)[:1])
            else:
                problems.append(f"'{value}' does not occur in the article")
        if self.addressed(spans):
            spans, problems = [], problems + ["it stands in text addressed to an AI model, never evidence"]
        item.evidence = spans
        return problems

    def addressed(self, spans: list[Span]) -> bool:
        """Whether any span overlaps a sentence that addresses an AI model."""
        return any(s.start < sp.end and sp.start < s.end for s in (self.article.sentence(i) for i in self._blocked)
                   if s for sp in spans)

    def check_item(self, path: str, item: Item) -> list[str]:
        if isinstance(item, Quote):
            return self._quote(item)
        if isinstance(item, Dateline):
            return self._dateline(item)
        if isinstance(item, Cited):
            return self._cited(path, item)
        return []

    # -- whole extraction
    def __call__(self, ex: Extraction) -> None:
        ex.dateline = find_dateline(self.article)
        self.known_names = [a.name for a in ex.actors] + [q.speaker for q in getattr(ex, "quotes", [])]
        hard: list[str] = []
        for path, item in ex.items():
            if isinstance(item, Dateline) and (item.opening or not (item.place or item.date)):
                item.supported, item.problems = None, []  # the opening's place and time: the tool's, no claim
                continue
            problems = self.check_item(path, item)
            item.problems = problems
            item.supported = not problems
            if problems and _is_hard(item, problems):
                hard.extend(f"{path}: {p}" for p in problems)
        self.failures = hard
        if self.strict and hard:
            raise ValueError("Grounding failed; fix these items using only the numbered article sentences:\n- "
                             + "\n- ".join(hard))


def _check_type(event: Event) -> None:
    """Remove a PLOVER type that neither the event nor its evidence shows a sign of; keep the model's in
    ``model_type`` (the event itself stays, untyped, as for an accident)."""
    if event.type is None and event.model_type is not None:
        event.type = event.model_type  # a briefing grounded again: judge the model's type afresh
    cue = PLOVER_CUES.get(event.type or "")
    if cue is None:
        return
    text = " ".join([event.what, *(span.text for span in event.evidence)])
    if not cue.search(text):  # "march" only in lower case: "March" is a month
        event.model_type, event.type = event.type, None
    else:
        event.model_type = None


def _role_in_name(actor: Actor) -> bool:
    """The role repeats words of the name as the model wrote it ("China's top diplomat Wang Yi" — "top
    diplomat")."""
    if not actor.role:
        return False
    role = set(content_words(actor.role))
    return bool(role) and role <= set(content_words(actor.name))


def _claim_text(item: Item) -> str:
    """The words a cited item's sentences must share: its claim (:func:`~briefing.schema.claim_text`), with the
    actor's name and role, the position's party."""
    if isinstance(item, Actor):
        return " ".join(filter(None, [item.name, item.role]))
    if isinstance(item, Position):
        return item.party + " " + item.stance
    return claim_text(item)


def _is_hard(item: Item, problems: list[str]) -> bool:
    """Failures worth a re-ask: invented sentence ids and quotes that are not in the article or misattributed."""
    return isinstance(item, Quote) or any(p.startswith("cites sentence") for p in problems)
