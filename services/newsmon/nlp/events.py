"""The ``newsmon_events`` component: who did what to whom, when and where, read from the dependency parse.

A trigger is a verb (or a noun such as "refusal") whose lemma has a pattern in ``verbs.yaml``.
The pattern says the PLOVER type and CAMEO code, where the target is (direct object, "with",
"against"...), and how an infinitive complement changes the event ("agreed to meet" is an
intent to meet, "refused to join" a rejection). Around the trigger:

- source: the subject, inherited through "started pulling out", "declined ..., blaming" and relative
  clauses; the agent in the passive; for reciprocal verbs ("A and B discussed") the first
  conjunct is the source and the second the target;
- date: a date attached to the trigger's clause (not "last year's truce"), else the date of
  the reporting verb that governs it ("..., the ministry said on Monday"), resolved against
  the publication date, forward for planned events;
- location: a place after a locative preposition of the trigger or its object ("in the Libyan
  port of Misrata");
- modality: planned, refused or failed when a governing verb or the tense says so; negated
  when the clause is;
- evidence: the sentence. The same event read twice (same type, source and target) is one
  event with several pieces of evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .actors import ActorRecord
from .casualties import tolls
from .dates import resolve_date
from .knowledge import KnowledgeBase, get_knowledge, normalize, slug
from .places import REGION_WORDS, PlaceRecord

_INTENT = {"SUPPORT": "032", "AID": "033", "COOPERATE": "031", "RETREAT": "035", "CONCEDE": "035", "CONSULT": "036"}
RECIPROCAL_TYPES = frozenset({"CONSULT", "COOPERATE", "AGREE"})
_ONE_WAY_CONSULTS = frozenset({"042", "043", "044"})  # a visit, hosting one, attending: each party's own act
MAX_PARTIES = 20  # a summit's list of every member state is a list, not twenty parties of one event
REPORTING_VERBS = frozenset({"say", "tell", "add", "announce", "report", "state", "confirm", "note", "declare", "write", "quote"})
LOCATIVE = frozenset({"in", "at", "near", "inside", "outside", "around", "across", "into", "to", "from"})
TEMPORAL = frozenset({"on", "in", "at", "for", "since", "until", "during", "by", "from", "before", "after", "of"})
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
# a reported clause's pronoun subject and the kinds of actor it can stand for ("it" is not a person)
_PRONOUN_TYPES: dict[str, frozenset[str]] = {
    "it": frozenset({"country", "organization", "igo", "group"}),
    # officials call attackers "they" ("the governor said they attacked the village"): never the speaker
    "they": frozenset({"country", "organization", "igo", "group"}),
    "we": frozenset({"country", "organization", "igo", "group"}),
    "he": frozenset({"person"}), "she": frozenset({"person"}),
}
_SUBJECT_PRONOUNS = frozenset(_PRONOUN_TYPES)
# verbs of what a speaker says to or about others (not what anyone does): the only ones a misparsed
# second verb of a reported clause is given to its speaker for ("said ... and called for a corridor")
_SPEECH_ACTS = frozenset({"call", "urge", "appeal", "demand", "condemn", "criticise", "criticize", "denounce", "reject",
                          "accuse", "blame", "warn", "ask", "welcome", "praise", "thank", "deplore", "dismiss"})
# verbs that report an act of their subject's own ("said it had", "claimed it carried out", "admitted they")
_CLAIMING_VERBS = REPORTING_VERBS | {"claim", "admit", "acknowledge", "insist", "boast"}  # not "deny"
# Nouns whose country modifier names a topic or a place, not an actor ("the Yemen crisis", "Yemen peace talks").
_THINGS = frozenset({"crisis", "war", "conflict", "talk", "talks", "process", "issue", "question", "problem", "situation",
                     "border", "city", "town", "capital", "region", "economy", "market", "policy", "election", "case"})
_PRIORITY = {"person": 0, "igo": 1, "group": 1, "organization": 2, "country": 3, "location": 4}
# Nouns for someone defined by another: "a Bolsonaro ally" is not Bolsonaro.
_RELATIONAL = frozenset({"ally", "aide", "adviser", "advisor", "supporter", "loyalist", "rival", "opponent", "critic", "son",
                         "daughter", "wife", "husband", "brother", "sister", "lawyer", "friend", "associate", "confidant",
                         "bodyguard", "relative", "nephew", "cousin", "protege", "protégé", "backer", "successor",
                         "predecessor", "challenger", "detractor", "biographer"})
# People acting for someone named in their phrase: "officials loyal to Maduro", "13 figures from
# Venezuela's government", "members of the junta" stand for that side's country (not for the person).
_REPRESENTATIVES = frozenset({"official", "figure", "member", "diplomat", "envoy", "staff", "officer", "representative",
                              "individual", "entity", "leader", "commander", "minister", "lawmaker", "legislator",
                              "personnel", "employee", "agent", "operative", "delegate", "delegation", "executive"})
_OFFICE_HOLDERS = frozenset({"director", "directors", "general", "chief", "chiefs", "head", "heads", "president",
                             "presidents", "premier", "king", "emir", "chancellor", "ambassador", "counterpart"})
_SPEAKING_FOR = _REPRESENTATIVES | _OFFICE_HOLDERS  # who stands for a side
_REPRESENTING_PREPS = frozenset({"of", "from", "in", "at", "to"})
_NO_ONE = ActorRecord("no-one", "no one", "location")  # a target known to be unknown (see _State.unnamed_owners_site)
_MILITARY_SITES = frozenset({"base", "post", "checkpoint", "barracks", "outpost", "position", "positions", "garrison", "airbase"})
MASS_KILLING_DEAD = 18  # the dead of one attack on civilians by an armed group that make it a mass killing (202)
# Event types whose target may be a place or the people in it ("struck a market in Idlib", "arrested 15
# people", "aid to Gaza"), not only a named actor.
_PLACE_TARGET_TYPES = frozenset({"ASSAULT", "COERCE", "AID", "MOBILIZE", "THREATEN"})
# Common nouns for people who are not an organised actor: the civilians of the place they are in.
_PEOPLE_NOUNS = frozenset({"people", "person", "civilian", "villager", "resident", "child", "woman", "man", "worshipper",
                           "passenger", "student", "worker", "farmer", "family", "patient", "pilgrim", "refugee", "migrant",
                           "journalist", "teacher", "doctor", "nurse", "boy", "girl", "inhabitant", "citizen", "tourist",
                           "local", "displaced", "victim", "casualty", "mourner", "shopper", "fisherman", "herder",
                           "prisoner", "captive", "detainee", "hostage", "protester", "demonstrator", "activist", "voter",
                           "pupil", "schoolchild", "schoolgirl", "schoolboy", "lecturer", "population", "participant"})
# Common nouns for sites and things hit in an attack: the place's country is the target.
_SITE_NOUNS = frozenset({"market", "hospital", "school", "camp", "village", "town", "city", "neighbourhood", "neighborhood",
                         "district", "area", "building", "block", "house", "home", "mosque", "church", "convoy", "car",
                         "vehicle", "bus", "base", "position", "checkpoint", "hotel", "compound", "site", "target",
                         "facility", "infrastructure", "airport", "port", "bridge", "road", "station", "plant", "clinic",
                         "shelter", "suburb", "province", "region", "outpost", "depot", "warehouse", "office", "embassy",
                         "ministry", "headquarters", "gate", "barracks", "parliament", "palace", "prison", "academy"})
# Weapons that say how an attack was made (CAMEO 195 aerial weapons, 194 artillery and tanks).
_AERIAL = frozenset({"airstrike", "strike", "air", "warplane", "jet", "aircraft", "plane", "drone", "helicopter",
                     "missile", "airplane", "aerial"})  # not "raid": a daylight raid on a village is on the ground
# Subjects that are an attack or its weapon, or its unnamed authors: "the raid killed", "a car bomb hit".
# An explosion, a blast or a plane alone is not one: "a gas explosion killed five", "a plane crashed into".
_ATTACK_SUBJECTS = frozenset({"strike", "airstrike", "raid", "attack", "bombing", "bomb", "shelling", "shell", "drone",
                              "missile", "rocket", "mortar", "warplane", "gunman", "assailant", "attacker", "bomber",
                              "militant", "gunfire", "ambush", "assault", "offensive", "bombardment", "barrage", "salvo",
                              "grenade"})
# Attacks that are not acts of political violence: "a heart attack", "a shark attack", "a cyber attack".
_NOT_VIOLENCE = frozenset({"heart", "panic", "asthma", "anxiety", "shark", "dog", "bear", "animal", "cyber", "cyberattack",
                           "ransomware", "hacker", "lightning", "gas", "industrial", "mine", "chemical", "factory"})
# Words that count or hold the people or things acted on: "hundreds of boys", "the bodies of 1,200 soldiers".
_QUANTITIES = frozenset({"hundred", "hundreds", "dozen", "dozens", "thousand", "thousands", "score", "scores", "number",
                         "group", "some", "many", "most", "several", "body", "remains", "million", "millions"})
# Events whose target may be an act or a thing rather than an actor ("condemned the ban", "rejected the plan").
_ACT_TARGET_TYPES = frozenset({"ACCUSE", "REJECT", "SUPPORT"})
_TRAVEL_NOUNS = frozenset({"trip", "visit", "tour", "journey"})
_CALLS = frozenset({"call", "phone", "telephone", "conversation", "videoconference", "video", "link", "hotline"})
_RELEASING = frozenset({"release", "free", "return", "repatriate", "swap", "exchange", "pardon", "hand", "amnesty"})
_PARDONING = frozenset({"pardon", "amnesty"})
_SETTING_PREPS = frozenset({"during", "on", "in", "after", "at", "following"})  # "in a phone call with", "after talks with"
_EXERCISES = frozenset({"exercise", "drill", "maneuver", "manoeuvre", "wargame", "game", "patrol"})
_JOINT = frozenset({"joint", "combined", "bilateral", "trilateral", "multinational"})
# verbs whose reported or infinitive clause is an act asked for or denied, not one done (_asked_for_or_denied)
# what a protest is for ("rallied to demand", "took to the streets to protest against the government": one protest)
_PROTEST_AIMS = frozenset({"demand", "call", "ask", "urge", "seek", "press", "push", "insist", "request",
                           "protest", "demonstrate", "rally", "march"})
_DEMANDING_VERBS = frozenset({"demand", "insist", "urge", "ask", "request", "deny", "press", "implore"})  # not "want": an intent (03)
# subjects that act as a body without a country of their own (see _unnamed_collective)
_COLLECTIVES = frozenset({"group", "donor", "activist", "campaigner", "organisation", "organization", "ngo", "watchdog",
                          "critic", "observer", "monitor", "investigator", "expert", "lawyer", "diplomat", "ally",
                          "partner", "lender", "creditor", "investor", "nation", "power", "leader", "envoy",
                          "delegation", "mediator", "bloc", "body"})
_MISSION_NOUNS = frozenset({"embassy", "consulate", "legation", "chancery"})
# Acts coded without their author when the passive leaves it out.
_AGENTLESS = frozenset({"arrest", "detain", "jail", "imprison", "abduct", "kidnap", "deport", "expel", "round", "seize",
                        "sentence", "convict"})
# Prepositions after which a gerund is the clause subject's own act ("hit back by closing its airspace").
_MANNER_PREPS = frozenset({"by", "after", "before", "while", "since", "upon"})
_ARTILLERY = frozenset({"artillery", "shell", "shelling", "tank", "mortar", "rocket", "howitzer", "cannon"})


@dataclass(frozen=True)
class Rule:
    """A verb or noun pattern from ``verbs.yaml``."""

    lemmas: frozenset[str]
    type: str
    cameo: str
    is_noun: bool = False
    target: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    objects: frozenset[str] | None = None
    object_types: frozenset[str] | None = None
    reciprocal: bool = False
    modality: str | None = None
    when: tuple[dict[str, Any], ...] = ()
    complement: tuple[dict[str, Any], ...] = ()
    complement_default: str = "keep"
    requires_adverb: frozenset[str] | None = None
    requires_particle: frozenset[str] | None = None
    forbid_particle: frozenset[str] | None = None
    requires_prep: frozenset[str] | None = None
    requires_no_object: bool = False
    forbid_that_clause: bool = False
    subject_sectors: frozenset[str] | None = None
    require_both: bool = False
    predicate: frozenset[str] | None = None  # what the object or the clause is called: "called the launch a threat"
    subjects: frozenset[str] | None = None  # the subject's lemma must be one of these: "a convoy crossed into Gaza"
    subject_with: frozenset[str] | None = None  # and its phrase must hold one of these: "a convoy carrying food"
    negates: bool = False  # the verb says the event did not happen: "skipped the summit" is attending, negated
    phrase_with: frozenset[str] | None = None  # a noun trigger's own phrase must hold one: "missile launch", "prisoner exchange"

    @classmethod
    def from_data(cls, data: dict[str, Any], *, is_noun: bool) -> Rule:
        def fset(key: str) -> frozenset[str] | None:
            value = data.get(key)
            return frozenset(str(v).lower() for v in value) if value is not None else None

        if not data.get("lemma") or not data.get("type") or not data.get("cameo"):
            raise ValueError(f"an event pattern needs lemma, type and cameo: {data}")
        return cls(
            lemmas=frozenset(str(v).lower() for v in data["lemma"]), type=data["type"], cameo=str(data["cameo"]),
            is_noun=is_noun, target=tuple(data.get("target") or ()), source=tuple(data.get("source") or ()),
            objects=fset("object"), object_types=fset("object_types"), reciprocal=bool(data.get("reciprocal")),
            modality=data.get("modality"), when=tuple(data.get("when") or ()), complement=tuple(data.get("complement") or ()),
            complement_default=data.get("complement_default", "keep"), requires_adverb=fset("requires_adverb"),
            requires_particle=fset("requires_particle"), forbid_particle=fset("forbid_particle"),
            requires_prep=fset("requires_prep"), requires_no_object=bool(data.get("requires_no_object")),
            forbid_that_clause=bool(data.get("forbid_that_clause")),
            subject_sectors=fset("subject_sectors"), require_both=bool(data.get("require_both")),
            predicate=fset("predicate"), subjects=fset("subject"), subject_with=fset("subject_with"),
            negates=bool(data.get("negates")), phrase_with=fset("phrase_with"),
        )


@dataclass
class EventRecord:
    type: str
    cameo: str
    source: ActorRecord | None
    target: ActorRecord | None
    date: date | None
    location_name: str | None
    location: PlaceRecord | None
    modality: str
    negated: bool
    trigger: str
    trigger_span: tuple[int, int]  # Doc character range
    evidence: list[tuple[int, int]] = field(default_factory=list)  # sentence Doc character ranges
    confidence: float = 0.5
    reciprocal: bool = False
    parties: list[ActorRecord] = field(default_factory=list)  # three or more: all of them
    dead: int | None = None  # casualties the sentence states (PLOVER's dead and injured; casualties.py)
    injured: int | None = None


class EventCoder:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.verbs: dict[str, list[Rule]] = {}
        self.nouns: dict[str, list[Rule]] = {}
        for data in kb.verbs:
            rule = Rule.from_data(data, is_noun=False)
            for lemma in rule.lemmas:
                self.verbs.setdefault(lemma, []).append(rule)
        for data in kb.nouns:
            rule = Rule.from_data(data, is_noun=True)
            for lemma in rule.lemmas:
                self.nouns.setdefault(lemma, []).append(rule)
        self.modal = dict(kb.modal_verbs)

    # --- the component
    def __call__(self, doc: Doc) -> Doc:
        actors = {a.id: a for a in doc._.newsmon_actors or ()}
        token_actor = doc._.newsmon_token_actor or {}
        places = {i: p for p in doc._.newsmon_places or () for i in p.tokens}
        layout = doc._.newsmon_layout
        published = layout.published if layout is not None else None
        state = _State(doc, actors, token_actor, places, published, self.kb)
        if layout is not None and layout.body_anatomy.dateline_place:
            place = layout.body_anatomy.dateline_place
            state.dateline_country = self.kb.country_of(place) or self.kb.capital_index.get(normalize(place)) or next(
                (p.country for p in doc._.newsmon_places or () if normalize(p.name) == normalize(place)), None)
        events = state.events
        for sent in doc.sents:
            coded: list[tuple[int, EventRecord]] = []
            for token in sent:
                if token.i in state.consumed:
                    continue
                for event in self._code(token, state):
                    event.evidence.append(_trimmed(sent))
                    events.append(event)
                    coded.append((token.i, event))
            _give_tolls(sent, coded)
            dropped = _told_twice(coded)
            for retold in dropped:
                # the toll told with the retelling is the attack's ("a second strike hit an apartment block,
                # killing four")
                kept = next(e for _, e in coded if e.type == "ASSAULT" and e.source is not None and e.target is not None
                            and e.target.country == retold.target.country)  # type: ignore[union-attr]
                kept.dead = max((n for n in (kept.dead, retold.dead) if n is not None), default=None)
                kept.injured = max((n for n in (kept.injured, retold.injured) if n is not None), default=None)
            if dropped:
                events[:] = [e for e in events if all(e is not d for d in dropped)]
                coded = [(i, e) for i, e in coded if all(e is not d for d in dropped)]
            for _, event in coded:
                if _a_mass_killing(event):
                    event.cameo = "202"
            protest = self._implied_protest(sent, coded, state)
            if protest is not None:
                protest.evidence.append(_trimmed(sent))
                events.append(protest)
        doc._.newsmon_events = _merge(events)
        return doc

    def _implied_protest(self, sent: Span, coded: list[tuple[int, EventRecord]], state: _State) -> EventRecord | None:
        """A protest told only through its crowd: "police fired tear gas at protesters who had massed in a
        park", "protesters set the Congress building on fire". Coders of wire copy code the protest as well
        as what was done to or by the crowd (a demonstration, against the authorities at home); newsmon codes
        it when no protest of the sentence is coded already and the crowd's country is known."""
        if state.kb is None or any(e.type == "PROTEST" for _, e in coded):
            return None
        for token in sent:
            if token.pos_ not in ("NOUN", "PROPN") or not ({token.lemma_.lower(), token.lower_} & _PROTESTERS):
                continue
            if token.i in state.consumed or any(c.lower_ in ("no", "any", "former") for c in token.children):
                continue  # "accused him of stirring up protesters" (consumed), "no protesters were hurt"
            governor = token.head
            if governor.dep_ in ("prep", "agent") and governor.head.i != governor.i:
                governor = governor.head  # "fired tear gas at protesters": the verb, not a noun the crowd is in
            if (governor.pos_ not in ("VERB", "AUX") or governor.lemma_.lower() not in _CROWD_ACTS or _promised(governor)
                    or _a_condition(governor) or self._negated(governor)):
                continue  # "pointing to police violence against demonstrators", "met protesters", "would be punished"
            crowd = state.actor_in(token)
            if crowd is not None and (crowd.type == "country" or crowd.sector in ("GOV", "MIL", "COP")):
                crowd = None
            country = crowd.country if crowd is not None else (
                state._country_near(token) or state._sentence_country(token) or state.dateline_country or state.article_country)
            if not country or country not in state.kb.countries:
                continue
            if crowd is None:
                crowd = state.crowd(country)
            # where the crowd gathered ("protesters who had massed in a central park") before the clause's place
            chain = [t for c in token.children if c.dep_ in ("relcl", "acl") for t in _chain(c)] + _chain(governor)
            day = self._date(chain, state, "past") or self._reported_date(governor, state)
            location_name, place = self._location(chain, state)
            # against the authorities where it is held ("Serb demonstrators ... in Zvecan": Kosovo's)
            held = place.country if place is not None and place.country in state.kb.countries else country
            return EventRecord(
                type="PROTEST", cameo="145" if token.lemma_.lower() == "rioter" else "141", source=crowd,
                target=state.authorities(held), date=day, location_name=location_name, location=place,
                modality="reported", negated=False, trigger=token.text, trigger_span=(token.idx, token.idx + len(token)),
                confidence=0.5,
            )
        for _, event in coded:
            crowd = event.target
            if (event.cameo == "175" and crowd is not None and crowd.type == "group" and crowd.sector in ("CVL", "OPP", "PTY", "LAB")
                    and not crowd.id.startswith("civilians:")  # "citizens mistreated by police officers": no crowd
                    and event.source is not None and event.source.country in state.kb.countries and not event.negated):
                # "security forces turned water cannon on crowds calling for a fresh election", "fired tear gas at
                # PTI supporters trying to reach D-Chowk": the crowd repressed was protesting
                return replace(event, type="PROTEST", cameo="141", source=crowd, target=state.authorities(event.source.country),
                               evidence=[], parties=[], dead=None, injured=None, confidence=0.5)
        return None

    def _code(self, token: Token, state: _State) -> list[EventRecord]:
        lemma = token.lemma_.lower()
        if token.tag_ == "VBG" and token.dep_ in _NOMINAL_DEPS and self.nouns.get(token.lower_):
            # "as fighting between the army and the RSF raged", "fighting ... killed 20": a gerund the
            # tagger reads as a verb but the sentence uses as a noun
            rules = self.nouns.get(token.lower_)
        elif token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound", "auxpass", "aux"):
            rules = self.verbs.get(lemma)
        elif token.pos_ in ("NOUN", "PROPN") and token.dep_ not in ("compound",):
            rules = self.nouns.get(lemma) or self.nouns.get(token.lower_)
        else:
            return []
        if _a_denial(token):  # (a denying verb with or without a pattern of its own)
            # "rejected reports that the paramilitary's drones had killed 57 civilians": what is denied is no event
            state.consumed.update(t.i for c in token.children if c.dep_ in ("dobj", "obj", "nsubjpass") for t in c.subtree)
            return []
        if not rules:
            return []  # most words: no pattern, nothing more to read
        if _asked_for_or_denied(token) or _a_figure_of_speech(token) or _a_condition(token) or _hypothetical_act(token):
            return []
        for rule in rules:
            coded = self._apply(rule, token, state)
            if coded:
                return coded
        return []

    def _apply(self, rule: Rule, trigger: Token, state: _State) -> list[EventRecord]:
        """The rule's events at this trigger: one, or one per pair of coordinated actors (``_distributed``);
        none when the rule does not fit."""
        children = list(trigger.children)
        obj = next((c for c in children if c.dep_ in ("dobj", "obj")), None)
        if obj is None:
            obj = next((c for c in children if c.dep_ == "attr"), None) if rule.is_noun else None
        if obj is None and rule.objects is not None and not rule.is_noun:
            # a passive's subject is what the verb was done to: "a ceasefire was signed", "the agreement,
            # initialled in Washington", "prisoners were released by Russia"
            obj = next((c for c in children if c.dep_ == "nsubjpass"), None)
            if obj is None and trigger.dep_ == "acl" and trigger.tag_ == "VBN" and trigger.head.pos_ in ("NOUN", "PROPN"):
                obj = trigger.head
        if rule.objects is not None and (obj is None or not _lemma_in(obj, rule.objects)):
            return []
        if rule.requires_no_object and obj is not None:
            return []
        if rule.forbid_that_clause and any(c.dep_ == "ccomp" and any(g.dep_ == "mark" for g in c.children) for c in children):
            return []  # "agreed that the deployment is a threat": a shared view, not an agreement to act
        particles = {c.lower_ for c in children if c.dep_ == "prt"}
        if rule.requires_particle is not None and not (particles & rule.requires_particle):
            return []
        if rule.forbid_particle is not None and particles & rule.forbid_particle:
            return []
        if rule.requires_adverb is not None and not any(c.lower_ in rule.requires_adverb for c in children if c.dep_ in ("advmod", "prt")):
            return []
        if rule.requires_prep is not None and not any(c.lower_ in rule.requires_prep for c in children if c.dep_ in ("prep", "prt")):
            return []
        if rule.subjects is not None:
            subject = _subject(trigger)
            if subject is None or not _lemma_in(subject, rule.subjects):
                return []
            if rule.subject_with is not None:
                phrase = sorted(_own_phrase(subject), key=lambda t: t.i)
                words = {t.lemma_.lower() for t in phrase} | {t.lower_ for t in phrase}
                words |= {f"{a.lower_} {b.lower_}" for a, b in zip(phrase, phrase[1:]) if b.i == a.i + 1}  # "red crescent"
                if not words & rule.subject_with:
                    return []
        if rule.phrase_with is not None and not _phrase_holds(trigger, rule.phrase_with):
            return []
        if rule.predicate is not None:
            predicate = _predicate(trigger)
            if predicate is None or not (_lemma_in(predicate, rule.predicate) or predicate.lower_ in rule.predicate):
                return []

        event_type, cameo, modality = rule.type, rule.cameo, rule.modality
        complement = next((c for c in children if c.dep_ in ("xcomp", "acl") and c.pos_ in ("VERB", "AUX")), None)
        chain_extra: list[Token] = []
        if complement is not None and rule.complement:
            matched = next((r for r in rule.complement if complement.lemma_.lower() in {str(x).lower() for x in r["lemma"]}), None)
            if matched is not None:
                event_type = matched.get("type", event_type)
                cameo = str(matched.get("cameo", cameo))
                modality = matched.get("modality", modality)
                # what the complement does is this event ("vowed to answer"); an act of someone else's it names
                # ("to answer Israel's killing of Fuad Shukr") is an event of its own
                state.consumed.update(t.i for t in complement.subtree if t.pos_ == "VERB" or (
                    t.pos_ == "NOUN" and not any(c.dep_ == "poss" for c in t.children)))
                chain_extra.append(complement)
            elif rule.complement_default in ("skip", "inherit"):
                return []
        for refinement in rule.when:
            if _refines(refinement, trigger, obj, complement):
                event_type = refinement.get("type", event_type)
                cameo = str(refinement.get("cameo", cameo))
                break
        if event_type in _INTENT and (_future(trigger) or _willing(trigger)) and not chain_extra:
            # "X will give Y aid", "X is ready to send troops": an intent (CAMEO 03), which PLOVER codes AGREE
            event_type, cameo, modality = "AGREE", _INTENT[rule.type if rule.type in _INTENT else event_type], "planned"

        # who
        if rule.is_noun:
            parties = self._noun_parties(trigger, rule.source or ("by", "poss"), state)
            light = _light_verb(trigger)  # "Israel carried out an air strike on ...", "announced $8 billion in aid"
            if not parties and light is not None:
                parties = self._subject_parties(light, state)
            if (not parties and (trigger.lemma_.lower() in _TRAVEL_NOUNS or rule.type == "CONSULT") and trigger.dep_ == "pobj"
                    and trigger.head.lower_ in _SETTING_PREPS and trigger.head.head.pos_ in ("VERB", "AUX")):
                # "held talks with Wang Yi during a two-day trip to China": whoever held them travelled; "in a
                # phone call with Zelensky, Macron reaffirmed ...", "after talks with his Serbian counterpart,
                # Lavrov said ...": whoever acts in the clause held the call or the talks
                parties = self._subject_parties(trigger.head.head, state)
        else:
            light = None
            parties = self._subject_parties(trigger, state)
            if not parties and rule.subjects is not None:
                # "a convoy carrying supplies from the Egyptian Red Crescent and the UN crossed into Gaza",
                # "World Food Programme trucks entered Gaza": whoever the convoy is from or belongs to
                subject = _subject(trigger)
                for node in _own_phrase(subject) if subject is not None else ():
                    actor = state.actor_in(node) if node.dep_ in ("pobj", "compound", "nmod", "poss", "conj") else None
                    if actor is not None and actor not in parties:
                        parties.append(actor)
        drill = trigger if rule.is_noun else obj
        if (event_type == "MOBILIZE" and cameo == "150" and drill is not None and _lemma_in(drill, _EXERCISES)
                and (len(parties) > 1 or any(c.lower_ in _JOINT for c in drill.children))):
            # "China and Russia began joint naval drills": exercising together is military cooperation
            event_type, cameo = "COOPERATE", "062"
        # "the 33 Russian citizens detained in Belarus": a passive participle on the noun it is done to
        # ("many of them mediated by the UAE": a participle on a pronoun or quantity has its agent, no target)
        participle = not rule.is_noun and trigger.dep_ == "acl" and trigger.tag_ == "VBN" and not _verbless_main(trigger)
        # "with FNDC leader Abdourahamane Sanoh jailed for a year": the one named is the one jailed
        absolute = (not rule.is_noun and trigger.dep_ == "pcomp" and trigger.head.lower_ == "with"
                    and trigger.lemma_.lower() in _AGENTLESS and not any(c.dep_ in ("dobj", "obj") for c in children))
        passive = not rule.is_noun and (participle or absolute or any(c.dep_ in ("nsubjpass", "agent") for c in children))
        target: ActorRecord | None = None
        agentless = released = False
        if passive:
            agent = next((c for c in children if c.dep_ == "agent"), None)
            agent_actor = state.actor_in(next((g for g in agent.children if g.dep_ == "pobj"), None)) if agent else None
            if participle and trigger.head.pos_ in ("NOUN", "PROPN"):
                target = state.actor_in(trigger.head)
                if target is None and event_type in _PLACE_TARGET_TYPES:
                    target = state.target_in(trigger.head)
            else:
                target = parties[0] if parties else None
                if target is None and event_type in _PLACE_TARGET_TYPES:
                    target = state.target_in(_subject(trigger))  # "civilians were killed by RSF fighters"
            parties = [agent_actor] if agent_actor else []
            acted_on = trigger.head if participle else _subject(trigger)
            if not parties and acted_on is not None and (rule.reciprocal or event_type in RECIPROCAL_TYPES):
                # "a ceasefire between Colombia's government and the ELN was signed", "the peace agreement
                # between Armenia and Azerbaijan, initialled in Washington": the parties of what was signed
                between = self._noun_parties(acted_on, ("between",), state)
                if len(between) > 1:
                    parties, target = between, between[1]
            # "guards were detained in Kiev": an arrest or an abduction is one whoever made it; a death
            # ("were killed in the quake") is not an attack without someone or something that attacked
            agentless = agent_actor is None and trigger.lemma_.lower() in _AGENTLESS
            # "195 Russian captives were returned in the latest swap", "Suu Kyi was pardoned": a release no one
            # is named for is made by the other side of the sentence, or (a pardon) by the captive's own state
            released = agent_actor is None and cameo.startswith("084") and trigger.lemma_.lower() in _RELEASING
        source = parties[0] if parties else None
        if event_type == "PROTEST" and not rule.is_noun and _not_a_protest(trigger):
            return []  # "residents took to the streets to celebrate": a gathering, not a protest
        subject = _subject(trigger) if source is None and not passive and not rule.is_noun else None
        if (subject is not None and trigger.dep_ not in ("amod", "acl") and (rule.subject_sectors is None or "cvl" in rule.subject_sectors)
                and ((event_type == "PROTEST" and _a_crowd(subject)) or {subject.lemma_.lower(), subject.lower_} & _PROTESTERS)):
            # "thousands of people took to the streets of Belgrade", "farmers blocked highways across France",
            # "students staged a sit-in in Dhaka", "protesters demanded his resignation": a crowd no actor names is
            # the people of where it protests
            source = state.crowd_at(trigger)
        collective = source is None and not passive and not rule.is_noun and _unnamed_collective(trigger)
        if source is None and not (agentless or released or rule.subjects is not None or (event_type == "ASSAULT" and _unattributed_attack(rule, trigger))
                                   or collective):
            return []  # nobody acts: no event, except an attack whose author the sentence does not give
        places_ok = event_type in _PLACE_TARGET_TYPES
        if target is None:
            target = self._target(rule, trigger, obj, state, source, places_ok)
        if target is None and chain_extra:
            complement_obj = next((c for c in chain_extra[0].children if c.dep_ in ("dobj", "obj")), None)
            target = self._target(rule, chain_extra[0], complement_obj, state, source, places_ok)
            if target is None and complement_obj is not None:
                # "vowed to answer Israel's killing of ...": whoever the complement acts on (an act's author)
                author = next((c for c in complement_obj.children if c.dep_ == "poss"), None)
                found = (state.actor_in(author) if author is not None else None) or state.actor_in(complement_obj)
                target = found if found is not None and (source is None or found.id != source.id) else None
        if target is None and light is not None:
            target = self._target(rule, light, None, state, source, places_ok)  # "announced aid ... to Ukraine"
        one_way = cameo[:3] in _ONE_WAY_CONSULTS  # "Putin and Xi stayed away from the Assembly": each, not each other
        if target is None and (rule.reciprocal or (event_type in RECIPROCAL_TYPES and not one_way)) and len(parties) > 1:
            target = parties[1]
        if target is None and event_type in _ACT_TARGET_TYPES and not rule.is_noun:
            # "condemned the test", "criticised the move", "the ban was condemned by the UAE", "turned the idea
            # down": what is condemned, praised or rejected is the target when no actor is named
            acted_on = _subject(trigger) if passive and not participle else obj
            if acted_on is not None and acted_on.pos_ == "NOUN" and "object" in rule.target:
                target = state.phrase_target(acted_on, source)
        if rule.object_types is not None and obj is not None and not rule.is_noun:
            obj_actor = state.actor_in(obj)
            if obj_actor is None and event_type in _PLACE_TARGET_TYPES:
                obj_actor = state.target_in(obj)  # a site, a village the gazetteer does not know, people
            official = (obj_actor is not None and "person" in rule.object_types and obj_actor.type in ("country", "igo", "organization")
                        and obj.lemma_.lower() in _SPEAKING_FOR)  # "received the Minister of Foreign Affairs of Turkey"
            if obj_actor is None or (obj_actor.type not in rule.object_types and not official):
                return []
        if rule.subject_sectors is not None and (source is None or (source.sector or "").lower() not in rule.subject_sectors):
            return []
        if cameo == "166" and obj is not None and source is not None:
            forces = state.actor_in(obj)
            if forces is None or forces.country is None or forces.country == source.country:
                return []  # "Putin ordered the army to leave Kherson": a side's own forces are not sent away
        if rule.require_both and target is None and not (rule.is_noun and event_type in _FORCE and _armed(source)):
            return []  # an attack or an arrest whose target the parse loses is aimed where it happened (below)
        if (cameo.startswith("084") and source is not None and source.country and target is not None
                and target.id.startswith("civilians:") and target.country != source.country and state.kb is not None
                and source.country in state.kb.countries and (obj is None or state._country_near(obj) is None)):
            # "Thein Sein has pardoned 70 political prisoners, days after a trip to London": captives whose phrase
            # names no country are held by the side that frees them, not the sentence's other place
            target = state._civilians(source.country)
        if (cameo.startswith("084") and source is not None and target is not None and target.id.startswith("civilians:")
                and target.country == source.country):
            # "Kyiv handed over 55 prisoners", "Russia and Ukraine each released 175 prisoners": the captives
            # one side frees are the other side's, not its own
            other = parties[1] if len(parties) > 1 and parties[1].country != source.country else state.other_country(trigger, source.country)
            if other is not None:
                target = other
        if target is not None and source is not None and target.id == source.id:
            target = None
        if collective and (target is None or not target.country):
            return []  # "critics condemned the decision": no one's act against no one
        joined: Token | None = None
        if rule.is_noun and event_type == "ASSAULT" and trigger.dep_ in ("nsubj", "csubj") and trigger.head.pos_ == "VERB":
            # "an Israeli air strike hit the interior ministry building", "Israeli raids killed a woman":
            # the attack and its verb are one event; what the verb hit is what the attack hit
            verb = trigger.head
            if any(r.type == "ASSAULT" for r in self.verbs.get(verb.lemma_.lower(), ())) or verb.lemma_.lower() in _HIT_VERBS:
                joined = verb  # its date and place are the attack's too
                state.consumed.add(verb.i)
                state.consumed.update(t.i for t in _consequences(verb))  # "..., killing four": its toll
                hit = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
                if target is None and hit is not None:
                    found = state.actor_in(hit) or state.target_in(hit)
                    target = found if found is not None and (source is None or found.id != source.id) else None
        if target is None and event_type in _FORCE:
            # "RSF fighters shot dead 14 civilians trying to flee besieged El Fasher" when the parse loses the
            # object, "MOGADISHU - a suicide bomber blew himself up inside": force used at the sentence's
            # place, else where the story is filed from, is used against that country
            target = state.force_target(trigger, source)
        if (target is None and event_type == "PROTEST" and source is not None and source.country
                and source.type != "country" and source.sector not in ("GOV", "MIL", "COP")
                and state.kb is not None and source.country in state.kb.countries):
            # "hundreds of protesters rallied in Tripoli", "marched through Hong Kong": a protest that names no
            # one is against the authorities at home, as coders of wire copy (and CAMEO's examples) code it;
            # "took to the streets of London to protest against Israel's war": against whom its purpose says
            against = [g for c in trigger.children if c.dep_ in ("advcl", "xcomp") and c.lemma_.lower() in _PROTEST_AIMS
                       for p in c.children if p.dep_ == "prep" and p.lower_ == "against" for g in p.children if g.dep_ == "pobj"]
            against += [c for g in against for c in g.children if c.dep_ == "poss"]  # "against Israel's war"
            aimed = next((a for a in (state.actor_in(g) for g in against) if a is not None and a.id != source.id), None)
            target = aimed or state.authorities(source.country)
        if source is None and target is None:
            return []  # "a blast killed": an unattributed attack is coded only when what it hit is known
        if event_type == "ASSAULT" and cameo == "183":
            coded = _weapon_code(trigger, cameo)
            # a bomb is no air strike, unless it fell from one ("an aerial bombing", "bombing raids by jets", "the
            # Israeli bombing of Gaza": a state's or an army's bombing is from the air)
            cameo = coded if coded.startswith("183") or (coded == "195" and trigger.lemma_.lower() == "bombing") else cameo
            if (cameo == "183" and trigger.lemma_.lower() == "bombing" and source is not None
                    and (source.type == "country" or source.sector == "MIL")):
                cameo = "195"
        elif event_type == "ASSAULT" and (cameo == "195" or (cameo[:2] in ("18", "19") and len(cameo.rstrip("0")) <= 2)):
            cameo = _weapon_code(trigger, cameo)

        # how, when, where
        chain = _chain(trigger) + [t for c in chain_extra for t in _chain(c)] + (_chain(joined) if joined is not None else [])
        modality = self._modality(trigger, modality)
        negated = self._negated(trigger) != rule.negates  # "did not skip the summit" attended it
        # a planned event's date is the complement's ("agreed on Sunday to meet on April 12"), read forward;
        # a date on the trigger itself follows the trigger's own tense
        complement_chain = [t for c in chain_extra for t in _chain(c)]
        own_tense = "future" if _future(trigger) or (modality == "planned" and not chain_extra) else "past"
        day = (
            (self._date(complement_chain, state, "future") if complement_chain else None)
            or self._date(_chain(trigger), state, own_tense)
            or self._reported_date(trigger, state)
        )
        location_name, place = self._location(chain, state)
        if location_name is None and not rule.is_noun and trigger.pos_ in ("VERB", "AUX"):
            # "hit a crowded market in the Idlib province town of Maarat al-Numan", "killed 14 civilians
            # northeast of Um Kadadah": a place anywhere in the clause, when the verb's own phrases have none
            clause = [t for t in _own_phrase(trigger) if t.dep_ in ("dobj", "obj", "npadvmod", "advmod", "pobj") and t is not trigger]
            location_name, place = self._location(clause, state)
        if location_name is None and target is not None and target.type == "location":
            # "captured Goma", "an Israeli air strike hit the Nabatieh area": what was attacked is where, when
            # it is a place the gazetteer or the model knows (not "a hospital", "the port")
            place = next((p for p in state.places.values() if p.name == target.name), None)
            if place is not None or any(e.text == target.name and e.label_ in ("GPE", "LOC", "FAC") for e in trigger.doc.ents):
                location_name = target.name
        if event_type in _FORCE and place is not None and place.country and (
                target is None or (target.type == "location" and target.country is None)):
            # "drone strikes on the outskirts of Kharkiv", "shot dead 14 civilians trying to flee El Fasher"
            # when the parse loses the object: force used at a place is used against that place's country
            target = state.located_target(target.name if target is not None else place.name, place.country)
        elif (event_type in _FORCE and target is not None and target.type in ("location", "thing") and source is not None
              and target.country == source.country and location_name is not None):
            # "Israeli jets struck targets in southern Lebanon": a site no phrase places, in a story that names the
            # attacker's country most, is where the sentence says it is (not the attacker's own)
            where = place.country if place is not None else state.kb.country_by_name(location_name) if state.kb is not None else None
            if where and where != source.country:
                target = state.located_target(target.name, where)
        if released and source is None:
            if target is None or not target.country or state.kb is None or target.country not in state.kb.countries:
                return []
            if trigger.lemma_.lower() in _PARDONING:
                source = state.authorities(target.country)
            else:
                source = state.other_country(trigger, target.country)
                if source is None:
                    return []  # "five abducted aid workers were released": by whom the sentence does not say
        if agentless and source is None and event_type == "COERCE":
            # "security guards were detained in Kiev", "about 400 people had been arrested": an arrest no one
            # is named for is made by the authorities of where it was made
            where = place.country if place is not None and place.country else None
            nearest = state.nearest_place(trigger) if where is None else None
            where = where or (nearest.country if nearest is not None else None) or state.dateline_country
            if where is None and target is not None and target.country != "IGO":
                where = target.country  # "five Guinean opposition figures were sentenced": at home
            if where and state.kb is not None and where in state.kb.countries:
                source = state.authorities(where)
                if target is not None and target.id == source.id:
                    target = None
        if (rule.type == "ACCUSE" or event_type == "ACCUSE") and rule.predicate is None:
            # what someone is accused of is an allegation, not an event; what a speaker calls an act
            # ("said the strikes that killed 20 were a war crime") leaves the act an event, and so does an
            # attack named as a thing that happened ("blamed Islamabad for Sunday's assault on an army base in
            # Uri"): who did it is alleged, that it happened is not
            for child in children:
                if child.dep_ in ("prep", "ccomp", "xcomp"):
                    state.consumed.update(t.i for t in child.subtree if not _an_attack_blamed_for(t, trigger))
        confidence = 0.5 + (0.15 if source is not None and source.known else 0.0 if source is None else 0.05) + (0.1 if target is not None else 0.0)
        confidence += 0.1 if (rule.objects is not None or chain_extra) else 0.0
        trigger_tokens = [trigger] + chain_extra
        start = min(t.idx for t in trigger_tokens)
        end = max(t.idx + len(t) for t in trigger_tokens)
        if obj is not None and not rule.is_noun and event_type not in ("ACCUSE", "REQUEST", "REJECT"):
            # "sent aid": the verb's event, not a second one from its object noun; but what is condemned,
            # demanded or rejected ("condemned the RSF's takeover of El Fasher") is an event of its own
            state.consumed.add(obj.i)
        if "destination" in rule.target:
            # "told Americans not to travel to Syria": the travel warned against is the advisory's, not a visit
            state.consumed.update(t.i for t in trigger.subtree if t.lemma_.lower() in _GOING or t.lower_ in _GOING)
        if event_type == "PROTEST":
            # "rallied in Tripoli to demand the removal of the prime minister and to call for elections": what a
            # protest is for is the protest's aim, not a second event (coders of wire copy code the protest)
            # (a condemnation the protest voices is coded, as they code it: "rallied to condemn the election")
            for purpose in (c for c in trigger.children if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB"
                            and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)):
                state.consumed.update(t.i for t in (purpose, *purpose.conjuncts) if t.lemma_.lower() in _PROTEST_AIMS)
        if event_type == "ASSAULT":
            # "hit a market, killing 12", "air strikes on Idlib killed 21": the deaths are this attack's toll,
            # not a second attack (the coders of real wire copy code one)
            state.consumed.update(t.i for t in _consequences(trigger))
        if rule.phrase_with is not None and not rule.is_noun:
            # "went on hunger strike": the words that make the verb's event are not events of their own
            state.consumed.update(t.i for t in trigger.subtree if t.i != trigger.i and (t.lemma_.lower() in rule.phrase_with or t.lower_ in rule.phrase_with))
        if not rule.is_noun and event_type in ("ASSAULT", "COERCE"):
            # "killed five militants in a firefight with al-Shabaab", "detained 12 journalists in dawn raids": the
            # fight or the raid the act was done in is the act, not a second attack
            setting = [(c, h.i == trigger.i) for h in [trigger, *([obj] if obj is not None else [])] for c in h.children
                       if c.dep_ == "prep" and c.lower_ in ("in", "during")]  # the parser may hang it on the object
            state.consumed.update(g.i for c, on_verb in setting for g in c.children if g.dep_ == "pobj"
                                  # "arrested three suspects in the attack on the mosque": an attack of its own
                                  and (on_verb or not any(p.dep_ == "prep" and p.lower_ in ("on", "against") for p in g.children))
                                  and any(r.type == "ASSAULT" for r in self.nouns.get(g.lemma_.lower(), ())))
        if (event_type == "COERCE" and cameo.startswith("172") and target is None and source is not None
                and source.country and state.kb is not None and source.country in state.kb.countries):
            # "Noboa declared a state of emergency", "the junta imposed a curfew": on its own people
            held = place.country if place is not None and place.country else source.country
            target = state._civilians(held) if held in state.kb.countries else None
        if (event_type == "AGREE" and cameo.startswith("03") and cameo != "036" and trigger.lemma_.lower() in _AGREEING
                and (len(parties) > 1 or (rule.reciprocal and target is not None and target.type != "thing"))):
            # "the army and the RSF agreed in Jeddah to open lines of communication", "Guyana and Venezuela agreed
            # that neither will use force": what two sides agree to do is their agreement (057), not an intent
            cameo = "057"
        if (event_type == "ASSAULT" and not rule.is_noun and trigger.dep_ == "ccomp" and _promised(trigger)
                and trigger.head.lemma_.lower() in REPORTING_VERBS | {"warn", "vow", "threaten", "pledge", "promise"}):
            # "the M23 said it would march on Goma", "warned that its forces will strike": an attack announced
            # by its author is a threat of force (138), not an attack
            event_type, cameo, modality = "THREATEN", "138", "planned"
        if event_type == "ASSAULT" and source is not None and source.sector == "COP" and _on_a_crowd(target, obj):
            # "police opened fire on demonstrators", "riot police fired rubber bullets at protesters": force used
            # by police on a crowd is repression (175), as CAMEO and PLOVER code it
            event_type, cameo = "COERCE", "175"
        everyone: list[ActorRecord] = []
        mutual = rule.reciprocal or (event_type in RECIPROCAL_TYPES and not one_way)
        if mutual and len(parties) > 2:
            everyone = list(parties)[:MAX_PARTIES]  # "Russia, Turkey and Iran met": one event, every party
            if target is not None and target not in everyone:
                everyone.append(target)
        event = EventRecord(
            type=event_type, cameo=cameo, source=source, target=target, date=day, location_name=location_name,
            location=place, modality=modality or "reported", negated=negated,
            trigger=" ".join(t.text for t in trigger_tokens), trigger_span=(start, end),
            confidence=round(min(confidence, 0.95), 2), reciprocal=rule.reciprocal, parties=everyone,
        )
        if everyone or source is None or (collective and not parties):
            return [event]
        sources = list(parties) if not mutual else [source]
        targets = [target] if target is not None else []
        if target is not None and (not mutual or len(parties) == 1):
            targets += [t for t in self._named_targets(rule, trigger, obj, state, source) if t not in targets]
        if len(parties) > 1 and _each_other(trigger, obj) and not mutual:
            return _each_to_the_others(event, sources)
        return _distributed(event, sources, targets)

    # --- parties
    def _subject_parties(self, trigger: Token, state: _State) -> list[ActorRecord]:
        subject = _subject(trigger)
        if subject is None:
            return []
        among = _among_whom(subject)
        if among is not None:
            subject = among  # "Britain, France and Germany were among seven governments that expelled ..."
        tokens = [subject] + [c for c in subject.conjuncts if c.i > subject.i]
        # headline coordination by comma: "Chile's president, Peru's premier meet on fisheries"
        for child in subject.children:
            if child.dep_ in ("nmod", "appos") and state.actor_in(child, persons_only=True):
                tokens.append(child)
        # "Egypt's Sisi and Jordan's King Abdullah met": the parser hangs the first person on the second as a
        # possessor; a person "owning" a person, coordinated with the second's country, is a party
        for child in subject.children:
            if (child.dep_ == "poss" and any(c.dep_ == "conj" for c in child.children)
                    and state.actor_in(child, persons_only=True) and state.actor_in(subject, persons_only=True)):
                tokens.append(child)
        # "Tokyo, Seoul denounce North Korean missile": a headline's first party, read as the verb's modifier
        tokens += [c for c in trigger.children if c.dep_ in ("npadvmod", "dep") and c.i < subject.i and c.pos_ == "PROPN"
                   and c.i + 1 < len(c.doc) and c.doc[c.i + 1].text == "," and (state.actor_in(c) or state.capital_in(c))]
        # "Senior Hungarian and Romanian officials": conjoined modifiers are conjoined parties
        for child in subject.children:
            if child.dep_ in ("amod", "compound", "nmod") and child.conjuncts:
                tokens.extend(c for c in (child, *child.conjuncts) if c not in tokens)
        # "the Directors General of Military Operations of India and Pakistan": the sides the officials are of
        tokens.extend(t for t in _sides_represented(subject) if t not in tokens)
        tokens.sort(key=lambda t: t.i)
        parties: list[ActorRecord] = []
        for token in tokens:
            actor = state.actor_in(token)
            if actor is None and len(tokens) > 1:
                actor = state.capital_in(token)  # "Seoul, Tokyo and Washington slam ...": each capital's government
            if actor is not None and actor not in parties:
                parties.append(actor)
        if not parties and subject.lower_ in _SUBJECT_PRONOUNS:
            parties = self._speaker_parties(trigger, subject.lower_, state) or self._governing_parties(trigger, subject.lower_, state)
        if not parties and _pair_of_sides(subject):
            parties = state.last_two_countries(subject)
        if (not parties and trigger.dep_ == "conj" and trigger.head.dep_ == "ccomp" and trigger.lemma_.lower() in _SPEECH_ACTS
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in trigger.children)
                and trigger.head.head.lemma_.lower() in _CLAIMING_VERBS | {"warn"}):
            # "Hamas said one convoy could not change the situation and called for a corridor": the parser
            # hangs the second verb on the reported clause; whoever said it is who called
            parties = self._subject_parties(trigger.head.head, state)
        return parties

    def _speaker_parties(self, trigger: Token, pronoun: str, state: _State) -> list[ActorRecord]:
        """Who "it", "they" or "he" is in a reported clause: the speaker of the verb that reports it
        ("Hezbollah said it had fired rockets", "Russia and Ukraine said they had each released 175
        prisoners"). Wire copy tells most acts this way; the speaker is the one who acted, as the
        coders of real wire copy read it. A pronoun that does not fit the speaker (a person for "it",
        a country for "he") stays unresolved."""
        node = trigger
        for _ in range(3):
            if node.dep_ not in ("ccomp", "conj", "xcomp") or node.head is node:
                return []
            node = node.head
            if node.lemma_.lower() in _CLAIMING_VERBS and node.pos_ in ("VERB", "AUX"):
                break
        else:
            return []
        speaker = next((c for c in node.children if c.dep_ == "nsubj"), None)
        if speaker is None or speaker.lower_ in _SUBJECT_PRONOUNS:
            return []
        found = self._subject_parties(node, state)
        allowed = _PRONOUN_TYPES[pronoun]
        return [a for a in found if a.type in allowed]

    def _governing_parties(self, trigger: Token, pronoun: str, state: _State) -> list[ActorRecord]:
        """Who "it" or "they" is in a clause that hangs on another verb of the sentence: that verb's subject
        ("Islamabad summoned India's envoy over what it called ceasefire violations", "AMISOM said it lost
        four soldiers and accused ..."). The nearest governing verb with a named subject, when the subject
        fits the pronoun; wire copy rarely reaches outside its sentence for "it"."""
        node = trigger
        for _ in range(4):
            if node.head is node or node.dep_ in ("ROOT",):
                return []
            node = node.head
            if node.pos_ not in ("VERB", "AUX"):
                continue
            subject = next((c for c in node.children if c.dep_ == "nsubj"), None)
            if subject is None or subject.lower_ in _SUBJECT_PRONOUNS or subject.lower_ in _RELATIVE_PRONOUNS:
                continue
            found = self._subject_parties(node, state)
            if any(a.type == "person" for a in found):
                return []  # "Tillerson and Wang Yi ..., where they were attending": the people, not a country
            allowed = _PRONOUN_TYPES[pronoun]
            return [a for a in found if a.type in allowed]
        return []

    def _noun_parties(self, trigger: Token, sources: Iterable[str], state: _State) -> list[ActorRecord]:
        parties: list[ActorRecord] = []
        for spec in sources:
            for child in trigger.children:
                if spec == "poss" and child.dep_ == "poss":
                    candidates = [child]
                elif spec == "mod" and child.dep_ in ("amod", "compound", "nmod") and child.i < trigger.i:
                    candidates = [child]  # "an Israeli air strike", "a Houthi rocket attack", "coalition raids"
                elif child.dep_ == "prep" and child.lower_ == spec:
                    candidates = [g for g in child.children if g.dep_ == "pobj"]
                    candidates += [c for g in candidates for c in g.conjuncts]
                else:
                    continue
                for candidate in candidates:
                    actor = state.actor_in(candidate)
                    if actor is not None and spec == "mod" and actor.type == "location":
                        continue  # "the Nabatieh raid": where it happened, not who did it
                    if actor is not None and actor not in parties:
                        parties.append(actor)
        if not parties:
            parties = self._claimed_by(trigger, state)
        return parties

    def _claimed_by(self, noun: Token, state: _State) -> list[ActorRecord]:
        """Who claimed an attack: "the bombing in Waaberi, which al-Shabaab claimed", "al-Shabaab claimed
        responsibility for the attack", "the attack, claimed by the Islamic State"."""
        claimers: list[Token] = []
        # the clause may hang on the attack's place ("the bombing in Waaberi district, which al-Shabaab claimed")
        for child in noun.subtree:
            if child.dep_ in ("relcl", "acl") and child.lemma_.lower() == "claim" and child.head.i >= noun.i:
                claimers += [g for g in child.children if g.dep_ == "nsubj"]
                claimers += [x for g in child.children if g.dep_ == "agent" for x in g.children if x.dep_ == "pobj"]
            if child.dep_ in ("relcl", "acl") and child.lemma_.lower() in ("blame", "attribute", "pin") and child.head.i >= noun.i:
                # "a daylight raid that civil society sources blamed on the Allied Democratic Forces"
                claimers += [x for g in child.children if g.dep_ == "prep" and g.lower_ in ("on", "to")
                             for x in g.children if x.dep_ == "pobj"]
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_.lower() in ("responsibility", "credit"):
            verb = head.head.head
            if verb.lemma_.lower() in ("claim", "take", "accept", "admit"):
                claimers += [g for g in verb.children if g.dep_ == "nsubj"]
        found = [a for a in (state.actor_in(t) for t in claimers) if a is not None]
        return found[:1]

    def _target(self, rule: Rule, trigger: Token, obj: Token | None, state: _State, source: ActorRecord | None,
                places_ok: bool = False) -> ActorRecord | None:
        found = self._named_target(rule, trigger, obj, state, source)
        if found is not None:
            return found
        # no named actor: the place or the people acted on ("hit a market in Idlib", "killed 12 villagers");
        # people are a target of any event ("urged residents to leave", "handed over 55 prisoners"), places
        # and sites only of the physical ones
        for candidate in self._target_tokens(rule, trigger, obj):
            place = state.target_in(candidate, people_only=not places_ok)
            if place is not None and (source is None or place.id != source.id):
                return place
        return None

    @staticmethod
    def _target_tokens(rule: Rule, trigger: Token, obj: Token | None) -> list[Token]:
        holders = [trigger] + _object_holders(obj)
        tokens: list[Token] = []
        for spec in rule.target:
            if spec == "object" and obj is not None:
                tokens.append(obj)
            elif spec == "purpose":
                tokens.extend(_purpose_objects(trigger))
            elif spec == "destination":
                tokens.extend(_destinations(trigger))
            elif spec not in ("dative", "poss", "object"):
                for holder in holders:
                    for child in holder.children:
                        if child.dep_ == "prep" and child.lower_ == spec:
                            tokens.extend(_prep_objects(child))
        return tokens

    def _named_target(self, rule: Rule, trigger: Token, obj: Token | None, state: _State, source: ActorRecord | None) -> ActorRecord | None:
        found = self._named_targets(rule, trigger, obj, state, source)
        return found[0] if found else None

    def _named_targets(self, rule: Rule, trigger: Token, obj: Token | None, state: _State,
                       source: ActorRecord | None) -> list[ActorRecord]:
        """Every named actor of the first of the rule's target slots that names one, in the sentence's
        order: "accused Russia and Belarus of ..." gives both, "met Xi Jinping" one."""
        holders = [trigger] + _object_holders(obj)
        # "stayed away from the Assembly", "pulled out of the talks": a preposition hung on the verb's adverb
        holders += [c for c in trigger.children if c.dep_ in ("advmod", "prt") and c.lower_ in ("away", "out", "back", "off")]
        # "spoke on a video call with Xi": the call's partner is the one spoken with
        holders += [g for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("on", "over", "via", "by", "in")
                    for g in c.children if g.dep_ == "pobj" and g.lemma_.lower() in _CALLS]
        if obj is None:
            obj = _complement_subject(trigger)  # "urged Pyongyang to return": the one urged is the target
        for spec in rule.target:
            candidates: list[Token] = []
            if spec == "object" and obj is not None:
                candidates = [obj]
            elif spec == "dative":
                candidates = [c for c in trigger.children if c.dep_ in ("dative", "iobj")]
                candidates = [g for c in candidates for g in ([c] + [x for x in c.children if x.dep_ == "pobj"])]
            elif spec == "poss":
                candidates = [c for c in trigger.children if c.dep_ == "poss"]
            elif spec == "purpose":
                candidates = _purpose_objects(trigger)
            elif spec == "destination":
                candidates = _destinations(trigger)
            elif spec == "clause_subject":
                # "said the attacks on the convoy were a war crime": the clause's subject, else its "by"
                predicate = _predicate(trigger)
                clause = predicate.head if predicate is not None and predicate.dep_ in ("acomp", "attr", "prep") else None
                if clause is not None:
                    candidates = [g for g in clause.children if g.dep_ in ("nsubj", "nsubjpass")]
                    candidates += [x for g in predicate.children if g.dep_ == "prep" and g.lower_ == "by"
                                   for x in g.children if x.dep_ == "pobj"]
                elif rule.predicate is None:
                    # "warned that any Japanese military involvement would be met with a counterstrike": whoever the
                    # reported clause is about
                    candidates = [g for c in trigger.children if c.dep_ == "ccomp" for g in c.children if g.dep_ in ("nsubj", "nsubjpass")
                                  and not any(p.dep_ == "poss" and p.pos_ == "PRON" for p in g.children)]  # not "their forces"
            else:
                for holder in holders:
                    for child in holder.children:
                        if child.dep_ in ("prep", "dative") and child.lower_ == spec:
                            candidates.extend(_prep_objects(child))
            for candidate in candidates:
                # the candidate and what it is coordinated with, not a second phrase of the same preposition
                # ("an agreement with the EU on ... with Azerbaijan" is the parser's, not two parties)
                found: list[ActorRecord] = []
                for token in sorted([candidate, *candidate.conjuncts, *_sides_represented(candidate)], key=lambda t: t.i):
                    actor = (state.actor_in(token) or state.capital_in(token) or state.pronoun_in(token, source)
                             or state.embassy_in(token))
                    site = state.unnamed_owners_site(token, actor)
                    if site is not None:
                        actor = None if site is _NO_ONE else site
                    if found and state.kb is not None and state.kb.country_by_demonym(token.text):
                        continue  # "19 Serbs and Bosniaks and one Albanian": people of a place, not more parties
                    if actor is not None and (source is None or actor.id != source.id) and actor not in found:
                        found.append(actor)
                if found:
                    return found
        return []

    # --- modality, negation, date, location
    def _modality(self, trigger: Token, base: str | None) -> str | None:
        node = trigger
        for _ in range(3):
            if node.dep_ not in ("xcomp", "acl", "ccomp") or node.head is node:
                break
            governor = node.head
            found = self.modal.get(governor.lemma_.lower())
            if found and governor.lemma_.lower() not in ("agree",):
                return found
            node = governor
        if base:
            return base
        if _future(trigger):
            return "planned"
        return None

    @staticmethod
    def _negated(trigger: Token) -> bool:
        if any(c.dep_ == "neg" for c in trigger.children):
            return True
        head = trigger.head
        return trigger.dep_ in ("xcomp",) and any(c.dep_ == "neg" for c in head.children)

    @staticmethod
    def _date(chain: list[Token], state: _State, tense: str) -> date | None:
        for node in chain:
            for child in node.children:
                found = None
                if child.dep_ in ("npadvmod", "tmod", "advmod", "obl") and child.ent_type_ == "DATE":
                    found = child
                elif child.dep_ == "prep" and child.lower_ in TEMPORAL:
                    found = next((g for g in child.children if g.dep_ == "pobj" and g.ent_type_ == "DATE"), None)
                if found is not None:
                    resolved = state.resolve(found, tense)
                    if resolved is not None:
                        return resolved
        return None

    def _reported_date(self, trigger: Token, state: _State) -> date | None:
        node = trigger
        while node.dep_ in ("conj", "xcomp", "advcl") and node.head is not node:
            node = node.head
        if node.dep_ != "ccomp" or node.head.lemma_.lower() not in REPORTING_VERBS:
            return None
        reporter = node.head
        for child in reporter.children:
            if child is node or child.dep_ != "prep":
                continue
            for pobj in (g for g in child.children if g.dep_ == "pobj"):
                if pobj.ent_type_ == "DATE":
                    resolved = state.resolve(pobj, "past")
                    if resolved:
                        return resolved
                for inner in (g for g in pobj.children if g.dep_ == "prep" and g.lower_ in TEMPORAL):
                    for deep in (g for g in inner.children if g.dep_ == "pobj" and g.ent_type_ == "DATE"):
                        resolved = state.resolve(deep, "past")
                        if resolved:
                            return resolved
        for child in reporter.children:
            if child.dep_ in ("npadvmod", "advmod") and child.ent_type_ == "DATE":
                resolved = state.resolve(child, "past")
                if resolved:
                    return resolved
        return None

    @staticmethod
    def _location(chain: list[Token], state: _State) -> tuple[str | None, PlaceRecord | None]:
        # where it happened before where it came from: "crossed from Egypt into Gaza" happened in Gaza
        preps = [c for node in chain for c in node.children if c.dep_ == "prep" and c.lower_ in LOCATIVE]
        for prep in sorted(preps, key=lambda p: p.lower_ == "from"):
            frontier = [g for g in prep.children if g.dep_ == "pobj"]
            while frontier:
                pobj = frontier.pop(0)
                place = state.place_in(pobj)
                if place is not None:
                    return place.name, place
                if pobj.ent_type_ == "GPE":
                    actor = state.actor_in(pobj)
                    if actor is not None and actor.type == "country":
                        return actor.name, None
                if pobj.ent_type_ in ("GPE", "LOC", "FAC") and state.token_actor.get(pobj.i) is None:
                    ent = state.entity(pobj)
                    if ent is not None:
                        return ent.text, None  # a village or a site the gazetteer does not know
                for inner in pobj.children:
                    # "in the Idlib province town of Maarat al-Numan", "outside the municipal building in Zvecan"
                    if inner.dep_ == "prep" and inner.lower_ in ("of", "in"):
                        frontier.extend(g for g in inner.children if g.dep_ == "pobj")
                    elif inner.dep_ in ("appos", "conj"):
                        frontier.append(inner)
        return None, None


