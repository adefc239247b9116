"""The checks of briefing/grounding/claims.py on real model output: the saved answers of the labelled briefings
(tests/data/claims/briefings, the local 1.5B model), grounded again with the current code (no model call)."""

from __future__ import annotations

import pytest

from briefing.brief import _trim_capped
from briefing.eval.checker import LABELS, reground
from briefing.grounding.actors import named_in, placeholder_role, role_attached, role_problems
from briefing.grounding.claims import (acronym_in, attribution_problems, check_claim, cut_off, date_problems, expected,
                                       fact_problems, headline_problems, numbers, others_names_problems,
                                       overlap_problems, party_problems, past_event)
from briefing.schema import Briefing, Extraction, Point

SNAPSHOTS = LABELS.parent / "briefings"


@pytest.fixture(scope="module")
def grounded():
    cache = {}

    def get(name):
        if name not in cache:
            saved = Briefing.model_validate_json((SNAPSHOTS / name).read_text(encoding="utf-8"))
            cache[name] = reground(saved)
        return cache[name]
    return get


def test_a_role_of_someone_else_in_the_same_sentence_is_not_the_actors(grounded):
    _, items = grounded("example-vienna-talks.json")
    biden = items["actors[0]"]
    assert (biden.name, biden.role) == ("President Joe Biden", "National security adviser")
    assert biden.supported is False and "do not make President Joe Biden" in biden.problems[0]
    assert items["actors[2]"].supported  # "US National Security Adviser Jake Sullivan"


def test_roles_attached_by_title_apposition_and_predicate_in_real_sentences():
    seattle = ("The shooting did not appear to be related to the anti-Trump demonstrations but instead stemmed "
               "from 'some type of personal argument', Robert Merner, assistant chief of the Seattle Police "
               "Department, told reporters.")
    assert role_attached("Robert Merner", "assistant chief", seattle)
    assert not role_attached("Seattle Police Department", "Assistant chief of the department", seattle)
    gregg = "Harborview Medical Center spokeswoman Susan Gregg says the condition of several people has improved"
    assert role_attached("Susan Gregg", "Harborview Medical Center spokeswoman", gregg)
    cubs = "The Chicago Cubs are Major League Baseball champions for the first time in 108 years."
    assert role_attached("Chicago Cubs", "Champions", cubs)
    assert not role_attached("Cleveland Indians", "Losers", cubs + " after a victory against the Cleveland Indians")
    vienna = "President Joe Biden’s national security adviser met with China’s top diplomats this week"
    assert not role_attached("President Joe Biden", "National security adviser", vienna)


def test_roles_attached_past_an_apposition_or_by_the_list_they_introduce():
    """Sentences of the long-article eval (eval/long: the Guardian's, the Daily Mail's tram reports and its Lady Gaga
    piece), where the 1.5B model gave the role these sentences state and the check had missed it."""
    snow = "Royal Navy veteran Kevin Snow, 57, was one of those injured."
    assert role_attached("Kevin Snow", "injured", snow)
    chinnery = ("Dane Chinnery, a 19-year-old Crystal Palace fan described as a 'friendly, genuine lad', was the first "
                "victim to be identified following the crash.")
    assert role_attached("Dane Chinnery", "Victim", chinnery)
    named = ("Police investigating the Croydon tram crash have named the final three victims as Donald Collett, "
             "Philip Logan and Robert Huxley.")
    assert all(role_attached(n, "Victim", named) for n in ("Donald Collett", "Philip Logan", "Robert Huxley"))
    fans = ("Many of of Hillary's supporters including Lena Dunham, Miley Cyrus and Amy Schumer, said they will "
            "leave the United States if Trump was elected.")
    assert role_attached("Amy Schumer", "supporter", fans)
    operator = "Talks ended. The operator, Hutchison Ports, said it would review staffing next month."
    assert role_attached("Hutchison Ports", "operator", operator)  # an apposition before the name
    # the same forms do not hand a role to someone else
    assert not role_attached("Jake Sullivan", "president", "Biden met the president, Jake Sullivan said.")
    assert not role_attached("Police", "Victim", named)
    assert not role_attached("Martin Bamford", "driver",
                             "Martin Bamford, 30, from Croydon, one of those on the tram, recalled it speeding up.")
    assert not role_attached("Jake Sullivan", "President", "President Joe Biden and Jake Sullivan were in Vienna.")
    assert not role_attached("Kevin Snow", "injured", "Kevin Snow, whose son was injured, said he was shocked.")


def test_a_person_is_named_by_the_surname_alone_but_not_by_another_name():
    assert named_in("Lady Gaga", "Gaga shared a photo of herself clutching on to the truck's wing mirror.")
    assert named_in("Robin Smith", "Mr Smith said the force was investigating.")
    assert not named_in("Joe Biden", "Hunter Biden said he would testify.")
    assert not named_in("Donald Trump", "Gaga stood outside Trump Tower.")
    assert not named_in("Trump Organization", "Trump said nothing.")  # a body, not a person
    assert not named_in("Mark Smith", "Robin Smith said the force was investigating.")


