"""The English word lists the tool reads text with: stop words, attribution verbs, words for unnamed speakers and
institutions, titles before names, the cues of future or ongoing action (outlook) and of PLOVER event types.

Every list the grounding and the eval use is here, once, as the set or regular expression they match with (or as
a pattern fragment where a larger expression is built from it); this module imports nothing of the package.
"""

from __future__ import annotations

import re

#: Words that carry no content: skipped when claims are compared with sentences, names are looked up and gold
#: answers are matched.
STOP_WORDS = set("""a an the and or but of to in on at for from by with as is are was were be been being it its this
that these those he she they we you i his her their our them him us not no nor so than then there here which who
whom whose what when where why how all any both each few more most other some such only own same too very can will
just should would could may might must shall do does did has have had having said says say also about into over
after before between during under again further once up down out off per via while because if until
against respectively""".split())

#: A verb or phrase that attributes words to someone ("said", "according to").
ATTRIBUTION = re.compile(r"\b(said|says|say|saying|told|tells|according to|added|adds|adding|stated|states|"
                         r"replied|declared|wrote|writes|writing|tweeted|tweets|tweeting|insisted|noted|asked|"
                         r"explained|warned|stressed|sagte|sagt|erklärte|betonte)\b", re.I)  # German verbs: #18

#: The verbs an attribution names its speaker with, before them ("Rizzo added") ...
SPEECH_VERBS = (r"(?:said|says|told|tells|added|adds|stated|states|replied|declared|wrote|writes|tweeted|insisted|"
                r"noted|explained|warned|stressed|sagte|sagt|erklärte|betonte)")
#: ... and after them, right after a quote ('"…," said Rizzo').
SPEECH_VERBS_AFTER = r"(?:said|says|added|adds|replied|wrote|writes|sagte|sagt|erklärte|betonte)"

#: "he said", "said she": an attribution that points back to a speaker named before.
PRONOUN_ATTRIBUTION = re.compile(r"\b(he|she|they|it)\s+(said|says|added|told|replied|stated|wrote|tweeted)\b|"
                                 r"\b(said|says|added|replied)\s+(he|she|they)\b", re.I)

#: Words of an unnamed speaker: 'a senior US official', 'the spokesperson', 'sources'.
ANONYMOUS = re.compile(r"\b(official|officials|source|sources|spokes\w*|aide|diplomat|person|people|"
                       r"anonym\w*|unnamed|senior|embassy|ministry|statement)\b", re.I)

#: Capitalised words of an institution, not of a person ('a White House official' is still unnamed).
INSTITUTION_WORDS = {"white", "house", "state", "department", "ministry", "foreign", "embassy", "us", "american",
                     "chinese", "british", "russian", "government", "administration", "national", "security"}

#: The head words of a body's or a place's name, never of a person's ("Trump Organization", "Republican Party"):
#: a surname stands for a person, not for these.
BODY_WORDS = set("""party police organization organisation department service services ministry office council
committee union international group branch company corporation association agency bank university house court government
army force forces team club network trams tram embassy parliament commission authority board foundation institute
tower league city county village state states kingdom republic airport station hospital school church
times post news""".split())

#: What a text may write for an acronym other than its letters or the initials of the name it stands for ("the
#: United States" for "US"; "RAIB" is found as "Rail Accident Investigation Branch" without this table).
ACRONYM_ALIASES = {"US": r"United States|America|American", "USA": r"United States|America",
                   "UK": r"United Kingdom|Britain|British", "UN": r"United Nations", "EU": r"European Union"}

#: Verbs that link a subject to what follows, say only that it happened, or carry their meaning in their object,
#: and state no deed of their own ("became the first team", "Shooting occurred during …", "held talks").
LINKING_VERBS = frozenset("""become becomes became remain remains remained seem seems seemed appear appears appeared
get gets got occur occurs occurred happen happens happened hold holds held have has had make makes made take
takes took give gives gave conduct conducts conducted""".split())
#: Irregular past forms and their base, so that "made" is found as "make".
IRREGULAR_PAST = {"made": "make", "took": "take", "gave": "give", "went": "go", "came": "come", "said": "say",
                  "told": "tell", "left": "leave", "held": "hold", "won": "win", "lost": "lose", "shot": "shoot",
                  "fell": "fall", "began": "begin", "saw": "see", "sent": "send", "spoke": "speak", "kept": "keep",
                  "led": "lead", "paid": "pay", "met": "meet", "fled": "flee", "found": "find", "brought": "bring",
                  "built": "build", "bought": "buy", "caught": "catch", "chose": "choose", "drove": "drive",
                  "fought": "fight", "hit": "hit", "hurt": "hurt", "knew": "know", "ran": "run", "rose": "rise",
                  "sold": "sell", "stood": "stand", "struck": "strike", "thought": "think", "wrote": "write"}