class _State:
    """What the coder knows about one Doc while it reads it."""

    def __init__(self, doc: Doc, actors: dict[str, ActorRecord], token_actor: dict[int, str],
                 places: dict[int, PlaceRecord], published: date | None, kb: KnowledgeBase | None = None):
        self.doc = doc
        self.kb = kb
        self.actors = actors
        self.token_actor = token_actor
        self.places = places
        self.published = published
        self.consumed: set[int] = set()
        self._ents = {i: e for e in doc.ents for i in range(e.start, e.end)}
        self._article_country: str | None = None
        self.dateline_country: str | None = None
        self.events: list[EventRecord] = []  # coded so far, in text order

    def actor_in(self, token: Token | None, *, persons_only: bool = False) -> ActorRecord | None:
        """The actor a token names, looking into its noun phrase ("the French Minister ... Jean-Marc Ayrault")."""
        if token is None:
            return None
        direct = self.token_actor.get(token.i)
        if direct is not None:
            actor = self.actors.get(direct)
            if actor is not None and (not persons_only or actor.type == "person"):
                return actor
        if token.lower_ in _RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            return self.actor_in(token.head.head, persons_only=persons_only)
        if token.lemma_.lower() in _RELATIONAL:
            return None  # "a Bolsonaro ally", "Putin's spokesman": someone else, not the one named
        found: list[tuple[int, int, ActorRecord]] = []
        frontier = [(c, 1) for c in token.children if c.dep_ in ("appos", "compound", "amod", "prep", "conj", "nmod", "poss")]
        while frontier:
            node, depth = frontier.pop(0)
            if node.dep_ == "prep" and node.lower_ != "of":
                continue
            actor_id = self.token_actor.get(node.i)
            if actor_id is not None and actor_id in self.actors:
                actor = self.actors[actor_id]
                found.append((_PRIORITY.get(actor.type, 5), depth, actor))
            if depth < 4:
                frontier.extend((c, depth + 1) for c in node.children if c.dep_ in ("appos", "compound", "amod", "prep", "pobj", "conj", "nmod", "poss"))
        if persons_only:
            found = [f for f in found if f[2].type == "person"]
        if not found:
            return None if persons_only else self._represented(token)
        if token.pos_ == "NOUN" and all(f[2].type == "country" for f in found) and token.lemma_.lower() in _THINGS:
            return None  # "the Yemen crisis" is not Yemen acting
        return min(found, key=lambda f: (f[0], f[1]))[2]

    def _represented(self, token: Token) -> ActorRecord | None:
        """The side that people of a representative noun act for, through a preposition ``actor_in`` does not
        follow ("sanctions on officials loyal to Maduro", "on 13 figures from Venezuela's government"): the
        country of the first actor in the phrase, as a country, for the officials are not the one named."""
        if token.lemma_.lower() not in _REPRESENTATIVES or self.kb is None:
            return None
        preps = [c for c in token.children if c.dep_ == "prep" and c.lower_ in _REPRESENTING_PREPS]
        preps += [p for a in token.children if a.dep_ == "amod" for p in a.children if p.dep_ == "prep" and p.lower_ == "to"]
        for prep in preps:
            for node in prep.subtree:
                actor_id = self.token_actor.get(node.i)
                actor = self.actors.get(actor_id) if actor_id is not None else None
                if actor is not None and actor.type == "group":
                    return actor  # "officials from the Houthis" are the Houthis', not Yemen's
                if actor is not None and actor.country and actor.country in self.kb.countries:
                    return self.country_actor(actor.country)
        return None

    def place_in(self, token: Token) -> PlaceRecord | None:
        found = self.places.get(token.i)
        if found is None and token.lemma_.lower() in REGION_WORDS:
            # "in Zamfara state", "in the Kharkiv region": the named part of the phrase
            found = next((self.places[c.i] for c in token.children if c.dep_ in ("compound", "amod", "nmod") and c.i in self.places), None)
        return found

    def entity(self, token: Token) -> Span | None:
        return self._ents.get(token.i)

    def capital_in(self, token: Token) -> ActorRecord | None:
        """A capital acted on stands for its government: "blamed Islamabad", "urged Tehran to de-escalate"."""
        ent = self._ents.get(token.i)
        if ent is None or ent.label_ != "GPE" or self.kb is None:
            return None
        iso3 = self.kb.capital_index.get(normalize(ent.text))
        if iso3 is None or iso3 not in self.kb.countries:
            return None
        return self.country_actor(iso3)

    def embassy_in(self, token: Token) -> ActorRecord | None:
        """An embassy stands for the country it represents: "threw stones at the U.S. Embassy", "the Israeli
        consulate was attacked". The model often tags "U.S. Embassy" as one facility, hiding the country."""
        if token.lemma_.lower() not in _MISSION_NOUNS or self.kb is None:
            return None
        for child in token.children:
            if child.dep_ not in ("compound", "amod", "poss", "nmod"):
                continue
            words = [t.text for t in child.subtree if t.dep_ != "case" and t.text not in ("'s", "'")]
            iso3 = self.kb.country_of(" ".join(words)) or self.kb.country_of(child.text)
            if iso3 and iso3 in self.kb.countries:
                return self.country_actor(iso3)
        return None

    def authorities(self, iso3: str) -> ActorRecord:
        """A country's unnamed authorities: who arrests when a sentence names no one."""
        assert self.kb is not None
        name = self.kb.countries[iso3].name
        return ActorRecord(f"authorities:{iso3}", f"{name} authorities", "organization", iso3, sector="GOV")

    def country_actor(self, iso3: str) -> ActorRecord:
        """The article's actor for a country, or a new record of it."""
        for actor in self.actors.values():
            if actor.type == "country" and actor.country == iso3:
                return actor
        assert self.kb is not None
        return ActorRecord(slug(self.kb.countries[iso3].name), self.kb.countries[iso3].name, "country", iso3, known=True)

    def other_country(self, token: Token, own: str | None) -> ActorRecord | None:
        """The first country of the token's sentence other than ``own``."""
        for node in token.sent:
            actor_id = self.token_actor.get(node.i)
            actor = self.actors.get(actor_id) if actor_id else None
            if actor is not None and actor.type == "country" and actor.country and actor.country != own:
                return actor
        return None

    def last_two_countries(self, token: Token) -> list[ActorRecord]:
        """"The two countries", "both sides": the last two countries named before, in this sentence or the
        one before ("India suspended the treaty and the two countries expelled each other's diplomats")."""
        sent = token.sent
        start = sent.start if sent.start == 0 else self.doc[sent.start - 1].sent.start
        found: list[ActorRecord] = []
        for i in range(token.i - 1, start - 1, -1):
            actor_id = self.token_actor.get(i)
            actor = self.actors.get(actor_id) if actor_id is not None else None
            if actor is None or not actor.country or actor.country == "IGO":
                continue
            if all(f.country != actor.country for f in found):
                found.append(actor if actor.type == "country" else self.country_actor(actor.country))
            if len(found) == 2:
                return found[::-1]
        return []

    def pronoun_in(self, token: Token, source: ActorRecord | None) -> ActorRecord | None:
        """ "him", "them": the last person or group named before it in the sentence, other than the source."""
        if token.lower_ not in ("him", "her", "them"):
            return None
        for node in reversed(token.sent[: token.i - token.sent.start]):
            actor_id = self.token_actor.get(node.i)
            actor = self.actors.get(actor_id) if actor_id else None
            if actor is not None and (source is None or actor.id != source.id) and actor.type in (("person", "group", "organization", "igo") if token.lower_ != "them" else ("group", "organization", "country", "person")):
                return actor
        return None

    @property
    def article_country(self) -> str | None:
        """The country the story is about: the dateline's, else the country named most often."""
        if self._article_country is None:
            counts: dict[str, int] = {}
            for actor in self.actors.values():
                if actor.type == "country" and actor.country:
                    counts[actor.country] = counts.get(actor.country, 0) + len(actor.mentions)
            if not counts:
                # "Lukashenko pardoned 30 political prisoners": a story that names no country is its people's
                for actor in self.actors.values():
                    if actor.type == "person" and actor.known and actor.country and actor.country != "IGO":
                        counts[actor.country] = counts.get(actor.country, 0) + len(actor.mentions)
            self._article_country = (self.dateline_country or (max(counts, key=lambda c: counts[c]) if counts else "")) or ""
        return self._article_country or None

    def _country_near(self, token: Token) -> str | None:
        """A country named in the token's own phrase ("Ukrainian civilians", "the south Lebanon village of Kunin")."""
        for node in token.subtree:
            actor_id = self.token_actor.get(node.i)
            actor = self.actors.get(actor_id) if actor_id else None
            if actor is not None and actor.type == "country" and actor.country:
                return actor.country
        for node in [token, *token.subtree]:
            place = self.places.get(node.i)
            if place is not None and place.country:
                return place.country
        return None

    def target_in(self, token: Token | None, *, people_only: bool = False) -> ActorRecord | None:
        """What an attack, an arrest or an aid delivery was aimed at when no named actor is: a place
        ("hit El Fasher"), a site ("a crowded market"), or people ("killed 12 villagers"), each with the
        country it is in (its own phrase's, else the place's, else the story's)."""
        if token is None:
            return None
        named = self.actor_in(token)
        lemma = token.lemma_.lower()
        site = self.unnamed_owners_site(token, named)
        if site is not None:
            return None if site is _NO_ONE else site
        if named is not None:
            return named
        if lemma in _QUANTITIES or token.like_num:
            # "hundreds of boys", "dozens of villagers", "the bodies of 1,200 Ukrainian soldiers"
            inner = next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None)
            found = self.target_in(inner, people_only=people_only) if inner is not None else None
            if found is not None:
                return found
        if people_only and not (lemma in _PEOPLE_NOUNS or token.lower_ in _PEOPLE_NOUNS):
            return None
        if _open_water(token):
            return None  # "launched a missile toward the East Sea": a launch, not an attack on the sea
        for node in [token, *(c for c in token.children if c.dep_ in ("compound", "appos"))]:
            place = self.places.get(node.i)
            if place is not None:
                return self._location(place.name, place.country or self.article_country)
            ent = self._ents.get(node.i)
            if ent is not None and ent.label_ in ("GPE", "LOC", "FAC"):
                return self._location(ent.text, self._country_near(token) or self.article_country)
        if lemma in _PEOPLE_NOUNS or token.lower_ in _PEOPLE_NOUNS:
            country = self._country_near(token) or self._sentence_country(token) or self.article_country
            return self._civilians(country) if country else None
        if lemma in _SITE_NOUNS:
            # "a market in the Idlib province town of Maarat al-Numan": the place inside the phrase, if any
            for node in token.subtree:
                if node is not token and (self.places.get(node.i) is not None or (node.i in self._ents and self._ents[node.i].label_ in ("GPE", "LOC", "FAC"))):
                    inner = self.target_in(node)
                    if inner is not None:
                        return inner
            country = self._country_near(token) or self._sentence_country(token) or self.article_country
            return self._location(" ".join(t.text for t in token.subtree if t.dep_ != "det" and t.i <= token.i) or token.text, country) if country else None
        if not people_only and token.pos_ == "NOUN":
            # "the gate of the Central Hotel", "the outskirts of Kharkiv": the place the part belongs to
            inner = next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None)
            if inner is not None:
                return self.target_in(inner)
        return None

    def unnamed_owners_site(self, token: Token, owner: ActorRecord | None) -> ActorRecord | None:
        """ "An army base in Uri": a site of an unnamed force (whose army the word does not say) is the place
        its phrase names, in that place's country; None when the phrase names no place or the owner is named."""
        if owner is None or owner.known or token.lemma_.lower() not in _SITE_NOUNS or not any(
                c.dep_ == "compound" and self.token_actor.get(c.i) == owner.id for c in token.children):
            return None
        place = next((self.places[n.i] for n in token.subtree if n.i in self.places and self.places[n.i].country), None)
        if place is not None:
            return self._location(place.name, place.country)
        country = next((self.actors[self.token_actor[n.i]].country for n in token.subtree if n.i in self.token_actor
                        and self.actors.get(self.token_actor[n.i]) is not None
                        and self.actors[self.token_actor[n.i]].type == "country"), None)  # "an air base in western Iraq"
        name = " ".join(t.text for t in token.subtree if t.dep_ != "det" and t.i <= token.i)
        return self._location(name, country) if country else _NO_ONE  # whose base stays unknown: no guess

    def phrase_target(self, token: Token, source: ActorRecord | None = None) -> ActorRecord:
        """An act or a thing as an event's target ("the ban", "the move"), with the country its own phrase
        names ("Pyongyang's missile test"), if any: what an analyst reads as "condemned -> the ban".
        An act the story has just told ("Iranian authorities held the ambassador ...; Raab called the
        arrest a violation") is its author's: the last event coded before it, by someone else."""
        authors = [c for c in token.children if c.dep_ == "poss"]
        authors += [g for acl in token.children if acl.dep_ == "acl" for by in acl.children
                    if by.dep_ in ("agent", "prep") and by.lower_ == "by" for g in by.children if g.dep_ == "pobj"]
        for node in authors:
            actor = self.actor_in(node)
            if actor is not None:
                return actor  # "rejected the proposal put forward by Colombia": Colombia's proposal
        kinds = _DONE_ACTS.get(token.lemma_.lower())
        if kinds and token.i not in self.consumed:
            # only an act of that kind, told in this sentence or the one before ("detained ... condemned the
            # arrest"), not whoever acted last anywhere in the article
            sent = token.sent
            since = sent.start_char if sent.start == 0 else self.doc[sent.start - 1].sent.start_char
            for event in reversed(self.events):
                if event.trigger_span[0] < since:
                    break
                if event.type in kinds and event.source is not None and (source is None or event.source.id != source.id):
                    return event.source
        words = [t for t in token.subtree if t.i <= token.i and t.dep_ not in ("det", "punct") and t.i >= token.i - 5]
        name = " ".join(t.text for t in words) or token.text
        # a thing of no named author is the story's ("condemned the ban" in a story on the Taliban's ban),
        # unless the story's country is the speaker's own ("Lithuania rejected the move": not its own move)
        country = self._country_near(token) or self.article_country
        if country is not None and source is not None and country == source.country and self._country_near(token) is None:
            country = None
        return ActorRecord(f"thing:{name.lower()}", name, "thing", country)

    def _sentence_country(self, token: Token) -> str | None:
        for node in token.sent:
            place = self.places.get(node.i)
            if place is not None and place.country:
                return place.country
        return None

    def _location(self, name: str, country: str | None) -> ActorRecord:
        return ActorRecord(f"place:{name.lower()}", name, "location", country)

    def nearest_place(self, token: Token) -> PlaceRecord | None:
        """The place of the token's sentence nearest to it that the gazetteer puts in a country."""
        sent = token.sent
        best: tuple[int, PlaceRecord] | None = None
        for node in sent:
            place = self.places.get(node.i)
            if place is not None and place.country and (best is None or abs(node.i - token.i) < best[0]):
                best = (abs(node.i - token.i), place)
        return best[1] if best else None

    def force_target(self, token: Token, source: ActorRecord | None) -> ActorRecord | None:
        """Where force was used when no target is named: the sentence's nearest place (in any country: a
        civil war is fought at home), else the dateline's country unless it is the source's own ("WASHINGTON -
        The U.S. military said it carried out strikes": filed at home, fought elsewhere)."""
        nearest = self.nearest_place(token)
        if nearest is not None:
            return self.located_target(nearest.name, nearest.country)  # type: ignore[arg-type]
        own = source.country if source is not None else None
        if self.dateline_country and self.dateline_country != own and self.kb is not None and self.dateline_country in self.kb.countries:
            return self.country_actor(self.dateline_country)
        return None

    def located_target(self, name: str, country: str) -> ActorRecord:
        """A place attacked or raided, as a target in the country it lies in."""
        return self._location(name, country)

    def crowd(self, country: str) -> ActorRecord:
        """Protesters no actor names, of a country."""
        return ActorRecord(f"protesters:{country}", f"protesters ({country})", "group", country, sector="CVL")

    def crowd_at(self, token: Token) -> ActorRecord | None:
        """The protesters of where they protest: the sentence's city or province ("the streets of London"),
        else a country it names that the protest is not against or for ("across France"; not "against
        Israel's war", "in support of Ukraine"), else the dateline's or the story's country; None when none
        is known."""
        country = self._sentence_country(token)
        if country is None:
            country = next((self.actors[self.token_actor[n.i]].country for n in token.sent if n.i in self.token_actor
                            and self.actors.get(self.token_actor[n.i]) is not None
                            and self.actors[self.token_actor[n.i]].type == "country" and not _aimed_at(n)), None)
        country = country or self.dateline_country or self.article_country
        return self.crowd(country) if country and self.kb is not None and country in self.kb.countries else None

    def _civilians(self, country: str) -> ActorRecord:
        return ActorRecord(f"civilians:{country}", f"civilians ({country})", "group", country, sector="CVL")

    def resolve(self, token: Token, tense: str) -> date | None:
        ent = self._ents.get(token.i)
        if ent is None or ent.label_ != "DATE":
            return None
        found = resolve_date(ent.text, self.published, tense)  # type: ignore[arg-type]
        if found is None or found.granularity == "year":
            return None
        return found.date