def test_a_group_described_by_what_it_does_is_named_by_its_agent_noun(grounded):
    rescuers = "It remains unknown whether or not Zhao is still alive as rescuers carry on searching"
    assert named_in("Rescue team", rescuers) and named_in("Rescue Team", rescuers)
    assert not named_in("Rescue team", "Police carry on searching") and not named_in("Police team", rescuers)
    _, items = grounded("full-03-china-boy-well-rescue-dailymail.json")  # labelled supported (a person's reading)
    assert items["positions[0]"].party == "Rescue Team" and items["positions[0]"].supported


def test_a_persons_name_or_an_activity_as_role_is_no_role(grounded):
    _, items = grounded("brief-02-croydon-tram-overturns-nypost.json")
    assert items["actors[2]"].role == "Liam Lehane" and items["actors[2]"].supported is False
    _, items = grounded("full-03-china-boy-well-rescue-dailymail.json")
    assert "an activity" in items["actors[1]"].problems[0]  # "Harvesting cabbages"


def test_placeholder_roles_read_as_no_role(grounded):
    _, items = grounded("full11-04-seattle-shooting-near-trump-protest-dailymail.json")
    police = items["actors[1]"]  # the model wrote "officer"
    assert police.name == "Seattle Police Department" and police.role is None
    assert placeholder_role("Spokesperson") and placeholder_role("Official") and not placeholder_role("Spokesman "
                                                                                                      "for the FBI")


def test_numbers_are_normalised():
    assert numbers("seven dead, 1,200 hurt, at 6:15") == {"7", "1200", "6.15"}
    assert numbers("the third inning") == numbers("the 3rd inning") == {"#3"}


def test_a_number_or_name_not_in_the_cited_sentences_is_flagged(grounded):
    _, items = grounded("brief-04-seattle-shooting-near-trump-protest-dailymail.json")
    kp = items["key_points[1]"]  # "5 people wounded …" over "one woman and two men … two other men"
    assert kp.supported is False and any("number 5" in p for p in kp.problems)
    _, items = grounded("example10-vienna-talks.json")
    assert any("'White House'" in p for p in items["key_points[2]"].problems)  # the evidence: "The United States"
    assert fact_problems("Cubs had not reached a World Series since 1945",
                         "The Cubs, who had not won baseball's biggest prize since 1908")


def test_a_position_needs_its_party_named_in_the_evidence(grounded):
    _, items = grounded("example10-vienna-talks.json")
    pos = items["positions[0]"]  # "US: Stabilize ties" over the Chinese embassy's "China-US relations"
    assert pos.supported is False and "do not name US" in pos.problems[0]


def test_an_event_needs_its_actor_named_in_the_evidence(grounded):
    _, items = grounded("example10-vienna-talks.json")
    for i in range(3):  # every event given to "President Joe Biden", who did none of them
        assert items[f"timeline[{i}]"].supported is False


def test_a_cut_off_text_is_never_shown_as_a_claim(grounded):
    _, items = grounded("example-vienna-talks.json")
    bl = items["bottom_line"]  # "… would pave the way for more communication"
    assert bl.supported is False and any("cut off" in p for p in bl.problems)
    assert not cut_off("Police were still searching for a male gunman.")
    assert cut_off("The bars were made smaller because of rising …")


def test_trim_capped_flags_a_text_it_ends_mid_clause():
    saved = Briefing.model_validate_json((SNAPSHOTS / "example-vienna-talks.json").read_text(encoding="utf-8"))
    ex = Extraction.model_validate(saved.extraction.model_dump())
    ex.key_points[0].text = ("word " * 60).strip()  # 299 characters of one unfinished clause, over the cap of 220
    ex.key_points[0].supported = True
    _trim_capped(ex)
    assert ex.key_points[0].text.endswith(" …") and ex.key_points[0].supported is False
    assert "cut off" in ex.key_points[0].problems[-1]


def test_the_headline_is_checked_like_a_claim(grounded):
    new, _ = grounded("brief-04-seattle-shooting-near-trump-protest-dailymail.json")
    assert new.grounding.headline and "negation" in new.grounding.headline[0]  # "… in Seattle protest"
    new, _ = grounded("brief-06-cubs-win-world-series-independent.json")
    assert new.grounding.headline == []
    assert headline_problems("Tram Derails in London, Nine Dead", ["A tram derailed in London; seven died."])


def test_an_outlook_item_that_restates_a_past_event_is_not_shown(grounded):
    _, items = grounded("example-vienna-talks.json")
    out = items["outlook[1]"]  # "The US and China agreed to maintain the channel …"
    assert out.supported is False
    _, items = grounded("brief-04-seattle-shooting-near-trump-protest-dailymail.json")
    assert items["outlook[0]"].supported  # "Police continue to search" over "Police were still searching"


def test_an_open_question_the_article_answers_is_not_shown(grounded):
    _, items = grounded("full-01-toblerone-shape-change-anger-standard.json")
    q = items["open_questions[0]"]  # "Why did Mondelez … change the shape?": rising costs, the article says
    assert q.supported is False and "do not leave this open" in q.problems[0]


def test_re_anchored_evidence_must_state_more_of_the_claim(grounded):
    _, items = grounded("full-01-toblerone-shape-change-anger-standard.json")
    kp = items["key_points[0]"]  # the shape change is in sentence 1, not in the sentences the tool found
    assert kp.located and kp.supported is False and "sentences found state only" in kp.problems[0]


