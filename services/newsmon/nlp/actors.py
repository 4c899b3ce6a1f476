"""The ``newsmon_actors`` component: one record per real-world actor of the article, with all its mentions.

How mentions become actors, in order of trust:

1. Names the knowledge base knows ("Vladimir Putin", "U.N.", "the Kremlin") resolve to the KB entry:
   canonical name, type, country, sector, and the office held on the publication date.
2. A surname alone ("Putin", "Nazarbayev") is the person named in full elsewhere in the article,
   or the KB person with that distinctive surname.
3. Country names and demonyms ("Kazakh", "Russian") resolve to the country.
4. Common nouns that name actors ("rebels", "Russia's foreign ministry", "the government") take
   their country from the noun phrase, from the same noun earlier in the article, or from the
   article's conflict country (data: ``actors.yaml``).
5. Titles around a person's name give the role and, through a demonym, the country
   ("French Minister of Foreign Affairs ... Jean-Marc Ayrault" -> Foreign Minister, FRA).

Bylines, credits and the dateline agency were blanked out by anatomy, so they never get here;
news outlets the KB marks as media are not actors either.
"""

from __future__ import annotations

import bisect

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .gazetteer import Gazetteer, get_gazetteer
from .knowledge import GenericActor, KnowledgeBase, KnownActor, Title, get_knowledge, normalize, slug

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_RUN_GLUE = frozenset({"of", "and", "the", "for", "'s", "\u2019s", "-", "on", "new", "former", "acting", "interim",
                       "outgoing", "incoming", "ousted", "late", "then", "deputy", "senior", "top", "federal",
                       "first", "second", "chief", "principal"})


@dataclass
class ActorRecord:
    """An actor of one article, with its mentions as Doc character ranges."""

    id: str
    name: str
    type: str
    country: str | None = None
    role: str | None = None
    sector: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    tokens: set[int] = field(default_factory=set)
    known: bool = False
    heads: set[int] = field(default_factory=set)  # head token of each mention, for the parse

    def add(self, span: Span | Token, text: str | None = None) -> None:
        start, end = (span.idx, span.idx + len(span)) if isinstance(span, Token) else (span.start_char, span.end_char)
        if (start, end) not in self.mentions:
            self.mentions.append((start, end))
        surface = text or span.text
        if surface not in self.aliases:
            self.aliases.append(surface)
        if isinstance(span, Token):
            self.tokens.add(span.i)
            self.heads.add(span.i)
        else:
            self.tokens.update(range(span.start, span.end))
            self.heads.add(span.root.i)


@dataclass(frozen=True)
class RoleReading:
    role: str | None = None
    sector: str | None = None
    country: str | None = None
    relative: bool = False