# nouns that name an act someone did: as the target of a condemnation, the act stands for its author
_VIOLENCE = frozenset({"ASSAULT"})
_FORCE = frozenset({"COERCE", "ASSAULT"})
_DONE_ACTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("attack", "strike", "airstrike", "raid", "bombing", "killing", "kidnapping", "abduction",
                     "execution", "invasion", "offensive", "assault", "shelling", "incursion"), _VIOLENCE),
    **dict.fromkeys(("arrest", "detention", "crackdown", "seizure", "takeover"), _FORCE),
    **dict.fromkeys(("test", "launch"), frozenset({"MOBILIZE", "ASSAULT"})),
    "expulsion": frozenset({"SANCTION", "COERCE"}),
}

_LIGHT_VERBS = frozenset({"carry", "launch", "conduct", "stage", "mount", "make", "hold", "announce", "approve", "pledge",
                          "unveil", "provide", "send", "deliver", "give", "offer", "issue", "impose", "begin", "start",
                          "order", "claim", "open", "lodge", "file", "sign", "reach", "step"})


_TOLL_VERBS = frozenset({"kill", "wound", "injure", "hurt", "maim", "leave"})
_DAMAGE_VERBS = frozenset({"destroy", "damage", "flatten", "level", "raze", "burn"})


def _consequences(trigger: Token) -> list[Token]:
    """The verbs that tell an attack's toll: its participles ("hit the market, killing 12 and wounding 18")
    and, for an attack named by a noun, the verb it is the subject of ("the strike killed 21") or its
    relative clause ("the strikes that killed 20")."""
    found = [c for c in trigger.children if c.dep_ in ("advcl", "xcomp", "conj") and c.tag_ == "VBG"
             and c.lemma_.lower() in _TOLL_VERBS | _DAMAGE_VERBS]  # "..., destroying three homes": its damage
    found += [g for c in found for g in c.conjuncts if g.lemma_.lower() in _TOLL_VERBS]
    nominal = trigger.pos_ in ("NOUN", "PROPN") or (trigger.tag_ == "VBG" and trigger.dep_ in _NOMINAL_DEPS)
    if nominal and trigger.dep_ in ("nsubj", "nsubjpass", "csubj") and trigger.head.lemma_.lower() in _TOLL_VERBS:
        found.append(trigger.head)
    if trigger.pos_ in ("NOUN", "PROPN"):
        found += [c for c in trigger.children if c.dep_ == "relcl" and c.lemma_.lower() in _TOLL_VERBS]  # "strikes that killed 20"
    return found