def test_a_text_the_model_closed_early_is_cut_off():
    # the local default's key points for corpus article 01 (this round's first run of the new profile): the model
    # closed the JSON string where the quotation mark of "wrong decision" began
    assert cut_off("Philip Joseph calls it a ")
    assert cut_off("Richard Cristiano Tamerighi says it's ")
    assert cut_off("Mondelez will raise the price of the")
    assert not cut_off("Fans of the iconic chocolate bar are angry and disappointed with the new look")
    assert not cut_off("Both sides agree to maintain communication")


def test_an_events_date_must_be_in_its_sentences():
    from briefing.grounding.claims import date_problems

    vienna = ("The White House hopes eight-hour talks between US National Security Adviser Jake Sullivan and China’s "
              "top diplomat Wang Yi in Vienna on Wednesday and Thursday would pave the way for more communication "
              "between the world’s two largest economies, the official said.")
    # the local default's timeline for the example (this round): a place given as the date of the talks
    assert date_problems("Munich Security Conference", vienna)
    assert date_problems("May 11", vienna)
    assert date_problems("Wednesday and Thursday", vienna) == []
    # a day or month is a date's word like any other (the brief eval's "Sunday — Boy falls into well" cited a
    # sentence without a day; "Wednesday evening" over "He said the suspect then fled …")
    assert date_problems("Sunday", vienna) and date_problems("November", vienna)
    assert date_problems("Wednesday evening", "He said the suspect then fled from the area on foot.")
    assert date_problems("Nov. 9", "On November 9 the talks began.") == []
    assert date_problems(None, vienna) == []


def test_a_countrys_adjective_names_the_country_in_a_title():
    sentence = "talks between US National Security Adviser Jake Sullivan and China’s top diplomat Wang Yi in Vienna"
    assert role_attached("Wang Yi", "Chinese top diplomat", sentence)
    assert role_attached("Wang Yi", "top diplomat", sentence)
    assert not role_attached("Wang Yi", "US top diplomat", sentence)
    assert not role_attached("Jake Sullivan", "Chinese top diplomat", sentence)


def test_not_far_from_states_near_and_nothing_else():
    """Corpus article 04's first sentence. The rewrite pass's answer for the key point that copied it ("…, wounded
    five near protests") was refused as a negation; "during the protests" still is one."""
    from briefing.grounding.claims import negated

    first = ("A gunman opened fire in downtown Seattle on Wednesday night following an argument and wounded five "
             "people not far from protests over the surprise victory of Republican Donald Trump in the U.S. "
             "presidential election.")
    assert negated("Gunman opens fire in Seattle, wounded five near protests", first) == []
    assert negated("Shooting occurred during anti-Trump protests", first) == ["protests"]
    assert "protests" in negated("Gunman fires near Trump Tower, far from the protests", first)


# -- rules of the seventh round, written against the held-out set's disagreements (tests/data/claims/heldout.jsonl)
def test_roles_a_text_states_in_other_words_or_by_relation():
    """Roles the held-out labels accept and the check had missed, each in the sentence the 1.5B model cited."""
    smith = ("A 73-year-old man, Roger Smith, who lives near the stop told the Daily Mail that \"the tram comes down "
             "a steep hill and then the tracks bear left and right.")
    assert role_attached("Roger Smith", "73-year-old man", smith)  # an apposition before the name, after "a"
    cubs = ("The Chicago Cubs are Major League Baseball champions for the first time in 108 years after a thrilling "
            "extra-inning victory against the Cleveland Indians in game seven of the World Series.")
    assert role_attached("Cleveland Indians", "opponent", cubs)
    assert not role_attached("Cleveland Indians", "Losers", cubs)  # inferred from the score, not stated
    assert not role_attached("Chicago Cubs", "opponent", cubs)
    perry = ("After the defeat Hillary superfan Katy Perry said on Twitter 'we are not a nation that will let HATE "
             "lead us' Scores of celebrities who support Hillary Clinton took to Twitter to express their dismay at "
             "the result")
    assert role_attached("Katy Perry", "supporter", perry)
    killed = ("The other three people killed have now been named as Donald Collett, Philip Logan and Robert Huxley "
              "Click to share on WhatsApp")
    assert all(role_attached(n, "victim", killed) for n in ("Donald Collett", "Philip Logan", "Robert Huxley"))
    team = ("After the family alerted the local authority, a team of rescuers, including police officers, "
            "firefighters, paramedics and local volunteers were sent to the scene to search for the trapped boy.")
    for group in ("Police officers", "Firefighters", "Paramedics", "Local volunteers"):
        assert role_attached(group, "rescue team member", team), group
    assert not role_attached("Paramedics", "family member", team)
    assert not role_attached("Paramedics", "victim", team)


def test_an_outlook_item_needs_the_forward_cue_in_the_clause_that_states_it():
    gaga = ('"Lady Gaga is staging a protest against Donald Trump in New York City right now. If only the girls could '
            'join her," said one.')
    assert not expected("Fans join Gaga's protest", gaga)  # a fan's wish ("could"), and nothing is expected
    assert expected("Police continue to search for the gunman",
                    "He said the suspect then fled from the area on foot and police were still searching for him.")
    fund = ("An online fundraising page set up by Croydon Council to enable \"ongoing care and support\" to those "
            "directly affected by the crash has raised more then PS8,000.")
    assert past_event("A fund is set up to support victims", fund)  # a done thing in the present passive
    assert not past_event("A fund is expected to be set up", fund)


