"""The ``newsmon_entities`` component: named entities the knowledge base can vouch for override the model's.

The small English model tags "Putin" in a headline as a place, "Staffan de Mistura" as an
organisation and "International Development Jean-Marc Ayrault" as one organisation. This
component fixes such spans with general rules, not per-article patches:

- names the KB knows (people, organisations, countries, demonyms, capitals) get the KB's
  label and span, found with a PhraseMatcher;
- a surname repeats the label of the full name used elsewhere in the article;
- titles and honorifics are trimmed off person names ("President", "Mr.");
- a bare number is not a date ("resolution 2254").
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .dates import is_date_expression
from .knowledge import KnowledgeBase, get_knowledge

_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
_NUMBERISH = re.compile(r"^[\d][\d.,/:\-]*$")
_NOT_IN_NAMES = frozenset({"at", "in", "on", "for", "with", "from", "to", "by", "of"})
_HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame", "sheikh", "prince", "lord"})
# Labels a person's name may be mistaken for by the model, and replaced when the KB says person.
_REPLACEABLE_BY_PERSON = frozenset({"ORG", "PERSON", "GPE", "NORP", "FAC", "LOC", "WORK_OF_ART", "PRODUCT", "EVENT"})


class EntityResolver:
    """Corrects ``doc.ents`` with the knowledge base; see the module docstring."""

    def __init__(self, nlp: Language, kb: KnowledgeBase):
        self.kb = kb
        self.names = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.shorts = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_label: dict[str, set[str]] = {"GPE": set(), "NORP": set(), "PERSON": set(), "ORG": set()}
        for country in kb.countries.values():
            by_label["GPE"].update((country.name, *country.names))
            if country.capital:
                by_label["GPE"].add(country.capital)
            by_label["NORP"].update(country.demonyms)
        for actor in kb.actors.values():
            by_label[actor.label].update((actor.name, *actor.aliases))
        by_label["NORP"] -= by_label["GPE"]  # "U.S." is the country
        for label, names in by_label.items():
            names = {n for n in names if n and not n.lower().startswith("the ")}
            self.names.add(label, list(nlp.tokenizer.pipe(sorted(names))))
        shorts = sorted({s for a in kb.actors.values() if a.type == "person" for s in a.short_names})
        self.shorts.add("PERSON", list(nlp.tokenizer.pipe(shorts)))

    def __call__(self, doc: Doc) -> Doc:
        layout = doc._.newsmon_layout
        ents = [e for e in doc.ents if layout is None or not layout.is_masked(e.start_char, e.end_char)]
        kb_spans = filter_spans(Span(doc, s, e, label=m) for m, s, e in self.names(doc))
        ents = self._merge(ents, kb_spans, short=False)
        taken = {i for e in ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
        short_spans = [
            Span(doc, s, e, label="PERSON") for m, s, e in self.shorts(doc)
            if not any(i in taken for i in range(s, e)) and doc[s].pos_ in ("PROPN", "NOUN", "X", "ADJ")
        ]
        ents = self._merge(ents, filter_spans(short_spans), short=True)
        ents = [piece for e in ents for piece in self._split(doc, e)]
        ents = [t for t in (self._trim(doc, e) for e in ents) if t is not None]
        protected = {(s.start, s.end) for s in kb_spans}
        ents = self._propagate_surnames(doc, ents, protected)
        ents = [self._not_a_date(e) for e in ents]
        doc.ents = filter_spans(ents)
        return doc

    def _merge(self, ents: list[Span], kb_spans: list[Span], *, short: bool) -> list[Span]:
        result = list(ents)
        for kb_span in sorted(kb_spans, key=len, reverse=True):
            overlapping = [e for e in result if e.start < kb_span.end and kb_span.start < e.end]
            keep_model = False
            for e in overlapping:
                same = (e.start, e.end) == (kb_span.start, kb_span.end)
                inside = e.start <= kb_span.start and kb_span.end <= e.end and not same
                if inside:
                    # a longer model entity holds the KB name: keep it ("Bank of Russia"), unless the KB
                    # name is a person the model wrapped in a title or a neighbour ("International
                    # Development Jean-Marc Ayrault")
                    if kb_span.label_ == "PERSON" and e.label_ in _REPLACEABLE_BY_PERSON and not short:
                        continue
                    keep_model = True
                elif same and short and e.label_ not in _REPLACEABLE_BY_PERSON:
                    keep_model = True  # "May" the DATE is not Theresa May
            if keep_model:
                continue
            result = [e for e in result if e not in overlapping]
            result.append(kb_span)
        return result

    def _propagate_surnames(self, doc: Doc, ents: list[Span], protected: set[tuple[int, int]]) -> list[Span]:
        """A surname alone ("Putin") is the person named in full elsewhere in the article."""
        surnames = {
            e[-1].text for e in ents
            if e.label_ == "PERSON" and len(e) >= 2 and all(t.is_alpha or t.text in ("-", ".") or t.text.endswith(".") for t in e)
            and e[-1].is_title and len(e[-1].text) > 2 and self.kb.country_of(e[-1].text) is None
        }
        if not surnames:
            return ents
        in_person = {i for e in ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
        by_token = {i: e for e in ents for i in range(e.start, e.end)}
        result = list(ents)
        for token in doc:
            if token.text not in surnames or token.i in in_person or token.pos_ not in ("PROPN", "NOUN", "ADJ", "X"):
                continue
            holder = by_token.get(token.i)
            if holder is not None:
                if len(holder) != 1 or (holder.start, holder.end) in protected:
                    continue
                result.remove(holder)
            result.append(Span(doc, token.i, token.i + 1, label="PERSON"))
        return result

    def _trim(self, doc: Doc, ent: Span) -> Span | None:
        start, end = ent.start, ent.end
        if ent.label_ == "PERSON":
            while end - start > 1 and (
                doc[start].lower_ in self.kb.title_words
                or doc[start].lower_ in _HONORIFICS
                or self.kb.country_of(doc[start].text) is not None
                or doc[start].lower_ in ("the", "his", "her")
            ):
                start += 1
        while end - start > 1 and doc[end - 1].tag_ == "POS":
            end -= 1
        if ent.label_ in _NAME_LABELS:
            while end - start > 1 and (doc[end - 1].is_punct or _NUMBERISH.match(doc[end - 1].text)):
                end -= 1  # "Somerset 83", "South Africa -": scores and dashes are not names
            while end - start > 1 and doc[start].is_punct:
                start += 1
        while end - start > 1 and doc[start].lower_ == "the" and (doc[start].text == "the" or doc[start].is_sent_start):
            start += 1  # "the World Cup": the article is not part of the name ("The Hague" mid-sentence is)
        if (start, end) == (ent.start, ent.end):
            return ent
        return Span(doc, start, end, label=ent.label_)

    @staticmethod
    def _split(doc: Doc, ent: Span) -> list[Span]:
        """Place and person names do not run across a comma ("Grace Road , Leicestershire") or "at"."""
        if ent.label_ not in ("PERSON", "GPE", "LOC", "FAC") or len(ent) < 3:
            return [ent]
        cuts = [t.i for t in ent[1:-1] if t.text == "," or (ent.label_ == "PERSON" and t.lower_ in _NOT_IN_NAMES)]
        if not cuts:
            return [ent]
        pieces, start = [], ent.start
        for cut in cuts + [ent.end]:
            if cut > start:
                pieces.append(Span(doc, start, cut, label=ent.label_))
            start = cut + 1
        return pieces

    @staticmethod
    def _not_a_date(ent: Span) -> Span:
        if ent.label_ == "DATE" and ent.text.isdigit() and not is_date_expression(ent.text):
            return Span(ent.doc, ent.start, ent.end, label="CARDINAL")
        return ent


@Language.factory("newsmon_entities", default_config={"knowledge_dir": None})
def make_entity_resolver(nlp: Language, name: str, knowledge_dir: str | None) -> EntityResolver:
    return EntityResolver(nlp, get_knowledge(knowledge_dir))