# what an attack named by a noun does to what it hits ("the strike destroyed their house"): the attack's verb
_NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "pobj", "dobj", "csubj", "appos"})
_HIT_VERBS = frozenset({"hit", "destroy", "damage", "level", "flatten", "raze", "target", "strike", "kill", "wound",
                        "injure", "set"})
_WATERS = frozenset({"sea", "ocean", "gulf", "bay", "strait", "straits", "waters", "channel"})


def _open_water(token: Token) -> bool:
    """A sea or an ocean ("the East Sea", "the Sea of Japan", "Japanese waters"): nobody's to attack."""
    return token.lower_ in _WATERS  # the head noun only: "Gulf states", "Red Sea shipping" are not water


def _light_verb(noun: Token) -> Token | None:
    """The verb a noun trigger is the object of, whose subject is the noun's source: "Israel carried out
    an air strike", "Washington announced $8 billion in military aid" (through "in" and "of" too)."""
    node = noun
    for _ in range(3):
        head = node.head
        if node.dep_ in ("dobj", "obj") and head.pos_ == "VERB":
            return head if head.lemma_.lower() in _LIGHT_VERBS else None
        if node.dep_ == "pobj" and head.lower_ in ("in", "of", "for") and head.head is not head:
            node = head.head
            continue
        if node.dep_ in ("conj", "appos"):
            node = head
            continue
        return None
    return None