def test_what_the_evidence_says_is_under_way_is_an_outlook():
    """The Standard's long tram report, the local default's outlook item: its sentence says the families "are being
    supported" (under way), though the item's own words read like a headline's past ("supported by")."""
    families = ('A British Transport Police spokesman: "Their families are being supported by specialist officers '
                'and have requested that their privacy is respected at this difficult time.')
    item = "Victims' families supported by specialist officers"
    assert expected(item, families) and not past_event(item, families)
    done = "Their families were supported by specialist officers."
    assert not expected(item, done) and past_event(item, done)
    assert expected("Police search for the gunman", "Police are searching for the gunman.")


def test_a_second_verb_and_another_bodys_name_and_a_number_of_something_else_are_not_stated():
    tram = ("The crowded tram's derailment during the morning rush hour occurred during heavy rain at a point at which "
            "the track branches, The Telegraph reported.")
    assert overlap_problems("Tram derailed and overturned during morning rush hour", tram, False) == [
        "the cited sentences do not say 'overturned'"]
    assert overlap_problems("Tram derailed during morning rush hour", tram, False) == []
    raib = ("British Transport Police said the 100ft-long tram had been split into sections which were craned on to "
            "flatbed lorries. All sections have now been taken away from the scene as the Rail Accident Investigation "
            "Branch (RAIB) continues its inquiry.")
    assert others_names_problems("Police investigating the crash", "British Transport Police", raib)
    assert not others_names_problems("Tram split into sections and craned on to lorries", "British Transport Police",
                                     raib)
    series = ("It was the fourth World Series decider to go to an extra innings and the first since 1997, when the "
              "Indians were beaten by the Florida Marlins.")
    assert fact_problems("First World Series decider since 1997", series) == [
        "the cited sentences give another number than 'First World'"]
    assert fact_problems("Fourth World Series decider to go to extra innings", series) == []


def test_an_acronym_is_a_name_the_evidence_must_hold():
    zobrist = ("Cubs manager Joe Maddon holds the Commissioners' Trophy while Ben Zobrist celebrates (Getty) The Cubs, "
               "who had not even reached a World Series since 1945, are the first team to overturn a 3-1 deficit "
               "since 1985.")
    assert fact_problems("Cubs' MVP Ben Zobrist celebrates", zobrist) == ["'MVP' is not in the cited sentences"]
    assert fact_problems("Ben Zobrist celebrates", zobrist) == []
    raib = "All sections have now been taken away as the Rail Accident Investigation Branch continues its inquiry."
    assert acronym_in("RAIB", raib)  # the initials of the name it stands for
    assert acronym_in("US", "the United States and China") and acronym_in("US", "U.S. officials")
    assert not acronym_in("US", "Tell us what happened")


def test_a_stance_or_deed_is_stated_in_a_sentence_that_names_its_party():
    nypost = ('"A number of people have been taken to hospital with injuries and sadly we can say there has been '
              'some loss of life," Assistant Chief Constable Robin Smith from British Transport Police told Reuters. '
              "The cause of the tragedy was being investigated.")
    assert attribution_problems("British Transport Police", "Investigating cause of tragedy", nypost, 0.6,
                                "whose position it is") == [
        "the sentence that states it does not name British Transport Police (whose position it is)"]
    assert attribution_problems("British Transport Police", "Some loss of life", nypost, 0.6, "x") == []
    # a sentence that goes on from the one naming the party ("He said …") states it for that party
    assert attribution_problems("Robert Merner", "Suspect fled on foot",
                                "Robert Merner spoke at the scene. He said the suspect fled on foot.", 0.6, "x") == []
    # and so may a person speaking for it there
    iran = ("Iran and the European Union resumed nuclear talks in Vienna on Wednesday. Foreign Minister Abbas "
            'Araghchi said: "We are ready to return to full compliance."')
    assert attribution_problems("Iran", "Ready to return to full compliance", iran, 0.6, "x") == []


def test_what_a_named_subject_does_must_be_said():
    mondelez = ("Mondelez International, which makes the bars, said it had been forced to make the distinctive "
                "triangular bars smaller because of rising costs.")
    assert overlap_problems("Mondelez International changed the bars due to rising costs", mondelez, False) == [
        "the cited sentences do not say 'changed'"]
    assert overlap_problems("Mondelez International made the bars smaller due to rising costs", mondelez, False) == []
    cubs = ("The Chicago Cubs are Major League Baseball champions for the first time in 108 years after a thrilling "
            "extra-inning victory against the Cleveland Indians in game seven of the World Series.")
    assert overlap_problems("The Chicago Cubs won the World Series for the first time in 108 years", cubs,
                            False) == []  # "won" as a "victory"
    sun = ("British Transport Police said Donald Collett, 62, of Croydon; Philip Logan, 52, and Robert Huxley, 63, "
           "died in the accident when the tram overturned Six men and one woman died and more than 50 were taken to "
           'hospital after the early Wednesday morning crash at a "sharp, left-hand curve" near Sandilands tram stop '
           "in South London.")
    assert overlap_problems("Tram derailed at a sharp left-hand curve near Sandilands tram stop", sun, False) == [
        "the cited sentences do not say 'derailed'"]


