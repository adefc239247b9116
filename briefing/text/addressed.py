"""Sentences of an article that address an AI model rather than a reader: prompt injection ("Ignore all previous
instructions", "You are now …", "system:" lines, "as an AI", "say that …"). They are never evidence for any item
of a briefing (:class:`~briefing.grounding.grounder.Grounder`), and the briefing says which they were.

The patterns are phrasings aimed at a model; a news sentence that reports such words inside quotation marks
("'ignore previous instructions', the researcher typed") is still flagged, since it is text a model could obey.
"""

from __future__ import annotations

import re
from typing import Iterable

_PATTERNS = [
    # instructions to drop what came before
    r"\b(?:ignore|disregard|forget|override)\b (?:all |any )?(?:of )?(?:the |your |these |my )?(?:previous|prior|"
    r"above|earlier|preceding|foregoing|original|system|other) (?:[\w-]+ )?(?:instructions?|prompts?|rules|"
    r"directions|guidelines|context|messages|text|orders|commands)\b",
    r"\b(?:ignore|disregard|forget)\b (?:all |any )?(?:of )?(?:your|the|these|all) (?:instructions|programming|"
    r"guidelines|system prompt|prompts?)\b",
    # a new role for the reader
    r"\byou are (?:now|no longer|actually|henceforth|from now on)\b",
    r"\b(?:from now on|henceforth),? (?:you|act|respond|answer|write)\b",
    r"\b(?:act|behave|respond|pretend|role-?play) (?:as|like) (?:an?|the) (?:[\w-]+ ){0,3}?(?:AI|assistant|model|"
    r"chatbot|bot|language model|system|writer|editor|journalist)\b",
    r"\bpretend (?:that )?(?:you are|to be)\b",
    r"\blet'?s (?:play|role-?play) a game\b",
    # speaker tags of a chat transcript
    r"(?:^|\n)\s*(?:system|assistant|user|developer|human|ai)\s*:",
    r"<\|?(?:im_start|im_end|system|endoftext)\|?>|\[/?INST\]|<<SYS>>",
    # talking to a model
    r"\bas an (?:AI|artificial intelligence)(?: (?:language )?model| assistant)?\b",
    r"\b(?:dear|attention|note to|hey|hello) (?:AI|assistant|chatbot|language model|LLM|GPT|model)s?\b",
    r"\b(?:AI|language model|LLM|chatbot|assistant)s?(?:,| reading this| summari[sz]ing this)[^.!?\n]{0,40}?"
    r"\b(?:must|should|will|shall|please|do not|don't)\b",
    r"\b(?:your|the) (?:new |real |true )?(?:instructions|system prompt|task) (?:is|are)\b",
    r"\b(?:reveal|print|repeat|output|show|leak) (?:out )?(?:your|the) (?:[\w-]+ ){0,2}?(?:prompt|instructions|"
    r"API key)\b",
    r"^(?:instead|now|next|finally|then),? (?:print|add|write|say|output|include|reveal|insert|append|reply)\b",
    # telling it what to write
    r"(?:^|[.!?:;]\s+|\b(?:then|instead|just|please),? )(?:say|write|state|report|claim|respond|answer|"
    r"conclude|tell (?:readers|the reader|users|them)) (?:that|the|only)\b",
    r"\bdo not (?:mention|report|include|reveal|summari[sz]e) (?:this|these|the (?:above|following|previous))\b",
    r"\b(?:prompt injection|jailbreak)\b",
]
_ADDRESSED = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.I)


def addresses_model(text: str) -> bool:
    """Whether a sentence speaks to an AI model (an instruction, a role, a chat speaker tag)."""
    return bool(_ADDRESSED.search(text))


def addressed_ids(sentences: Iterable) -> list[int]:
    """The ids of the sentences (:class:`~briefing.text.article.Sentence`) that address an AI model."""
    return [s.id for s in sentences if addresses_model(s.text)]