def _unattributed_attack(rule: Rule, trigger: Token) -> bool:
    """An attack told without its author: a noun trigger ("air strikes on Idlib city killed 21") or a verb
    whose subject is the weapon or the attack itself ("a car bomb exploded", "the raid killed 100",
    "gunmen opened fire"). Coded with no source rather than not at all: the gold of real wire copy
    counts them, and an analyst searching for attacks on a town wants them."""
    noun = trigger if rule.is_noun else _subject(trigger)
    if noun is None or any(c.lemma_.lower() in _NOT_VIOLENCE for c in noun.children if c.dep_ in ("compound", "amod", "nmod")):
        return False  # "a heart attack", "a shark attack", "a gas explosion"
    if noun.lemma_.lower() in ("blast", "explosion", "bomber") and any(c.lower_ == "suicide" for c in noun.children):
        return True  # "a suicide blast at a checkpoint kills 15": a bombing, not an accident
    if noun.lemma_.lower() in ("device", "ied", "landmine") and (noun.lemma_.lower() != "device" or any(
            c.lower_ in ("explosive", "improvised", "incendiary") for c in noun.children)):
        return True  # "an improvised explosive device killed three soldiers"
    return rule.is_noun or noun.lemma_.lower() in _ATTACK_SUBJECTS or noun.lower_ in _ATTACK_SUBJECTS