def test_a_relative_is_not_named_by_the_other_persons_name():
    well = ("According to The Beijing News, little Zhao was harvesting cabbages with his father when he fell by "
            "accident. It remains unknown whether or not Zhao is still alive as rescuers carry on searching.")
    assert not role_attached("Zhao Zicong's father", "rescuer", well)  # the rescuers are Zhao's, not the father
    assert role_attached("Zhao Zicong", "rescuer", "Zhao Zicong, a rescuer, spoke.")


def test_an_unknown_actor_claims_no_one_and_a_time_of_day_must_be_given():
    assert party_problems("Unknown shooter", "A gunman opened fire.", "who acted") == []
    assert party_problems("The suspect", "A gunman opened fire.", "who acted")
    seattle = "The shooting happened at about 8.40pm on Wednesday night near a 7-11 convenience store."
    assert date_problems("Wednesday evening", seattle) == [
        "the date 'Wednesday evening' is not in the cited sentences"]
    assert date_problems("Wednesday night", seattle) == []


def test_a_building_is_named_by_all_its_words_and_a_credit_line_names_no_actor():
    mirror = "Lady Gaga has staged a protest against Donald Trump's victory in the US presidential election."
    assert fact_problems("Lady Gaga protests outside Trump Tower", mirror) == [
        "'Trump Tower' is not named in the cited sentences"]
    assert fact_problems("Lady Gaga protests against Donald Trump", mirror) == []
    assert fact_problems("Gaga protests in New York City", "Gaga protested in New York on Wednesday.") == []
    raib = ("A photo issued by the Rail Accident Investigation Branch of the tram which derailed near the Sandilands "
            "stop in Croydon, London, Nov. 9, 2016.")
    assert party_problems("Rail Accident Investigation Branch", raib, "who acted") == [
        "the cited sentences do not name Rail Accident Investigation Branch (who acted)"]


def test_a_passive_verb_after_the_name_is_what_is_said():
    telegraph = ("Lady Gaga was seen in tears earlier in the evening at Clinton's election night party, according to "
                 "Kasie Hunt.")
    assert overlap_problems("Lady Gaga was photographed in tears at Clinton's election night party", telegraph,
                            False) == ["the cited sentences do not say 'photographed'"]
    assert overlap_problems("Lady Gaga was seen in tears at Clinton's election night party", telegraph, False) == []


def test_a_makers_role_is_attached_by_its_title_or_what_it_does_as_a_rule():
    express = ("But makers Mondelez International has decided to widen the gap between the triangular pieces, "
               "thereby narrowing the amount of chocolate. The iconic chocolate bar is distinctive.")
    assert role_problems("Mondelez International", "maker of Toblerone chocolate bar",
                         "Toblerone lovers outraged as favourite chocolate bar is redesigned. " + express) == []
    nytimes = "The bars have been cut down to reduce costs, said Mondelez International, which makes the bars."
    assert role_attached("Mondelez International", "maker", nytimes)
    bbc = "The product's makers, US-based Mondelez International, said it had changed the design."
    assert role_attached("Mondelez International", "makers", bbc)
    gaga = "Lady Gaga is staging a protest against Donald Trump in New York City right now."
    assert not role_attached("Lady Gaga", "protester", gaga)  # a deed, not a role


def test_inflections_a_word_check_reads_and_a_capital_after_a_colon_is_no_name():
    from briefing.grounding.match import has_word
    bbc = "mondelez said the move was down to a rise in the cost of ingredients."
    assert has_word("rising", set(), bbc) and has_word("costs", set(), bbc)
    assert not has_word("raising", set(), bbc)
    independent = "The last three victims of the Croydon tram crash have been named as adults from south London."
    assert fact_problems("Croydon tram crash: Last victims named", independent) == []


def test_a_name_that_opens_a_claim_is_whole_and_may_stand_as_its_acronym():
    usatoday = ('"The derailment occurred on the curve and initial indications suggest that the tram was traveling at '
                'a significantly higher speed than is permitted," the RAIB said in a statement.')
    claim = "Rail Accident Investigation Branch says the tram was traveling at a significantly higher speed"
    assert fact_problems(claim, usatoday) == []
    assert fact_problems("Rail Safety Board says the tram was traveling at a higher speed", usatoday) == [
        "'Rail Safety Board' is not named in the cited sentences"]


def test_a_list_of_names_is_one_clause():
    """The Sun's victims report (eval/long): "Victims include Donald Collett, Philip Logan and Robert Huxley" over
    "They are Donald Collett, 62, from Croydon, and Philip Logan, 52, and 63-year-old Robert Huxley, both from New
    Addington." was checked clause by clause at its commas, so "Victims include Donald Collett" alone fell short;
    a list of names belongs to its clause. A clause of facts joined by a comma is still checked on its own."""
    from briefing.grounding.claims import _clauses, overlap_problems

    evidence = ("They are Donald Collett, 62, from Croydon, and Philip Logan, 52, and 63-year-old Robert Huxley, "
                "both from New Addington.")
    assert _clauses("Victims include Donald Collett, Philip Logan and Robert Huxley") == [
        "Victims include Donald Collett, Philip Logan and Robert Huxley"]
    assert _clauses("Donald Collett, Philip Logan and Robert Huxley died in the accident") == [
        "Donald Collett, Philip Logan and Robert Huxley died in the accident"]
    assert _clauses("Gunman opens fire in Seattle, police searching") == ["Gunman opens fire in Seattle",
                                                                           "police searching"]
    assert overlap_problems("Victims include Donald Collett, Philip Logan and Robert Huxley", evidence, False) == []
    assert overlap_problems("Donald Collett, Philip Logan and Robert Huxley, all from Croydon, were named", evidence,
                            False)