#: What a text may write for a deed in other words ("won" as a "victory", "defeated" as "beat").
VERB_SYNONYMS = {"won": ("win", "victory", "beat", "triumph", "champion"), "wins": ("win", "victory", "beat"),
                 "lost": ("lose", "beaten", "defeat", "loss"), "loses": ("lose", "beaten", "defeat"),
                 "defeated": ("beat", "beaten", "victory", "won", "defeat"), "beat": ("defeat", "victory", "won"),
                 "killed": ("died", "dead", "death"), "died": ("killed", "dead", "death"),
                 "arrested": ("custody", "detained")}

#: Words a claim may use for the article's ("died" for "named among the dead", "protests" for "demonstrations",
#: "investigations are ongoing" for "continues its inquiry"): the word overlaps that choose a claim's sentences
#: (``Grounder._overlap``) and check them (:func:`briefing.grounding.claims.overlap`) count them as the article's.
WORD_SYNONYMS = {"died": ("dead", "death"), "dead": ("died", "death"), "death": ("died", "dead"),
                 "deaths": ("died", "dead"), "protest": ("demonstration",), "protests": ("demonstrations",),
                 "protesters": ("demonstrators",), "demonstration": ("protest",), "demonstrations": ("protests",),
                 "demonstrators": ("protesters",),
                 "investigation": ("inquiry", "probe"), "investigations": ("inquiry", "inquiries", "probe"),
                 "inquiry": ("investigation", "probe"), "probe": ("investigation", "inquiry"),
                 "ongoing": ("continues", "continuing", "under way", "underway"),
                 "arrested": ("custody", "detained", "held")}

#: What befell someone, or which way a figure went, each as the stems a text may say it with: a claim that says
#: one ("survived with injuries", "costs rising") is stated only by evidence that says it too.
OUTCOME_WORDS = (r"\b(?:injur|wound|hurt|hospital)",
                 r"\b(?:ris(?:e|es|ing|en)\b|rose\b|rais|increas|higher|soar|hike|put\w*\s+(?:\w+\s+){0,2}?up\b)",
                 r"\b(?:fall|fell|falling|drop|decreas|lower|cut)", r"\b(?:arrest|detain|custody)",
                 r"\b(?:high(?:er|est)?\b|fast(?:er|est)?\b|rapid|speeding)")  # "high speed" over a speed limit

#: Words before a role that make it another one: "Former Labour deputy prime minister John Prescott" is not the
#: deputy prime minister, "the deputy director of operations" not the director.
ROLE_QUALIFIERS = frozenset("former ex deputy vice acting assistant interim late outgoing associate then".split())

#: Role words and the words a text attaches to a person in their place ("Hillary superfan Katy Perry" is a
#: supporter, "the other three people killed … named as A, B and C" victims, "victory against the Cleveland
#: Indians" an opponent): each role word stands for itself too.
ROLE_SYNONYMS = {"victim": {"killed", "dead", "died", "injured", "hurt", "wounded"},
                 "supporter": {"fan", "superfan", "backer"},
                 "fan": {"superfan", "supporter"}}
#: Words right before a name that make it the other side ("beat the Cleveland Indians").
OPPONENT_ROLES = {"opponent", "opponents", "rival", "rivals", "opposition"}
OPPONENT_BEFORE = ("against", "versus", "vs", "beat", "beating", "defeated", "defeating", "faced", "facing")

#: The head nouns of a group described by what it does ("Rescue team"), which its agent noun names ("rescuers").
GROUP_HEADS = {"team", "teams", "crew", "crews", "workers", "squad", "squads"}

#: Offices that stand before a surname ("President Biden", "Chief Inspector Smith"), besides :data:`TITLES`.
OFFICES = {"miss", "president", "minister", "secretary", "senator", "governor", "mayor", "chief", "officer",
           "inspector", "judge"}

#: The nouns of a speaker described by role ('the official', 'a police spokesman', 'the ministry').
SPEAKER_NOUNS = (r"(?:official|spokes(?:man|woman|person)|source|diplomat|aide|witness|resident|minister|police|"
                 r"officer|statement|embassy|ministry|government|office|department|agency|company|firm|group|"
                 r"council|committee)")

#: Titles before a personal name ("Mr Smith") and the lower-case particles inside one ("Ursula von der Leyen").
TITLES = r"(?:Mr|Mrs|Ms|Dr|Prof|Sir|Lord|Lady)"
NAME_PARTICLES = r"de|del|da|van|von|bin|al-\w+"