def _asked_for_or_denied(token: Token) -> bool:
    """An act someone demands, urges or denies is not an act that happened: "insisted that Minsk
    investigate and swiftly free the 33 citizens", "demanded that Iran apologise", "denied joining the
    demonstration". The demand is the event (coded from its own verb); the act it asks for is not."""
    node = token
    for _ in range(3):
        if node.dep_ == "conj" and node.head is not node:
            node = node.head
            continue
        if node.dep_ in ("ccomp", "xcomp") and node.head is not node:
            return node.head.lemma_.lower() in _DEMANDING_VERBS and node.head.pos_ in ("VERB", "AUX")
        return False
    return False


# what two sides "agree" to do is their agreement (057); what they "pledge" or "promise" stays an intent (03),
# as wire coders code "pledged to deepen cooperation"
_AGREEING = frozenset({"agree"})
_PROTESTERS = frozenset({"protester", "protestor", "demonstrator", "marcher", "rioter", "picketer"})
# What is done by or to a crowd that shows it protesting: gathering, marching, fighting police, being dispersed,
# fired on or arrested ("the minister met protesters", "protesters have died" show no protest).
_CROWD_ACTS = frozenset({"fire", "shoot", "disperse", "scatter", "break", "beat", "charge", "attack", "clash", "hurl", "throw",
                         "set", "burn", "torch", "storm", "march", "rally", "gather", "mass", "assemble", "block", "barricade",
                         "chant", "surround", "occupy", "overrun", "kill", "injure", "wound", "arrest", "detain", "hit", "push",
                         "confront", "use", "turn", "include", "battle", "fight", "pelt", "loot", "protest", "demonstrate",
                         "spray", "lob", "round", "drag", "chase", "carry", "wave", "shout", "converge", "flood", "pour", "try",
                         "demand", "call"})