def test_died_is_the_dead_and_protests_are_demonstrations():
    """The local default's rewrite of a copied key point (the Standard's tram report, eval/long): "died" for
    "named among the dead" is the same fact; the rewrite was refused for it before."""
    from briefing.grounding.claims import overlap_problems

    evidence = ("Three men and a woman were named among the dead by friends and relatives but the identities of the "
                "remaining three men were unknown until Saturday afternoon.")
    assert overlap_problems("Three men and a woman died, identities unknown until Saturday afternoon", evidence,
                            located=False) == []
    assert overlap_problems("A woman was injured", evidence, located=False)
    assert overlap_problems("Shooting near protests", "The shooting happened near the demonstrations.",
                            located=False) == []


_CUBS = ("The Chicago Cubs are Major League Baseball champions for the first time in 108 years after a thrilling "
         "extra-inning victory against the Cleveland Indians in game seven of the World Series.")
_FOWLER = ("The scoring started at the top of the first, with Chicago's Dexter Fowler becoming the first person to "
           "open a World Series with a home run.")
_DEAD = ("Among the dead were a mother with two young children, a new father, a teenager and a grandfather on his "
         "way to work after swapping shifts.")
_USA = ("Wednesday's derailment is the first tram accident with onboard fatalities since the 1950s, but official "
        "figures show 20 people were injured in 112 tram-related accidents between March 2015 and March 2016, "
        "including one derailment and two collisions with other trams.")


@pytest.mark.parametrize("claim, evidence, problems", [
    ("First World Series title for Chicago Cubs", _CUBS,
     ["the cited sentences say 'first time in 108 years', not a first ever"]),
    ("Cubs champions for the first time in 108 years", _CUBS, []),
    ("First World Series title for Chicago Cubs", _FOWLER, ["the cited sentences rank something else first"]),
    ("Dexter Fowler first person to open a World Series with a home run", _FOWLER, []),
    ("Two children were among the victims", _DEAD,
     ["the cited sentences count children someone has ('with two young children'), not children of the story"]),
    ("A mother of two children among the dead", _DEAD, []),
    ("Tram accidents with onboard fatalities since the 1950s", _USA,
     ["the cited sentences say 'first tram accident with onboard fatalities since the 1950s'; without 'first' it "
      "reads otherwise"]),
    ("First tram accident with onboard fatalities since the 1950s", _USA, []),
])
def test_a_first_or_a_count_must_rank_or_count_what_the_evidence_does(claim, evidence, problems):
    """Sentences of the Independent's World Series report, the Daily Mail's and USA Today's tram reports, against
    what the local default wrote over them: a first "in 108 years" is not a first ever, "the first person to open
    a World Series" is not a first title, "a mother with two young children" among the dead does not make two
    children dead, and a first "since the 1950s" is not a series since then."""
    assert fact_problems(claim, evidence) == problems

def test_a_headline_clause_needs_a_sentence_where_its_subject_does_it():
    """The Mirror's Lady Gaga report (eval/fresh, labelled unseen): "Lady Gaga protests outside Trump Tower as
    Hillary Clinton wins" — the article has Clinton praised and supported, Trump voted in; no sentence has her
    win."""
    sentences = ["Lady Gaga isn't taking the result of the US presidential election lying down - and she protested "
                 "Donald Trump's victory on Wednesday.",
                 "The Paparazzi singer - who was a very vocal supporter of Hillary Clinton throughout her campaign - "
                 "was snapped outside Trump Tower following news the businessman had been voted into the White "
                 "House.",
                 "Earlier today, Lady Gaga heaped praise on career politician Hillary Clinton ahead of the US "
                 "presidential election."]
    assert headline_problems("Lady Gaga protests outside Trump Tower as Hillary Clinton wins", sentences) == [
        "no sentence of the article has Hillary Clinton 'wins'"]
    assert headline_problems("Lady Gaga protests outside Trump Tower as Donald Trump wins", sentences) == []


def test_a_side_taken_as_a_stance_is_attached_to_its_party():
    """The Telegraph's Lady Gaga report (eval/fresh/full, labelled unseen_full): "Clinton campaign: Supporter of
    Hillary Clinton" over "Speaking at a Clinton campaign rally …, the singer spoke passionately in support of the
    Democratic candidate" — the supporter is the singer; "Katy Perry: Supporter" over "Hillary superfan Katy
    Perry" is hers (the Daily Mail's report, labelled held-out)."""
    from briefing.schema import Position

    rally = ("Speaking at a Clinton campaign rally earlier this week, the singer spoke passionately in support of the "
             "Democratic candidate, saying: \"She has a career in politics that spans decades of experience.\"")
    campaign = Position(party="Clinton campaign", stance="Supporter of Hillary Clinton", ev=[1])
    assert "the cited sentences do not make Clinton campaign 'Supporter of Hillary Clinton'" in check_claim(
        campaign, rally)
    perry = ("After the defeat Hillary superfan Katy Perry said on Twitter 'we are not a nation that will let HATE "
             "lead us' Scores of celebrities who support Hillary Clinton took to Twitter to express their dismay at "
             "the result")
    assert check_claim(Position(party="Katy Perry", stance="Supporter", ev=[1]), perry) == []


