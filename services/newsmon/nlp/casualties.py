"""Casualty counts of an attack, read from its sentence: PLOVER's ``dead`` and ``injured``.

Wire copy states a toll in a handful of shapes, and the parse of each is what this module reads:

- a participle or verb on the attack: "hit a market, killing at least 12 people and wounding 18";
- a passive: "15 people were killed and 20 wounded when ...", "seven died";
- a result: "left four people dead and 17 wounded";
- a toll noun: "the death toll has climbed to 31".

A number is the figure the sentence writes, without its hedge ("at least 12", "more than 350", "about
40", "up to 50" -> 12, 350, 40, 50); vague quantities ("dozens", "scores") give no number, nor do dates,
amounts, percentages or ages. Only people are counted ("killed 1,500 cattle" is no toll), and counts of
conjoined groups add up ("killed three soldiers and five civilians" -> 8). Only numbers the sentence writes are counted, never
estimates across sentences: an analyst filtering on ``dead >= 10`` must be able to read the figure
in the evidence sentence. Pure: spaCy tokens in, numbers out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

_DEAD_WORDS = frozenset({"kill", "die", "dead", "massacre", "slay", "execute", "behead"})
_INJURED_WORDS = frozenset({"wound", "injure", "hurt", "maim", "wounded", "injured"})
_TOLL_NOUNS = frozenset({"toll"})
_TOLL_KINDS = frozenset({"death", "casualty", "civilian"})  # "the death toll", not "the toll on the economy"
_MAGNITUDES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NOT_COUNTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"})
_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                     "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                     "nov", "dec"})
# the people a number counts, between the number and "dead"/"wounded" ("four people dead", "18 others")
_PEOPLE = frozenset({"people", "person", "civilian", "other", "soldier", "child", "woman", "man", "villager", "resident",
                     "worshipper", "policeman", "officer", "fighter", "militant", "member", "student", "worker", "pupil",
                     "passenger", "them", "whom", "troop", "guard", "police", "farmer", "protester", "demonstrator"})
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_DIGITS = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")
MAX_COUNT = 10_000_000  # beyond any toll; a bigger "number" is a year, an amount or a parse error


@dataclass(frozen=True)
class Toll:
    """One stated count, and the token it hangs on (to give it to the nearest attack)."""

    kind: str  # "dead" | "injured"
    count: int
    anchor: int  # token index


def number_value(token: Token) -> int | None:
    """The value of a cardinal token: "12", "1,200", "seven"; None for anything else."""
    text = token.text.lower()
    if token.ent_type_ in _NOT_COUNTS or (token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ in ("%", "percent", "per")):
        return None  # "on March 3", "$8 billion", "8 percent"
    if token.i > 0 and token.doc[token.i - 1].lower_ in _MONTHS:
        return None  # "March 3" the model did not tag as a date
    if _DIGITS.match(text):
        value = int(text.replace(",", ""))
        return value if 0 < value < MAX_COUNT and not (1900 <= value <= 2100 and "," not in text and len(text) == 4) else None
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    if "-" in text:  # "twenty-one"
        parts = text.split("-")
        if len(parts) == 2 and parts[0] in _NUMBER_WORDS and parts[1] in _NUMBER_WORDS:
            return _NUMBER_WORDS[parts[0]] + _NUMBER_WORDS[parts[1]]
    return None


def _with_magnitude(number: Token) -> int | None:
    """ "two hundred", "three thousand": a magnitude word times the number on it or before it."""
    value = number_value(number)
    if value is None:
        return None
    if number.lower_ in _MAGNITUDES:
        factor = next((number_value(c) for c in number.children if c.dep_ in ("nummod", "quantmod", "compound")
                       and number_value(c) is not None), None)
        before = number.doc[number.i - 1] if number.i > 0 else None
        if factor is None and before is not None and number_value(before) is not None:
            factor = number_value(before)
        return (factor or 1) * _MAGNITUDES[number.lower_]
    return value


def _people(noun: Token) -> bool:
    return noun.lemma_.lower() in _PEOPLE or noun.lower_ in _PEOPLE


def _count_of(noun: Token) -> int | None:
    """The people a noun phrase counts: "at least 12 people", "two hundred villagers", "460" (the number
    itself), "three soldiers and five civilians" (8). None for what is not people ("1,500 cattle")."""
    total: int | None = None
    for part in [noun, *noun.conjuncts]:
        value = number_value(part)  # "killed 460", "three of them"
        if value is None and _people(part):
            numbers = sorted((c for c in part.children if c.dep_ in ("nummod", "quantmod") and number_value(c) is not None),
                             key=lambda c: c.i)
            if numbers:
                value = _with_magnitude(numbers[0])
        if value is not None:
            total = (total or 0) + value
    return total


def _count_before(token: Token, sent: Span) -> int | None:
    """ "four people dead", "17 wounded", "20 others injured": a number at most three words before."""
    start = max(sent.start, token.i - 3)
    for node in reversed(token.doc[start:token.i]):
        value = number_value(node)
        if value is not None:
            return value
        if not (_people(node) or node.pos_ in ("ADJ", "DET") or node.lower_ in ("of",)):
            return None  # a preposition, a name, a date word: the number before it counts something else
    return None


def tolls(sent: Span) -> list[Toll]:
    """Every count of dead and injured the sentence states."""
    found: list[Toll] = []
    for token in sent:
        lemma = token.lemma_.lower()
        kind = "dead" if lemma in _DEAD_WORDS or token.lower_ in _DEAD_WORDS else (
            "injured" if lemma in _INJURED_WORDS or token.lower_ in _INJURED_WORDS else None)
        count: int | None = None
        if kind is not None and token.dep_ in ("amod", "compound"):
            kind = None  # "a hospital treating 200 wounded soldiers": a description, not a toll
        if kind is not None:
            # an active verb's subject is who killed ("two militants killed a soldier"), never the toll
            active = token.pos_ in ("VERB", "AUX") and token.tag_ != "VBN" and lemma != "die"
            if active or any(c.dep_ == "dobj" for c in token.children):
                obj = next((c for c in token.children if c.dep_ in ("dobj", "obj")), None)
                count = _count_of(obj) if obj is not None else None
            if count is None:
                deps = ("nsubjpass",) if active else ("nsubjpass", "nsubj")  # "15 people were killed", "seven died"
                subject = next((c for c in token.children if c.dep_ in deps), None)
                count = _count_of(subject) if subject is not None else None
            if count is None and not (active and any(c.dep_ == "nsubj" for c in token.children)):
                count = _count_before(token, sent)
        elif lemma in _TOLL_NOUNS and any(c.lemma_.lower() in _TOLL_KINDS for c in token.children if c.dep_ in ("compound", "amod", "nmod")):
            kind = "dead"
            if token.dep_ == "nsubj":  # "the death toll from the strike has climbed to 31"
                count = next((number_value(g) for c in token.head.children if c.dep_ == "prep" and c.lower_ in ("to", "at")
                              for g in c.children if g.dep_ == "pobj" and number_value(g) is not None), None)
            for node in token.doc[token.i + 1:min(sent.end, token.i + 9)] if count is None else ():
                count = number_value(node)
                if count is not None:
                    break
        if kind is not None and count is not None:
            found.append(Toll(kind, count, token.i))
    return found