_CROWDS = frozenset({"protester", "demonstrator", "crowd", "marcher", "rioter", "protesters", "demonstrators"})
_DENIED = frozenset({"report", "accusation", "allegation", "claim", "charge", "suggestion", "assertion", "notion"})
_DENYING = frozenset({"reject", "dismiss", "deny", "refute", "rebut", "brush"})


def _among_whom(subject: Token) -> Token | None:
    """The subject of "X were among the Ys that did it" for the Ys of "that did it": X did it."""
    noun = subject.head.head if subject.lower_ in _RELATIVE_PRONOUNS and subject.head.dep_ == "relcl" else subject
    if noun.dep_ == "pobj" and noun.head.lower_ == "among" and noun.head.head.lemma_ == "be":
        return next((c for c in noun.head.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return None


def _object_holders(obj: Token | None) -> list[Token]:
    """Where an object's own prepositions hang: on it, or on the noun of its "of" ("handed a note of protest to
    the Japanese ambassador")."""
    if obj is None:
        return []
    return [obj] + [g for c in obj.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]


def _sides_represented(noun: Token) -> list[Token]:
    """The coordinated sides officials are of: "met the presidents of Panama and Uruguay" met both."""
    if noun.lemma_.lower() not in _SPEAKING_FOR and noun.lower_ not in _OFFICE_HOLDERS:
        return []
    # through a nested "of" ("the Directors General of Military Operations of India and Pakistan")
    frontier = [noun]
    for _ in range(2):
        objects = [o for n in frontier for p in n.children if p.dep_ == "prep" and p.lower_ == "of"
                   for o in p.children if o.dep_ == "pobj"]
        for obj in objects:
            if obj.conjuncts:
                return [obj, *obj.conjuncts]
        frontier = objects
    return []


def _purpose_objects(trigger: Token) -> list[Token]:
    """The objects of what an act was for: "fired tear gas to scatter thousands of protesters"."""
    return [o for c in trigger.children if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB"
            and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            for o in c.children if o.dep_ in ("dobj", "obj")]


_GOING = frozenset({"travel", "go", "visit", "trip", "journey", "fly"})


def _destinations(trigger: Token) -> list[Token]:
    """Where the act warns against going: "not to travel to Syria", "against travelling to remote parts of
    Algeria" (the place, or the country the part is of); "told citizens it was safe to travel" warns of nothing."""
    found = []
    for node in trigger.subtree:
        warned = any(c.dep_ == "neg" for c in node.children) or node.head.lower_ in ("against", "avoid") or (
            node.head.lemma_.lower() in ("avoid", "reconsider"))
        if (node.lemma_.lower() in _GOING or node.lower_ in _GOING) and warned:
            for prep in node.children:
                if prep.dep_ == "prep" and prep.lower_ in ("to", "in"):
                    for obj in _prep_objects(prep):
                        inner = [g for c in obj.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
                        found.extend([obj, *inner])
    return found


def _prep_objects(prep: Token) -> list[Token]:
    """A preposition's objects: its noun, or the subject of the clause it takes ("opened fire on
    demonstrators marching on parliament", which the parser reads as a clause)."""
    found = [g for g in prep.children if g.dep_ == "pobj"]
    if not found:
        found = [s for c in prep.children if c.dep_ == "pcomp" and c.pos_ == "VERB" for s in c.children if s.dep_ == "nsubj"]
    return found


def _a_denial(token: Token) -> bool:
    """"rejected the accusations", "dismissed reports that its drones had killed 57", "a charge Tehran
    rejected": denying what one is said to have done is a statement (CAMEO 016), not a rejection (12)."""
    if token.lemma_.lower() not in _DENYING or token.pos_ not in ("VERB", "AUX"):
        return False
    said = [c for c in token.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
    if token.dep_ == "relcl":
        said.append(token.head)
    return any(t.lemma_.lower() in _DENIED for t in said)


_FIGURATIVE_HITTERS = frozenset({"sanction", "tariff", "penalty", "embargo", "measure", "ban", "restriction", "levy",
                                 "duty", "inflation", "crisis", "recession", "shortage", "storm", "flood", "drought",
                                 "quake", "earthquake", "cyclone", "hurricane", "typhoon", "fire", "wildfire", "virus",
                                 "pandemic", "outbreak", "strike", "walkout"})


def _a_figure_of_speech(token: Token) -> bool:
    """"hit" and "strike" that are no attack: "Pakistan hit back by closing its airspace" (the retaliation is
    the act told after "by"), "officials hit by EU sanctions", "a region hit by floods"; "met with a
    counterstrike" is no meeting."""
    lemma = token.lemma_.lower()
    if lemma not in ("meet", "hit", "strike"):
        return False  # most tokens: read nothing more
    # a passive, not a perfect ("has met with Chinese officials" is a meeting)
    if lemma == "meet" and (any(c.dep_ == "auxpass" for c in token.children) or (
            token.dep_ == "conj" and any(c.dep_ == "auxpass" for c in token.head.children))):
        # "would be treated as aggression and met with a counterstrike", "was met with criticism"
        return any(c.dep_ == "prep" and c.lower_ == "with" and any(g.dep_ == "pobj" and not g.ent_type_ for g in c.children)
                   for c in token.children)
    if lemma not in ("hit", "strike") or token.pos_ not in ("VERB", "AUX"):
        return False
    children = list(token.children)
    backs = [c for c in children if c.dep_ in ("prt", "advmod") and c.lower_ == "back"]
    if backs and any(c.dep_ == "prep" and c.lower_ == "by" and any(g.dep_ == "pcomp" for g in c.children)
                     for c in children + [g for b in backs for g in b.children]):
        return True
    # who or what hit: the passive's agent, else the subject ("the strike hit hospitals" stays an attack:
    # "strike" is figurative only as an agent, "hit by a strike of doctors")
    agents = [g for c in children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if agents:
        return any(t.lemma_.lower() in _FIGURATIVE_HITTERS for t in agents)
    return any(c.dep_ == "nsubj" and c.lemma_.lower() in _FIGURATIVE_HITTERS - {"strike", "fire"} for c in children)


def _an_attack_blamed_for(token: Token, accusation: Token) -> bool:
    """The attack an accusation is over, named as a thing: "blamed Islamabad for Sunday's assault on an army
    base", "accused Russia over the strike on the hospital" (not an act told in its clause: "accused the army
    of carrying out an air strike", "accused X to carry out one more air strike")."""
    return (token.pos_ == "NOUN" and token.lemma_.lower() in _ATTACK_SUBJECTS and token.dep_ == "pobj"
            and token.head.lower_ in ("for", "over") and token.head.head.i == accusation.i)


def _a_condition(token: Token) -> bool:
    """A verb of an "if" or "unless" clause: "would march on Goma unless the army laid down its weapons"
    tells a condition, not an event (the threat it is the condition of is coded)."""
    return (token.pos_ in ("VERB", "AUX") and token.dep_ == "advcl"
            and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in token.children))


_HYPOTHETICAL = frozenset({"any", "no", "possible", "potential", "future", "eventual", "hypothetical", "feared"})


def _hypothetical_act(token: Token) -> bool:
    """An act named as one that may come, not one that happened: "warned Israel against any attack on its
    nuclear facilities", "a possible offensive", "no strike". (A verb is read by its own tense and mood.)"""
    return token.pos_ == "NOUN" and any(c.dep_ in ("det", "amod") and c.lower_ in _HYPOTHETICAL for c in token.children)


# People who protest when no actor names them ("thousands of people", "farmers", "students"); not tourists,
# shoppers or civilians, who gather for other reasons.
_PROTESTING_PEOPLE = frozenset({"people", "protester", "protestor", "demonstrator", "marcher", "crowd", "supporter", "student",
                                "worker", "farmer", "activist", "youth", "opponent", "resident", "citizen", "woman", "teacher",
                                "doctor", "nurse", "trader", "driver", "villager", "voter", "mother", "family", "lawyer"})
_CROWD_SIZES = frozenset({"hundred", "hundreds", "thousand", "thousands", "dozen", "dozens", "million", "millions", "scores"})
# What a gathering is for when it is no protest: "took to the streets to celebrate", "marched to mourn the victims".
_NOT_PROTESTING = frozenset({"celebrate", "mourn", "welcome", "greet", "cheer", "watch", "pray", "party", "dance", "shop"})


def _a_crowd(subject: Token | None) -> bool:
    """People, not a body or a force: "thousands of people", "farmers", "hundreds" (not "an armed group",
    "many", "tourists")."""
    if subject is None:
        return False
    lemma = subject.lemma_.lower()
    if lemma in _QUANTITIES or subject.like_num:
        inner = next((g for c in subject.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None)
        if inner is not None:
            return _a_crowd(inner)
        return lemma in _CROWD_SIZES or subject.like_num  # "hundreds rallied", not "a group blocked"
    return lemma in _PROTESTING_PEOPLE or subject.lower_ in _PROTESTING_PEOPLE


def _not_a_protest(trigger: Token) -> bool:
    """A gathering for something else: "took to the streets of Lagos to celebrate", "marched to mourn" (not
    "to mourn the victims and demand accountability")."""
    purposes = [c for c in trigger.children if c.dep_ in ("advcl", "xcomp")]
    purposes += [j for c in purposes for j in c.conjuncts]
    return (any(c.lemma_.lower() in _NOT_PROTESTING for c in purposes)
            and not any(c.lemma_.lower() in _PROTEST_AIMS for c in purposes))


def _aimed_at(token: Token) -> bool:
    """The token is what a protest is against or for: "against Israel's war", "in support of Ukraine"."""
    node = token
    for _ in range(4):
        if node.dep_ == "pobj" and node.head.lower_ in ("against", "for", "with"):
            return True
        if node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.lemma_.lower() in ("support", "solidarity"):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _on_a_crowd(target: ActorRecord | None, obj: Token | None) -> bool:
    """Aimed at people gathered: a civilian group ("Kenyan protesters") or a crowd the object names."""
    return (target is not None and target.sector == "CVL") or (obj is not None and _lemma_in(obj, _CROWDS))


def _armed(actor: ActorRecord | None) -> bool:
    """Who can strike: a state, an armed group, a military or police ("the NHS strike" is not an attack)."""
    return actor is not None and (actor.type in ("country", "group") or (actor.sector or "") in ("MIL", "REB", "COP", "GOV"))


def _unnamed_collective(trigger: Token) -> bool:
    """A subject that acts but belongs to no one country: "rights groups accuse Myanmar's military",
    "Western donors suspended aid to Rwanda". The event is coded with no source country, as the coders
    of real wire copy do, when the sentence names whom it is aimed at."""
    subject = _subject(trigger)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return False
    return subject.lemma_.lower() in _COLLECTIVES or subject.lower_ in _COLLECTIVES


def _phrase_holds(noun: Token, words: frozenset[str]) -> bool:
    """The noun's own modifiers and "of" phrase hold one of the words: "a ballistic missile launch", "the
    launch of a rocket", "prisoner exchanges" (not "the launch of a new phone"). A verb's clause must hold
    one: "told Americans not to travel to Syria"."""
    if noun.pos_ in ("VERB", "AUX"):
        return any(t.lemma_.lower() in words or t.lower_ in words for t in noun.subtree if t.i != noun.i)
    nodes = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod", "npadvmod")]
    nodes += [g for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "with") for g in c.subtree]
    nodes += [g for c in list(nodes) for g in c.subtree]
    return any(t.lemma_.lower() in words or t.lower_ in words for t in nodes)


def _predicate(trigger: Token) -> Token | None:
    """The word the object or the reported clause is called: the object predicate of "called the launch a
    grave threat" (oprd or xcomp), or the complement of the clause's "be" in "said the attacks were
    unacceptable" (ccomp -> attr/acomp). None when there is none, or when it is denied ("said there was
    no threat", "said it was not illegal")."""
    for child in trigger.children:
        if child.dep_ in ("oprd", "xcomp") and child.pos_ in ("NOUN", "ADJ", "PROPN"):
            return child
        if child.dep_ == "ccomp" and child.lemma_ == "be":
            if any(g.dep_ == "neg" for g in child.children):
                return None
            for grandchild in child.children:
                if grandchild.dep_ in ("attr", "acomp"):
                    if any(g.dep_ in ("det", "neg") and g.lower_ in ("no", "not", "never") for g in grandchild.children):
                        return None
                    return grandchild
                if grandchild.dep_ == "prep" and grandchild.lower_ == "behind" and any(g.dep_ == "pobj" for g in grandchild.children):
                    return grandchild  # "said Washington was behind the coup attempt"
        if child.dep_ == "dobj":
            for grandchild in child.children:
                if grandchild.dep_ in ("oprd", "amod") and grandchild.i > child.i and grandchild.pos_ in ("NOUN", "ADJ"):
                    return grandchild
    return None


def _complement_subject(trigger: Token) -> Token | None:
    """The one asked, urged or pressed in "urged Pyongyang to reverse course", which the parser may hang on
    the complement as its subject rather than on the verb as its object."""
    for child in trigger.children:
        if child.dep_ in ("xcomp", "ccomp") and child.i > trigger.i:
            for grandchild in child.children:
                if grandchild.dep_ == "nsubj" and trigger.i < grandchild.i < child.i:
                    return grandchild
    return None


_MOTION_VERBS = frozenset({"cross", "enter", "reach", "arrive", "advance", "march", "roll"})


def _verbless_main(verb: Token) -> bool:
    """A verb of motion the parser hung as a participle on a noun of a sentence it left with no main verb:
    in "A UN convoy of 15 trucks crossed into Daraa", "crossed" is what the convoy did."""
    return (verb.dep_ == "acl" and verb.lemma_.lower() in _MOTION_VERBS and verb.sent.root.pos_ in ("NOUN", "PROPN")
            and not any(c.dep_ in ("dobj", "obj") for c in verb.children))


def _subject(verb: Token) -> Token | None:
    if _verbless_main(verb):
        return verb.sent.root
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                if child.lower_ in _RELATIVE_PRONOUNS and node.dep_ == "relcl":
                    return node.head
                return child
        if node.dep_ == "relcl":
            return node.head
        if node.dep_ in ("xcomp", "advcl", "conj", "pcomp", "acl") and node.head is not node:
            if node.dep_ == "acl" and node.head.pos_ in ("NOUN", "PROPN"):
                return None
            node = node.head
            if node.dep_ == "prep" and node.lower_ in _MANNER_PREPS and node.head is not node:
                # "hit back by closing its airspace": the gerund's subject is the clause's; not "prevented
                # Hamas from firing", "warned against attacking", "accused of killing"
                node = node.head
            continue
        break
    return None



def _own_phrase(token: Token) -> list[Token]:
    """The token's subtree without its relative, reported and adverbial clauses or a passive's agent:
    "a convoy that was attacked by Israeli forces" is not Israel's convoy, and the place of an event is
    not the place of a clause about something else."""
    out: list[Token] = []
    frontier = [token]
    while frontier:
        node = frontier.pop()
        out.append(node)
        frontier.extend(c for c in node.children if c.dep_ not in ("relcl", "ccomp", "advcl", "agent"))
    return out


def _chain(trigger: Token) -> list[Token]:
    """The trigger and the clause material its date and place may hang on: complements, object, object's participles."""
    chain = [trigger]
    frontier = [trigger]
    while frontier:
        node = frontier.pop(0)
        for child in node.children:
            if child.dep_ in ("xcomp", "dobj", "advcl", "acl") and child not in chain:
                if child.dep_ == "advcl" and any(g.dep_ in ("nsubj", "nsubjpass", "mark") for g in child.children):
                    continue  # "after the unions walked out ...": another clause, another event
                chain.append(child)
                frontier.append(child)
    return chain


def _weapon_code(trigger: Token, cameo: str) -> str:
    """An attack's CAMEO code from its weapon: aerial (195) or artillery and tanks (194), read from the
    trigger, its subject, or "with" ("struck with drones"); else the code as it was."""
    words = {trigger.lemma_.lower(), trigger.lower_}
    for child in trigger.children:
        if child.dep_ in ("nsubj", "nsubjpass", "compound", "amod"):
            words.update(t.lemma_.lower() for t in child.subtree)
        elif child.dep_ in ("prep", "agent") and child.lower_ in ("with", "by", "in"):
            words.update(t.lemma_.lower() for t in child.subtree)
    if "suicide" in words and words & {"bomber", "bomb", "attacker", "vest", "belt", "bombing", "attack", "blast", "explosion"}:
        return "1831"  # "suicide attackers hit the Hotel Sahafi", "a suicide bomber blew himself up"
    if words & {"car", "truck", "vehicle"} and words & {"bomb", "bomber", "bombing"}:
        return "1832"  # "a car bomb exploded", "a truck bombing on a busy street"
    if words & {"ied", "landmine", "roadside"} or {"explosive", "device"} <= words:
        return "1833"  # "an improvised explosive device killed three soldiers", "a roadside bomb"
    if words & _AERIAL and not ({"suicide", "car", "truck"} & words):
        return "195"
    if words & _ARTILLERY:
        return "194"
    return cameo


_WILL = frozenset({"will", "shall", "'ll", "wo"})
_WILL_OR_WOULD = _WILL | {"would", "'d"}


def _future(trigger: Token, auxiliaries: frozenset[str] = _WILL) -> bool:
    """ "will meet": the act is still to come."""
    return any(c.dep_ == "aux" and c.lower_ in auxiliaries for c in trigger.children)


def _promised(trigger: Token) -> bool:
    """ "will strike", "would march on": the act told as what is to come, from the reported speech."""
    return _future(trigger, _WILL_OR_WOULD)


def _willing(trigger: Token) -> bool:
    """ "is ready to send", "is willing to provide": the trigger is the complement of readiness."""
    head = trigger.head
    return trigger.dep_ == "xcomp" and head.lemma_.lower() in ("ready", "willing", "prepared", "eager") or (
        trigger.dep_ == "xcomp" and head.lemma_.lower() == "be" and any(c.lemma_.lower() in ("ready", "willing") for c in head.children)
    )


def _lemma_in(token: Token, lemmas: frozenset[str]) -> bool:
    if token.lemma_.lower() in lemmas or token.lower_ in lemmas or any(
            c.dep_ == "compound" and f"{c.lemma_.lower()} {token.lemma_.lower()}" in lemmas for c in token.children):
        return True
    if any(f"{token.lemma_.lower()} of {g.lemma_.lower()}" in lemmas for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
           for g in c.children if g.dep_ == "pobj"):
        return True  # "a state of emergency", "a note of protest"
    if (token.lemma_.lower() in _QUANTITIES and token.lemma_.lower() not in ("body", "remains")) or token.like_num:
        # "massacred hundreds of civilians", "freed dozens of prisoners": what the quantity is of (the bodies of
        # soldiers handed over are remains, not soldiers)
        inner = next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None)
        return inner is not None and _lemma_in(inner, lemmas)
    return False


def _refines(refinement: dict[str, Any], trigger: Token, obj: Token | None, complement: Token | None = None) -> bool:
    if "complement" in refinement:
        # "asked 10 American diplomats to leave": the infinitive says what the act is
        if complement is None or complement.lemma_.lower() not in {str(x).lower() for x in refinement["complement"]}:
            return False
    if "object" in refinement:
        lemmas = frozenset(str(x).lower() for x in refinement["object"])
        # the object or its apposition: "ordered Zuheir Jabbour, the charge d'affaires, to leave"
        if obj is None or not any(_lemma_in(o, lemmas) for o in [obj, *(c for c in obj.children if c.dep_ == "appos")]):
            return False
    if "lemma" in refinement:
        if trigger.lemma_.lower() not in {str(x).lower() for x in refinement["lemma"]}:
            return False
    if "prep" in refinement:
        preps = {str(x).lower() for x in refinement["prep"]}
        pobjs = {str(x).lower() for x in refinement.get("pobj", ())}
        holders = [trigger] + ([obj] if obj is not None else [])
        for holder in holders:
            for child in holder.children:
                if child.dep_ == "prep" and child.lower_ in preps:
                    if not pobjs or any(_lemma_in(g, frozenset(pobjs)) for g in child.children if g.dep_ == "pobj"):
                        return True
        return False
    return True


def _trimmed(sent: Span) -> tuple[int, int]:
    text = sent.text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return (start, max(start, end))


def _give_tolls(sent: Span, coded: list[tuple[int, EventRecord]]) -> None:
    """The sentence's casualty counts go to its attack nearest each count ("hit a market, killing 12 and
    wounding 18": the strike's); a sentence with no attack keeps its counts to itself."""
    attacks = [(i, e) for i, e in coded if e.type == "ASSAULT"]
    if not attacks:
        return
    for toll in tolls(sent):
        _, event = min(attacks, key=lambda a: abs(a[0] - toll.anchor))
        if toll.kind == "dead" and event.dead is None:
            event.dead = toll.count
        elif toll.kind == "injured" and event.injured is None:
            event.injured = toll.count


def _told_twice(coded: list[tuple[int, EventRecord]]) -> list[EventRecord]:
    """Attacks of a sentence with no author that tell again an attack it attributes: "Four people, caught
    by a second strike on an apartment block, were killed in overnight Russian attacks on Kharkiv; ... 15
    drones were launched" is Russia's attack, told three times, not two more attacks by no one."""
    attributed = {e.target.country for _, e in coded if e.type == "ASSAULT" and e.source is not None
                  and e.target is not None and e.target.country}
    # (a fight with a named side, "after fierce fighting with government troops", is an event of its own)
    return [e for _, e in coded if e.type == "ASSAULT" and e.source is None and e.target is not None
            and e.target.country in attributed and (e.target.type == "location" or e.target.sector == "CVL")]


def _a_mass_killing(event: EventRecord) -> bool:
    """CAMEO 202, mass killing: an armed group or gunmen killing at least ``MASS_KILLING_DEAD``
    people in a village, a camp or a crowd ("gunmen stormed the village of Umogidi ... at least 51 people were
    killed", "CODECO militiamen ... killing 18 civilians"), not a battle, a bombing or an air strike,
    whose codes say how the people died."""
    if event.type != "ASSAULT" or event.dead is None or event.dead < MASS_KILLING_DEAD:
        return False
    if event.cameo[:2] not in ("18", "19") or event.cameo.startswith(("183", "194", "195")):
        return False
    source, target = event.source, event.target
    if source is None or not (source.sector == "REB" or (source.type == "group" and source.sector not in ("GOV", "MIL", "COP"))):
        return False  # an author unnamed may be an air force ("dawn air strikes flattened buildings, killing 23")
    # civilians, or a place that is not a military site ("stormed a base, killing 20 soldiers" is a battle)
    return target is not None and (target.sector == "CVL" or (
        target.type == "location" and not (set(target.name.lower().split()) & _MILITARY_SITES)))


def _merge(events: list[EventRecord]) -> list[EventRecord]:
    """One event per real event: the same type, parties and negation read twice become one, with both sentences."""
    merged: list[EventRecord] = []
    by_key: dict[tuple[Any, ...], list[EventRecord]] = {}
    for event in events:
        key = _key(event)
        twin = next((m for m in by_key.get(key, ()) if _compatible(m, event)), None)
        if twin is None:
            merged.append(event)
            by_key.setdefault(key, []).append(event)
            continue
        for evidence in event.evidence:
            if evidence not in twin.evidence:
                twin.evidence.append(evidence)
        twin.date = twin.date or event.date
        if event.cameo.startswith(twin.cameo[:2]) and len(event.cameo.rstrip("0")) > len(twin.cameo.rstrip("0")):
            twin.cameo = event.cameo  # the more specific reading ("by phone": 041 over 040)
        if twin.location is None and twin.location_name is None:
            twin.location, twin.location_name = event.location, event.location_name
        # a toll told twice keeps the higher figure ("the toll rose to 31"); the count may come from any of
        # the event's evidence sentences
        twin.dead = max((n for n in (twin.dead, event.dead) if n is not None), default=None)
        twin.injured = max((n for n in (twin.injured, event.injured) if n is not None), default=None)
        if twin.modality == "reported" and event.modality != "reported":
            twin.modality = event.modality
        twin.confidence = round(min(0.97, max(twin.confidence, event.confidence) + 0.05), 2)
    return merged


def _dyad_key(actor: ActorRecord | None) -> str | None:
    return None if actor is None else (actor.country or actor.id)


def _distributed(event: EventRecord, sources: list[ActorRecord], targets: list[ActorRecord]) -> list[EventRecord]:
    """One event per (source, target) of coordinated actors. "Britain, France and Germany expelled Syrian
    envoys" is three expulsions, "accused Russia and Belarus of ..." two accusations: event data records
    one dyad a record (PLOVER, GDELT), and an analyst filtering on France must find France's. Actors of
    one country acting on the same side are the country's one event ("Netanyahu and Gallant ordered").
    A target that is one of the coordinated sources is the other source ("Russia and Ukraine each
    released prisoners", "Russian and Ukrainian troops fought in Kharkiv"): a mutual act, both ways."""
    out = [event]
    seen = {(_dyad_key(event.source), _dyad_key(event.target))}
    for source in sources:
        for target in targets or [None]:
            if target is not None and target.id == source.id:
                target = event.source if event.source is not None and event.source.id != source.id else None
                if target is None:
                    continue
            key = (_dyad_key(source), _dyad_key(target))
            if key in seen or key[0] == key[1]:
                continue
            seen.add(key)
            out.append(replace(event, source=source, target=target, evidence=[], parties=[]))
    return out


def _each_other(trigger: Token, obj: Token | None) -> bool:
    """"expelled each other's diplomats", "accused one another", "each side blaming the other": an act of
    each party on the others."""
    words = [t.lower_ for t in (obj.subtree if obj is not None else ())]
    words += [t.lower_ for c in trigger.children if c.dep_ == "prep" for t in c.subtree]
    if obj is not None and obj.lower_ == "other" and any(c.lower_ == "the" for c in obj.children):
        return True
    return any(f"{a} {b}" in ("each other", "one another") for a, b in zip(words, words[1:]))


_SIDES = frozenset({"country", "side", "nation", "neighbour", "neighbor", "government", "capital", "rival", "army",
                    "military", "foe", "adversary", "party"})


def _pair_of_sides(subject: Token) -> bool:
    """"the two countries", "both sides", "each side", "the two neighbours": two parties told before."""
    if subject.lemma_.lower() not in _SIDES and subject.lower_ not in _SIDES:
        return False
    words = {c.lower_ for c in subject.children if c.dep_ in ("nummod", "det", "predet", "amod")}
    return bool(words & {"two", "both", "each"})


def _each_to_the_others(event: EventRecord, sources: list[ActorRecord]) -> list[EventRecord]:
    """"India and Pakistan expelled each other's diplomats": India's act on Pakistan and Pakistan's on India."""
    out: list[EventRecord] = []
    seen: set[tuple[str | None, str | None]] = set()
    for source in sources:
        for target in sources:
            key = (_dyad_key(source), _dyad_key(target))
            if target.id == source.id or key in seen or key[0] == key[1]:
                continue
            seen.add(key)
            out.append(replace(event, source=source, target=target, evidence=[] if out else event.evidence, parties=[]))
    return out or [event]


def _key(event: EventRecord) -> tuple[Any, ...]:
    parties = (event.source.id if event.source else None, event.target.id if event.target else None)
    if event.reciprocal or event.type in RECIPROCAL_TYPES:
        parties = tuple(sorted(p or "" for p in parties))  # type: ignore[assignment]
    return (event.type, parties, event.negated)


def _compatible(a: EventRecord, b: EventRecord) -> bool:
    if set(a.evidence) & set(b.evidence) and a.cameo[:3] != b.cameo[:3] and a.trigger_span != b.trigger_span:
        return False  # "killed 12 soldiers and held the base": two acts of one sentence, not one told twice
    return a.date is None or b.date is None or a.date == b.date


@Language.factory("newsmon_events", default_config={"knowledge_dir": None})
def make_event_coder(nlp: Language, name: str, knowledge_dir: str | None) -> EventCoder:
    return EventCoder(get_knowledge(knowledge_dir))