#: A day of the week, as a lead gives the time of an event ("on Wednesday night").
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
#: Capitalised words that open a sentence or name a day, never a speaker.
NOT_NAMES = re.compile(rf"(?:{WEEKDAY}|Today|Yesterday|"
                       r"It|He|She|They|We|I|This|That|There|But|And|The|A|An|In|On|At|When|After|"
                       r"One|Another|Others|Some|Many|Both)\b")

#: The nouns and adjectives that make a lower-case phrase a place ("a rural village of Hebei Province", "the
#: Sandilands commuter train stop", "downtown Seattle"), not a circumstance ("in the wake of Brexit").
PLACE_NOUNS = frozenset("""village villages town city county province state region district area capital country
island port airport station stop street avenue road square park tower building centre center hospital school
campus neighbourhood neighborhood suburb borough farm shore coast border""".split())
PLACE_ADJECTIVES = frozenset("""rural remote downtown central northern southern eastern western north south east
west northeastern northwestern southeastern southwestern nearby""".split())

#: A month as a dateline writes it ("May 11", "Sept. 3").
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"

#: What makes a sentence about the future or about something still going on. An outlook item must rest on such a
#: sentence: the 1.5B model filled the outlook with past facts and inventions ("Cleveland Indians will play again
#: in the World Series", resting on the sentence that the Cubs won) that word overlap alone passed.
FORWARD = re.compile(
    r"\b(will|would|shall|should|may|might|could|can|must|expect\w*|plan(?:s|ned|ning)?|intend\w*|aim\w*|hope\w*|"
    r"seek\w*|want\w*|prepar\w*|schedul\w*|upcoming|next|future|later|soon|ahead|await\w*|pending|going to|set to|"
    r"likely|unlikely|possib\w*|forecast\w*|predict\w*|warn\w*|vow\w*|pledg\w*|promis\w*|threat\w*|"
    r"consider(?:s|ed|ing)?|weigh(?:s|ed|ing)?|propos\w*|agree\w* to|decide\w* to|commit(?:s|ted|ting|ment)?|still|"
    r"continu(?:e|es|ing)|ongoing|"
    r"under ?way|trying|try|tries|remain\w*)\b"
    r"|'ll\b|’ll\b", re.I)

#: Words without which an event is not of a PLOVER type. The 1.5B model typed nearly every event PROTEST (a tram
#: crash, a rescue, a baseball game's innings); a PROTEST must show one of these in its text or its sentences
#: ("march" only in lower case: "March" is a month).
PLOVER_CUES = {"PROTEST": re.compile(r"\b((?i:protest\w*|demonstrat\w*|rall(?:y|ies|ied)|strik(?:e|es|ing)|"
                                     r"boycott\w*|sit-ins?|picket\w*|riot\w*|march(?:es|ed|ing))|march)\b")}


# -- merging and comparing reports (briefing.merge)

#: Titles and honorifics left out when two names are compared ("Mr Wang Yi" and "Wang Yi").
NAME_TITLE_WORDS = frozenset("""mr mrs ms miss dr prof sir lord lady president prime minister secretary general sen
senator rep gov governor the""".split())
#: Words too common to say two facts are the same (a deliberately short list: the content words carry the match).
MERGE_COMMON_WORDS = frozenset("""a an the and or but of to in on at for from by with as is are was were be been being
it its this that these those he she they them his her their we our you your i not no so if than then there here has
have had do does did will would can could may might must shall should said says say also after before over under
into about up out more most some any all one two three new""".split())

#: Number words a figure may be written in.
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
#: What a figure counts, by the words beside it.
FIGURE_CLASSES = {
    "dead": ("dead", "died", "die", "killed", "killing", "kill", "death", "deaths", "fatalities", "fatality",
             "lives", "bodies"),
    "injured": ("injured", "injuries", "injuring", "hurt", "wounded", "hospitalised", "hospitalized", "casualties"),
    "arrested": ("arrested", "arrests", "detained"),
    "missing": ("missing",),
    "rescued": ("rescued", "saved"),
}
#: Words before a figure that qualify it ("at least five").
FIGURE_QUALIFIERS = ("at least", "more than", "over", "about", "around", "nearly", "almost", "up to", "some", "only")
#: Words after a number that make it no figure to compare (ages, years, times, ordinals, units).
NOT_FIGURE_WORDS = frozenset("""year-old years-old am pm st nd rd th years year months month weeks week days day hours
hour minutes minute seconds o'clock mph km metres meters feet ft miles percent""".split())
#: Words that may stand between a figure and what it counts ("five people were killed").
FIGURE_SKIP_WORDS = frozenset("""people persons others more were was are have been had being seriously critically
badly slightly reported confirmed feared and who of them passengers men women children adults victims""".split())