class ActorResolver:
    def __init__(self, kb: KnowledgeBase, gazetteer: Gazetteer | None = None):
        self.kb = kb
        self.gazetteer = gazetteer
        self._generic_first: dict[str, list[tuple[tuple[str, ...], GenericActor]]] = {}
        for generic in kb.generic_actors:
            for phrase in generic.nouns:
                self._generic_first.setdefault(phrase[0], []).append((phrase, generic))
        for entries in self._generic_first.values():
            entries.sort(key=lambda item: len(item[0]), reverse=True)

    # --- the component
    def __call__(self, doc: Doc) -> Doc:
        layout = doc._.newsmon_layout
        published = layout.published if layout is not None else None
        self._doc_text = doc.text
        self._chosen: dict[str, str] = {}
        actors: dict[str, ActorRecord] = {}
        persons: list[Span] = []

        self._misread = {ent.start for ent in doc.ents if self._misread_generic(doc, ent)}
        for ent in doc.ents:
            if ent.label_ not in ACTOR_LABELS or ent.start in self._misread:
                continue
            if ent.label_ == "PERSON" and self.gazetteer is not None and self.gazetteer.misread_as_person(ent, self.kb):
                continue  # a city after a preposition of place: the places step has it
            if ent.label_ == "PERSON" and not self._known_group(ent.text):
                persons.append(ent)
                continue
            self._non_person(doc, ent, actors)
        self._persons(doc, persons, actors, published)
        self._title_references(doc, actors)
        self._generic(doc, actors, layout)
        self._local_countries(doc, actors, layout)
        doc._.newsmon_actors = sorted(actors.values(), key=lambda a: min(a.mentions) if a.mentions else (0, 0))
        doc._.newsmon_token_actor = {i: a.id for a in actors.values() for i in a.tokens}
        doc.user_data.pop("newsmon_ent_index", None)  # Spans do not travel between processes (nlp.pipe n_process>1)
        return doc

    def _misread_generic(self, doc: Doc, ent: Span) -> bool:
        """A capitalised first word of a common-noun actor the model took for a name ("Riot police in Hong
        Kong fired tear gas": no one called Riot): the two words are a phrase of the generic actors."""
        if len(ent) != 1 or ent.end >= len(doc) or ent.label_ not in ("PERSON", "ORG"):
            return False
        following = doc[ent.end]
        first = ent[0].lower_
        return any(phrase[:2] == (first, word) for word in (following.lower_, following.lemma_.lower())
                   for phrase, _ in self._generic_first.get(first, ()) if len(phrase) >= 2)

    def _known_group(self, text: str) -> bool:
        """A name the model read as a person's that the knowledge base holds only as a group or body
        ("Al-Shabab fighters broke into ...": al-Shabaab, Somalia's, not a man called Al-Shabab)."""
        known = self.kb.known(text)
        if not known or any(k.type == "person" for k in known):
            return False
        # a one-word match must be written as the knowledge base writes it: "SANA" is the agency, "Sana" a woman
        return " " in text or "-" in text or any(text in (k.name, *k.aliases) for k in known)

    # --- named, non-person mentions
    def _non_person(self, doc: Doc, ent: Span, actors: dict[str, ActorRecord]) -> None:
        text = ent.text
        known = [k for k in self.kb.known(text) if k.type != "person"]
        if known:
            actor = known[0]
            if actor.sector == "MED":
                return  # a news outlet reporting is not an actor
            self._known_record(actor, actors).add(ent)
            return
        iso3 = self._in_context(text)
        if iso3 is not None:
            pass
        elif ent.label_ == "GPE":
            iso3 = self.kb.country_by_name(text)
            if iso3 is None and ent.root.dep_ in ("nsubj", "nsubjpass", "agent") and normalize(text) in self.kb.capital_index:
                iso3 = self.kb.capital_index[normalize(text)]  # "Moscow said": the capital stands for the government
        elif ent.label_ == "NORP":
            iso3 = self.kb.country_by_demonym(text) or self.kb.country_by_name(text)
        elif ent.label_ == "LOC":
            iso3 = self.kb.country_by_name(text)
        if iso3 is not None and iso3 in self.kb.countries:
            self._country_record(iso3, actors).add(ent)
            return
        if ent.label_ == "ORG":
            if self.gazetteer is not None and self.gazetteer.misread_as_organisation(text, len(ent)):
                return  # a place the model took for an organisation ("Idlib", "El Fasher"): the places step has it
            name = text[4:] if text.lower().startswith("the ") else text
            record = actors.setdefault(slug(name), ActorRecord(slug(name), name, "organization"))
            record.add(ent)

    def _country_record(self, iso3: str, actors: dict[str, ActorRecord]) -> ActorRecord:
        country = self.kb.countries[iso3]
        key = slug(country.name)
        if key not in actors:
            actors[key] = ActorRecord(key, country.name, "country", iso3, known=True)
        return actors[key]

    def _known_record(self, actor: KnownActor, actors: dict[str, ActorRecord]) -> ActorRecord:
        if actor.id not in actors:
            actors[actor.id] = ActorRecord(actor.id, actor.name, actor.type, actor.country, None, actor.sector, known=True)
        return actors[actor.id]

    # --- people
    def _persons(self, doc: Doc, persons: list[Span], actors: dict[str, ActorRecord], published: date | None) -> None:
        clusters: dict[str, list[Span]] = {}
        kb_of: dict[str, KnownActor] = {}
        # word tuple of a name, and of every ending of a longer one -> the first cluster holding it;
        # so a surname finds its full name in one look-up (a 200,000-character article has thousands)
        endings: dict[tuple[str, ...], str] = {}
        # full names first, so surnames can find them
        for ent in sorted(persons, key=len, reverse=True):
            known = [k for k in self.kb.known(ent.text) if k.type == "person"]
            words = tuple(t.text for t in ent)
            if known:
                key = known[0].id
                kb_of[key] = known[0]
            else:
                key = endings.get(words) or slug(ent.text)
                if key not in kb_of and len(ent) == 1:
                    shorts = [k for k in self.kb.known_by_short(ent.text) if k.type == "person"]
                    if len(shorts) == 1 and key == slug(ent.text):
                        key = shorts[0].id
                        kb_of[key] = shorts[0]
            clusters.setdefault(key, []).append(ent)
            for n in range(1, len(words) + 1):
                endings.setdefault(words[-n:], key)

        for key, ents in clusters.items():
            known = kb_of.get(key)
            full = max(ents, key=len)
            reading = RoleReading()
            for ent in sorted(ents, key=lambda e: e.start):
                found = self._read_role(doc, ent)
                if found.role or found.country or found.relative:
                    reading = RoleReading(
                        reading.role or found.role, reading.sector or found.sector,
                        reading.country or found.country, reading.relative or found.relative,
                    )
            office = known.office_on(published) if known else None
            if known:
                record = self._known_record(known, actors)
                record.country = (office.country if office and office.country else known.country) or reading.country
                if reading.country == "IGO":
                    record.country = "IGO"
            else:
                record = actors.setdefault(key, ActorRecord(key, full.text, "person"))
                record.country = reading.country
            record.role = reading.role or (office.role if office else None)
            record.sector = reading.sector or (office.sector if office and office.sector else None) or (known.sector if known else None)
            if record.country == "IGO" and record.sector in (None, "GOV"):
                record.sector = "IGO"
            for ent in ents:
                record.add(ent)

    def _title_references(self, doc: Doc, actors: dict[str, ActorRecord]) -> None:
        """ "The president", "the premier", "the chancellor" alone: the person named before with that role ("Serbian
        President Aleksandar Vucic ... the president had ordered the army"), else no one (a guess of the
        story's country would make a prime minister of a country that has none)."""
        people = [a for a in actors.values() if a.type == "person" and a.role and a.mentions]
        if not people:
            return
        for token in doc:
            words = _TITLE_REFERENCES.get(token.lower_)
            if words is None or token.ent_type_ or not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
                continue
            if any(c.dep_ in ("amod", "compound", "poss", "nmod") for c in token.children):
                continue  # "the French president", "Russia's president": someone else, or the generic actors' to read
            if token.dep_ == "compound" or any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
                continue  # "the president's lawyer" is read as its own phrase; "the president of Colombia" is named
            before = [(max(m[0] for m in a.mentions if m[0] < token.idx), a) for a in people
                      if any(m[0] < token.idx for m in a.mentions) and a.role is not None and a.role.lower() in words]
            if before:
                _, person = max(before, key=lambda b: b[0])
                person.add(token, text=person.name)

    def _read_role(self, doc: Doc, ent: Span) -> RoleReading:
        """Title, sector and country written next to a person's name."""
        sent_start = ent.sent.start
        i = ent.start - 1
        while i >= sent_start:
            token = doc[i]
            if (token.lower_ in self.kb.title_words or token.lower_ in _RUN_GLUE or self._country_token(token)
                    or self._igo_token(token) or self._group_country(token)):
                i -= 1
                continue
            break
        run = [t for t in doc[i + 1 : ent.start]]
        reading = self._read_run(run)
        if reading.role is None:
            for child in ent.root.children:
                if child.dep_ == "appos" and child.lower_ in self.kb.title_words:
                    reading = self._read_run([t for t in child.subtree if t.i < child.i + 1 or t.dep_ != "relcl"])
                    break
        head = ent.root.head
        if reading.role is None and ent.root.dep_ == "appos" and head.lower_ in self.kb.title_words and head.i < ent.start:
            # "Ukraine's ambassador in Washington, Oksana Markarova, accused ...": the title the name is in apposition to
            reading = self._read_run([t for t in head.subtree if t.i < ent.start and t.dep_ not in ("punct", "relcl")])
        return reading

    def _in_context(self, text: str) -> str | None:
        """The country an ambiguous name means in this article ("Congolese" in a story from Goma), or None."""
        ambiguity = self.kb.ambiguous(text)
        if ambiguity is None:
            return None
        key = ambiguity.names[0]
        if key not in self._chosen:
            self._chosen[key] = ambiguity.choose(getattr(self, "_doc_text", ""))
        return self._chosen[key]

    def _country_token(self, token: Token) -> str | None:
        chosen = self._in_context(token.text)
        if chosen is not None and (token.ent_type_ in ("GPE", "NORP") or token.is_title):
            ent = _ent_of(token)
            if ent is None or self.kb.ambiguous(ent.text) is not None:
                return chosen
        if token.ent_type_ not in ("GPE", "NORP") and token.is_title and token.ent_type_ in ("", "ORG"):
            found = self.kb.country_by_demonym(token.text)
            if found:
                return found  # "British Defence Secretary": the model took "British Defence" for an organisation
        if token.ent_type_ in ("GPE", "NORP"):
            return self.kb.country_of(token.text) or (self.kb.country_of(doc_ent.text) if (doc_ent := _ent_of(token)) is not None else None)
        return None

    def _group_country(self, token: Token) -> str | None:
        """The country of a group or body the knowledge base knows, named before a title ("Houthi spokesman
        Yahya Sarea", "RSF commander"): the man speaks for the group, not for a country named elsewhere."""
        if not token.is_title and not token.is_upper:
            return None
        ent = _ent_of(token)
        names = [ent.text] if ent is not None and ent.label_ in ("ORG", "NORP", "PERSON") else []
        names.append(token.text)
        for name in names:
            known = [k for k in self.kb.known(name) if k.type not in ("person", "country") and k.country]
            if known:
                return known[0].country
        return None

    def _igo_token(self, token: Token) -> bool:
        if token.ent_type_ != "ORG":
            return False
        ent = _ent_of(token)
        return bool(ent is not None and any(k.country == "IGO" for k in self.kb.known(ent.text)))

    def _read_run(self, run: list[Token]) -> RoleReading:
        while run and run[0].lower_ in _RUN_GLUE:
            run = run[1:]
        if not run:
            return RoleReading()
        country = None
        for token in run:
            found = self._country_token(token) or self._group_country(token)
            if found:
                country = found
        if any(self._igo_token(t) for t in run):
            country = "IGO"
        words = [t.text for t in run]
        best: tuple[int, Title, str] | None = None
        for a in range(len(words)):
            for b in range(len(words), a, -1):
                phrase = " ".join(words[a:b])
                title = self.kb.title(phrase)
                if title and (best is None or b - a > best[0]):
                    best = (b - a, title, phrase)
        if best is None:
            return RoleReading(country=country)
        _, title, _ = best
        if title.relative:
            return RoleReading(country=country, relative=True)
        sector = title.sector
        if country == "IGO" and title.role != "U.N. mediator":
            sector = "IGO"
        return RoleReading(title.role, sector, country)

    # --- whose country, when the knowledge base does not say
    def _local_countries(self, doc: Doc, actors: dict[str, ActorRecord], layout) -> None:
        """A country for the unknown bodies and office holders of a story: the one their own name or
        appositive gives ("Sudanese Doctors Network", "the People's Defense Forces, the armed wing of
        Myanmar's shadow government"), else the story's (its dateline's, else the country it names
        most). A local committee, a junta's spokesman or a governor nobody has listed are almost
        always of the country the story is about; a private person without a title is left alone,
        and so are bodies the knowledge base knows (their country is a fact, not a guess)."""
        story: str | None | bool = False  # computed once, when first needed
        for actor in actors.values():
            if actor.country or actor.known or actor.type not in ("organization", "group", "person"):
                continue
            if actor.type == "person" and not actor.role:
                continue
            iso3 = self._own_country(doc, actor)
            if iso3 == "IGO":
                continue  # "Stephane Dujarric of the United Nations": not the story's
            if iso3 is None:
                if story is False:
                    story = self._single_country(actors, layout)
                iso3 = story or None
            if iso3 and iso3 in self.kb.countries:
                actor.country = iso3

    def _own_country(self, doc: Doc, actor: ActorRecord) -> str | None:
        """The country (or IGO) the actor's own words give: a demonym, country or known place in its name
        ("Sudanese Doctors Network", "US Supreme Court", "Gaza Civil Defence Agency"), or in what follows
        it ("..., the armed wing of Myanmar's opposition", "Anita Baker of New Zealand")."""
        for start, end in actor.mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            for token in span:
                found = self._word_country(token)
                if found:
                    return found
            for child in span.root.children:
                if child.dep_ == "poss" and child not in span:
                    # "Guyana's Ministry of Foreign Affairs", "the Israeli army's Northern Command"
                    for token in child.subtree:
                        iso3 = self._country_token(token) or self._word_country(token)
                        if iso3:
                            return iso3
                if child.dep_ == "appos" or (child.dep_ == "prep" and child.lower_ == "of"):
                    for token in child.subtree:
                        if self._igo_token(token):
                            return "IGO"
                        iso3 = self._country_token(token) or self._word_country(token)
                        if iso3:
                            return iso3
        return None

    def _word_country(self, token: Token) -> str | None:
        if not (token.is_title or token.is_upper) or not token.is_alpha and "." not in token.text:
            return None
        found = self.kb.country_by_demonym(token.text) or self.kb.country_by_name(token.text)
        # a common noun of a name is no town: "Metropolitan Police" is not of Police, Poland
        common = token.lower_ in self._generic_first or token.lower_ in self.kb.title_words
        if found is None and not common and self.gazetteer is not None and token.ent_type_ in ("GPE", "LOC", "ORG") and len(token.text) > 3:
            place = self.gazetteer.lookup(token.text)
            found = place.country if place is not None and self.gazetteer.misread_as_organisation(token.text, 1) else None
        return found

    def _single_country(self, actors: dict[str, ActorRecord], layout) -> str | None:
        """The story's country when it names one only (its dateline's, if any, agreeing): in a story of two
        sides the unlisted body may be either side's, or neither's, and is left without a guess."""
        # the countries named, and those of the groups the knowledge base knows ("Israel's killing of Hezbollah
        # commander Fuad Shukr" is a story of two sides, not of Israel alone)
        named = {a.country for a in actors.values() if a.type == "country" and a.country}
        dateline = self._dateline_country(layout)
        if dateline is not None:
            named.add(dateline)
        if len(named) != 1:
            return None
        # a known group of another country makes it a story of two sides ("Israel's killing of Hezbollah
        # commander Fuad Shukr"); a group only vetoes, it never supplies the story's country
        groups = {a.country for a in actors.values() if a.known and a.type in ("group", "organization")
                  and a.country and a.country != "IGO"}
        return None if groups - named else next(iter(named))

    # --- actors named by common nouns
    def _generic(self, doc: Doc, actors: dict[str, ActorRecord], layout) -> None:
        doc_ents = list(doc.ents)
        ent_starts = [e.start for e in doc_ents]
        misread = getattr(self, "_misread", set())
        in_entity = {i for e in doc_ents if e.start not in misread for i in range(e.start, e.end)}
        persons = {i for e in doc_ents if e.label_ == "PERSON" and e.start not in misread for i in range(e.start, e.end)}
        previous: dict[str, str] = {}
        conflict = self._conflict_country(actors, doc)
        dateline = self._dateline_country(layout)
        story = self._single_country(actors, layout)
        covered: set[int] = set()  # words of a phrase already read ("military government" is not also "government")
        for token in doc:
            entries = (
                self._generic_first.get(token.lemma_.lower())
                or self._generic_first.get(token.lower_)
                or self._generic_first.get(_singular(token.lower_))
            )
            if not entries or token.i in in_entity or token.i in covered:
                continue
            for phrase, generic in entries:
                span = doc[token.i : token.i + len(phrase)]
                if len(span) != len(phrase) or any(
                    t.lemma_.lower() != w and t.lower_ != w and _singular(t.lower_) != w for t, w in zip(span, phrase)
                ):
                    continue
                head = span[-1]
                if head.pos_ not in ("NOUN", "PROPN") or any(t.i in in_entity for t in span):
                    break
                if any(c.dep_ in ("dobj", "nsubj") for c in head.children):
                    break  # "Russia courts African leaders": a verb the tagger read as a noun
                if head.dep_ == "compound" and head.head.i in persons:
                    break  # "President Putin": a title, not an actor
                if any(c.dep_ in ("compound", "nmod") and c.i in in_entity and c.ent_type_ in ("ORG", "PERSON")
                       for c in head.children):
                    break  # "ADF rebels", "M23 fighters": the named group is the actor
                iso3 = None
                for source in generic.country_from:
                    if source == "modifier":
                        iso3 = self._modifier_country(span)
                    elif source == "previous":
                        iso3 = previous.get(generic.name)
                    elif source == "conflict":
                        iso3 = conflict
                    elif source == "dateline":
                        iso3 = dateline
                    elif source == "place":
                        iso3 = self._sentence_place_country(head, doc_ents, ent_starts)
                    elif source == "story":
                        iso3 = story
                    elif source == "people":
                        iso3 = self._sentence_people_country(head, actors)
                    if iso3:
                        break
                if not iso3 or iso3 not in self.kb.countries:
                    break
                country = self.kb.countries[iso3]
                name = generic.name.format(demonym=country.demonym, country=country.name)
                key = slug(name)
                record = actors.setdefault(key, ActorRecord(key, name, generic.type, iso3, None, generic.sector))
                record.add(span)
                record.heads.discard(span.root.i)
                record.heads.add(head.i)
                previous[generic.name] = iso3
                covered.update(range(span.start, span.end))
                break

    def _modifier_country(self, span: Span) -> str | None:
        head = span[-1]
        candidates = list(head.children) + [t for t in span[:-1]] + list(span[0].children)
        if head.dep_ == "compound":
            # "Israeli army bulldozers": the generic noun modifies another noun, whose own modifiers say whose
            candidates += [c for c in head.head.children if c is not head]
        for child in candidates:
            if child.dep_ in ("amod", "compound", "poss", "nmod", "npadvmod") or child in span:
                iso3 = self._country_token(child)
                if iso3 is None and child.dep_ == "poss" and child.ent_type_ == "GPE":
                    iso3 = self.kb.capital_index.get(normalize(child.text))  # "Pyongyang's defence ministry"
                if iso3 is None and child.dep_ == "compound" and child.ent_type_ == "GPE" and self.gazetteer is not None:
                    ent = _ent_of(child)
                    place = self.gazetteer.lookup(ent.text if ent is not None else child.text)
                    iso3 = place.country if place is not None else None  # "two powerful Tripoli militias"
                if iso3 and iso3 != "IGO":
                    return iso3
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "from"):
                for pobj in child.children:
                    iso3 = self._country_token(pobj)
                    if iso3 and iso3 != "IGO":
                        return iso3
        return None

    def _sentence_place_country(self, token: Token, ents: list[Span], starts: list[int]) -> str | None:
        """The country of a place named in the same sentence ("protesters ... in Caracas", a city the
        gazetteer knows: "police in Srinagar").

        ``ents`` are the Doc's entities in order and ``starts`` their first tokens (Doc.ents builds
        every Span anew on each access: looked up once per Doc, not once per generic actor)."""
        sent = token.sent
        for ent in ents[bisect.bisect_left(starts, sent.start):]:
            if ent.start >= sent.end:
                break
            if ent.label_ in ("GPE", "LOC"):
                key = normalize(ent.text)
                iso3 = self.kb.country_by_name(ent.text) or self.kb.capital_index.get(key)
                if iso3 is None and self.gazetteer is not None and ent.label_ == "GPE" and len(ent.text) > 3:
                    place = self.gazetteer.lookup(ent.text)  # "police arrested 20 protesters in Srinagar"
                    iso3 = place.country if place is not None else None
                if iso3:
                    return iso3
        return None

    @staticmethod
    def _sentence_people_country(token: Token, actors: dict[str, ActorRecord]) -> str | None:
        """The one country of the known people the sentence names ("police arrested former president Jair
        Bolsonaro"): who arrests, charges or tries them is, unless the sentence says otherwise, at home."""
        sent = token.sent
        found = {a.country for a in actors.values() if a.type == "person" and a.known and a.country and a.country != "IGO"
                 and any(sent.start_char <= start < sent.end_char for start, _ in a.mentions)}
        return found.pop() if len(found) == 1 else None

    def _conflict_country(self, actors: dict[str, ActorRecord], doc: Doc | None = None) -> str | None:
        """The article's most-mentioned country with an armed conflict, counting its actors and its cities."""
        counts: Counter[str] = Counter()
        for a in actors.values():
            if a.country in self.kb.conflict_countries:
                counts[a.country] += len(a.mentions)  # type: ignore[index]
        if doc is not None and self.gazetteer is not None:
            for ent in doc.ents:
                if ent.label_ in ("GPE", "LOC", "FAC") and not self.kb.country_of(ent.text):
                    place = self.gazetteer.lookup(ent.text)
                    if place is not None and place.country in self.kb.conflict_countries:
                        counts[place.country] += 1
        return counts.most_common(1)[0][0] if counts else None

    def _dateline_country(self, layout) -> str | None:
        if layout is None or not layout.body_anatomy.dateline_place:
            return None
        place = layout.body_anatomy.dateline_place
        found = self.kb.country_of(place) or self.kb.capital_index.get(normalize(place))
        if found is None and self.gazetteer is not None:
            geo = self.gazetteer.lookup(place)  # "IDLIB": a city the gazetteer knows
            found = geo.country if geo is not None else None
        return found


# "the president" refers back to a person whose role is one of these
_TITLE_REFERENCES = {
    "president": frozenset({"president", "interim president", "acting president"}),
    "premier": frozenset({"prime minister", "premier"}),
    "chancellor": frozenset({"chancellor"}),
}


def _singular(word: str) -> str:
    """A crude singular for capitalised plurals the lemmatizer leaves alone ("Rebels")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _ent_of(token: Token) -> Span | None:
    """The entity a token is in (an index built once per Doc, after entities are final)."""
    if not token.ent_type_:
        return None
    data = token.doc.user_data
    index = data.get("newsmon_ent_index")
    if index is None:
        index = data["newsmon_ent_index"] = {i: e for e in token.doc.ents for i in range(e.start, e.end)}
    return index.get(token.i)


@Language.factory("newsmon_actors", default_config={"knowledge_dir": None})
def make_actor_resolver(nlp: Language, name: str, knowledge_dir: str | None) -> ActorResolver:
    return ActorResolver(get_knowledge(knowledge_dir), get_gazetteer(knowledge_dir))