_BAMFORD = ("SWNS * PA Martin Bamford survived the Croydon tram crash which left seven dead \"We were coming out of "
            "the tunnel and we hit the bend way too fast and the tram flipped.")
_TESCO = ("In October, a dispute broke out between Tesco and Unilever after the food brand said it was raising prices "
          "in Britain to compensate for the fall in the pound.")
_NYT = ("The change, which was announced on the Toblerone Facebook page last month, is in keeping with a common "
        "strategy for companies trying to avoid price increases by reducing the contents of a product without "
        "changing the packaging.")
_RAIB = "All sections have now been taken away as the Rail Accident Investigation Branch continues its inquiry."
_GAGA = ("Musician Lady Gaga, a prominent supporter of Hillary Clinton, was photographed protesting outside Trump "
         "Tower in New York City in the early hours of Wednesday morning. The star stood on a sanitation truck, "
         "holding a sign reading 'Love trumps hate.'")


@pytest.mark.parametrize("claim, evidence, problems", [
    ("Martin Bamford survived with injuries", _BAMFORD, ["the cited sentences do not say 'injuries'"]),
    ("Martin Bamford survived the Croydon tram crash", _BAMFORD, []),
    ("Costs of ingredients rising", "It's all about production costs and the cost of ingredients.",
     ["the cited sentences do not say 'rising'"]),
    ("Tesco and Unilever dispute over price rises", _TESCO, []),
    ("The company's strategy to avoid price increases by reducing the contents of a product without changing the "
     "packaging has been successful", _NYT, ["the cited sentences do not say 'successful'"]),
    ("Investigations are ongoing", _RAIB, []),
    ("She stands on a sanitation truck holding a sign reading 'Love trumps hate' and speaks passionately in support "
     "of Hillary Clinton.", _GAGA, ["the cited sentences do not say 'speaks'"]),
    ("She stands on a sanitation truck and holds a sign reading 'Love trumps hate'", _GAGA, []),
])
def test_what_befell_someone_what_it_is_and_a_second_deed_must_be_stated(claim, evidence, problems):
    """Sentences of the Express's, the New York Times', the BBC's, the Sun's and the Telegraph's reports (eval/fresh,
    labelled unseen and unseen_full), against what the local default wrote over them: what befell someone ("with
    injuries"), which way a figure went ("rising"; "price rises" is "raising prices"), what a claim ends by saying
    its subject is ("has been successful"; "ongoing" is "continues"), and a second verb of the present ("and speaks
    passionately …", another sentence's) are facts the evidence must state."""
    assert overlap_problems(claim, evidence, False) == problems

def test_a_group_is_not_given_what_someone_else_said():
    """USA Today's tram report (eval/fresh, labelled unseen): "Emergency workers: The accident occurred" over
    "Police said … the accident that occurred …" and a sentence on the workers freeing people; a rescue team's work
    said of its diggers stays its own (the Daily Mail's well rescue, labelled)."""
    usa = ("Police said more than 50 people were injured in the accident that occurred next to an underpass in the "
           "Croydon area. Emergency workers labored for hours to free five people trapped in the wreckage.")
    assert attribution_problems("Emergency workers", "The accident occurred", usa, 0.6, "whose position it is") == [
        "the sentence that states it does not name Emergency workers (whose position it is)"]
    well = ("A team of rescuers and diggers have worked A large-scale rescue operation is underway in China to save a "
            "little boy who fell into a 40-metre-deep well. Around 80 diggers are working around the clock at the "
            "scene in a bid to save the child, who has been trapped for around 50 hours by now.")
    assert attribution_problems("Rescue Team", "Working around the clock to save the child", well, 0.6,
                                "whose position it is") == []


_TELEGRAPH = ("The driver, a 42-year-old man, from Beckenham, was released on bail, as Dane Chinnery, a 19-year-old "
              "Crystal Palace fan, was identified as one of the seven dead. Friends described how the \"friendly, "
              "genuine lad\" had been travelling to work. Investigators said the tram was travelling at a "
              "\"significantly higher speed than is permitted\" and were initially probing whether the driver had "
              "fallen asleep. British Transport Police said it was \"too early\" to comment on whether the driver was "
              "using his mobile phone. A spokeswoman added: \"I would imagine this would be one of many lines of "
              "inquiry.\" FirstGroup confirmed it was company policy for drivers to avoid having their mobile phones "
              "with them during operating hours.")
_SUN_WEIGHT = ("Product makers Mondelez International has increased the gap between the peaks to reduce the weight of "
               "the chocolate bars.")
_PRESCOTT = ("Former Labour deputy prime minister John Prescott suggested the change was related to the Brexit vote. "
             "On Sunday, it emerged that Birds Eye fish fingers and Walkers crisps had joined Typhoo and Unilever, the "
             "owner of Marmite, and a number of smaller suppliers in an industry-wide battle over price increases "
             "caused by the 14.5% drop in the value of the pound against the euro and 18% against the dollar since "
             "the referendum.")


def test_a_role_keeps_the_word_that_makes_it_another():
    """The New York Times' and the Guardian's reports (eval/fresh2, labelled unseen2): "deputy director of
    operations" is not the director, "Former Labour deputy prime minister" not the deputy prime minister."""
    mckenna = ("Several of the injured were treated at the scene and 51 were taken to the hospital, Peter McKenna, the "
               "deputy director of operations for the London Ambulance Service, said in a statement.")
    assert role_problems("Peter McKenna", "director of operations for the London Ambulance Service", mckenna) == [
        "the cited sentences make Peter McKenna 'deputy director of operations for the London Ambulance Service', "
        "not 'director of operations for the London Ambulance Service'"]
    assert role_problems("Peter McKenna", "deputy director of operations for the London Ambulance Service",
                         mckenna) == []
    prescott = _PRESCOTT.split(". ")[0] + "."
    assert role_problems("John Prescott", "Labour deputy prime minister", prescott) == [
        "the cited sentences make John Prescott 'former Labour deputy prime minister', not 'Labour deputy prime "
        "minister'"]
    assert role_problems("John Prescott", "Former Labour deputy prime minister", prescott) == []


@pytest.mark.parametrize("claim, evidence, problems", [
    ("Mondelez International: To reduce weight of chocolate bars to increase price", _SUN_WEIGHT,
     ["the cited sentences do not say it was done to increase price"]),
    ("Mondelez International increased the gap between the peaks to reduce the weight", _SUN_WEIGHT, []),
    ("Mondelez International changed the shape of its bars due to rising costs",
     "Mondelez International changed the shape of its bars. It blamed rising costs.", []),
    ("Initial findings suggest high speed", "Initial findings of the Rail Accident Investigation Branch (RAIB) show "
     "that the tram came off the tracks as it was negotiating a \"sharp, left-hand curve\" with a speed limit of "
     "12mph.", ["the cited sentences do not say 'high'"]),
    ("Initial findings suggest high speed", "An RAIB spokesman said: \"Initial indications suggest that the tram was "
     "travelling at a significantly higher speed than is permitted.\"", []),
    ("Driver was arrested and being held on suspicion of manslaughter", "The 42-year-old male driver, from "
     "Beckenham, is being held on suspicion of manslaughter and is currently in custody, British Transport Police "
     "said.", []),
    ("Toblerone has widened the gaps between its chocolate bar chunks to avoid price increases", "The makers of "
     "Toblerone have widened the gaps between the chocolate bar's distinctive triangular chunks in an effort to "
     "avoid putting its prices up.", []),
    ("People are unhappy about the change", "People aren't happy about the change.", []),
    ("UK chocolate bar crisis due to weight reduction", "The UK has a chocolate bar crisis on its hands. \"We have had "
     "to reduce the weight of just two of our bars in the UK,\" the company said on Facebook.", []),
])
def test_a_purpose_a_degree_and_words_said_otherwise(claim, evidence, problems):
    """The Sun's, the Daily Mail's, the Guardian's and USA Today's reports (eval/fresh2, labelled unseen2): what a
    deed was done for ("to increase price") and how fast ("high speed") are facts of their own; "in custody" says
    arrested, "putting its prices up" a price increase, "aren't happy" unhappy, "to reduce the weight" a weight
    reduction."""
    assert overlap_problems(claim, evidence, False) == problems


def test_a_person_s_stance_is_stated_by_the_sentences_about_them():
    """The Guardian's Toblerone report (labelled unseen2): Prescott suggested a link to the Brexit vote; the
    industry-wide battle is another sentence's, not his stance. A body's stance may be spread over sentences."""
    assert attribution_problems("John Prescott", "The change is part of a broader industry-wide battle over price "
                                "increases caused by Brexit", _PRESCOTT, 0.6, "whose position it is") == [
        "the sentences that name John Prescott state only 22% of it (whose position it is)"]
    assert attribution_problems("John Prescott", "The change was related to the Brexit vote", _PRESCOTT, 0.6,
                                "whose position it is") == []


def test_a_question_a_group_s_deed_and_an_unstated_purpose_are_no_supported_claims():
    """The New York Post's, the Telegraph's and the Sun's Toblerone and tram reports (labelled unseen2): a reader's
    quoted question given as a key point, a headline's "Police check …" that no sentence has the police do, a
    headline's purpose the article does not state."""
    point = Point(text="Why couldn't you just lose a triangle at the end or make the triangles smaller?", ev=[1])
    assert "a question, not a claim" in check_claim(point, "\"Why couldn't you just lose a triangle at the end or "
                                                           "make the triangles smaller?")
    sentences = [s + "." for s in _TELEGRAPH.rstrip(".").split(". ")]
    assert "no sentence of the article has Police 'check'" in headline_problems(
        "Police check driver's mobile phone records", sentences)
    assert "the article does not say it was done to increase weight" in headline_problems(
        "Toblerone chocolate bars reduced in size to increase weight", [_SUN_WEIGHT])
    assert headline_problems("Toblerone chocolate bars reduced in weight", [_SUN_WEIGHT]) == []
