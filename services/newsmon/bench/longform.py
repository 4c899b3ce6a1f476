"""Long articles that weigh what real long news weighs: full of distinct names, places and events.

A body that repeats one sentence is cheap to enrich and its enriched copy stays small, which is
how a test of "a 5 MB article" once passed while a real one stopped the worker. Here every
sentence names new people (given and family names combined, so tens of thousands are
distinct), real cities and countries, organisations, numbers and dates, in the shapes the
event coder reads ("X met Y in Z", "forces shelled", "the ministry accused"), so the number of
entity mentions, actors, events and evidence sentences grows with the length, as it does in
a live blog, a court transcript or a long investigation. Deterministic for a seed. Written for
this project; no real news text.
"""

from __future__ import annotations

import random

from .corpus import COUNTRIES, ORGS

GIVEN = (
    "Amara Tomas Leila Viktor Ines Kofi Mei Rafael Sana Oskar Nadia Jonah Farid Elena Kwame Lucia Arjun Hana "
    "Mateo Zofia Idris Marta Yusuf Greta Omar Noor Pavel Ayla Dmitri Selin Kenji Ana Tariq Lina Bruno Esra "
    "Malik Irina Diego Sofia Emeka Rania Anton Yara Hugo Amina Milan Dina Rashid Olga"
).split()
FAMILY = (
    "Okafor Lindqvist Haddad Petrenko Moreau Tanaka Osei Castillo Rahimi Novak Mbeki Fischer Qureshi Santos "
    "Kowalski Adeyemi Larsen Duarte Nakamura Barzani Ivanova Delgado Mensah Sato Kaya Horvat Nkosi Varga "
    "Esposito Brandt Ferreira Demir Okonkwo Bianchi Sokolov Mendez Achebe Lund Farouk Weber Abbasi Rossi "
    "Kimura Tshabalala Navarro Petrovic Yilmaz Oduya Schmidt Hakimi Andersen Costa Mwangi Dubois Kovacs"
).split()
ROLES = ("Foreign Minister", "Defence Minister", "deputy governor", "spokeswoman", "envoy", "opposition leader",
         "regional commander", "prosecutor", "mayor", "senior official")
TEMPLATES = (
    "{P1}, the {DEM1} {ROLE}, met {P2} of {C2} in {CITY} on {DAY} to discuss the release of {N} detainees.",
    "{DEM1} forces shelled villages near {CITY} overnight, killing at least {N} people, {P1} told reporters.",
    "{ORG} accused {C2} of blocking aid convoys to {CITY}, according to a statement read by {P2}.",
    "{P1} and {P2} signed a memorandum in {CITY} under which {C1} will supply {N} tonnes of grain to {C2}.",
    "Protesters gathered outside the parliament in {CITY} as {P1} called for an independent inquiry.",
    "The court in {CITY} issued an arrest warrant for {P1}, a former {ROLE} of {C1}, on {DAY}.",
    "{P2}, {ROLE} for {ORG}, said talks with {C1} would resume in {CITY} within {N} days.",
    "Rebels led by {P1} seized two checkpoints on the road from {CITY} to the border with {C2}.",
    "{C1} expelled {N} diplomats from {C2} after {P2} was accused of spying, the ministry said.",
    "In {CITY}, {P1} praised {P2} for brokering a local truce that held through {DAY}.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_article(chars: int, seed: int = 0, title: str | None = None) -> dict:
    """An article whose body is about ``chars`` characters of news-like prose, in paragraphs of five sentences."""
    rng = random.Random(seed)
    sentences: list[str] = []
    size = 0
    n = 0
    while size < chars:
        c1, c2 = rng.sample(COUNTRIES, 2)
        values = {
            "P1": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "P2": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "C1": c1[0], "DEM1": c1[1], "C2": c2[0], "CITY": rng.choice((c1[2], c2[2])), "ORG": rng.choice(ORGS),
            "ROLE": rng.choice(ROLES), "DAY": rng.choice(DAYS), "N": str(rng.randint(2, 400)),
        }
        sentence = rng.choice(TEMPLATES).format(**values)
        sentence = sentence[0].upper() + sentence[1:]
        sentences.append(sentence)
        size += len(sentence) + 1
        n += 1
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    body = "\n\n".join(paragraphs)[:chars]
    return {"title": title or f"Live coverage, part {seed}: talks, clashes and arrests across the region", "body": body}


def distinct_names(text: str) -> int:
    """How many distinct given-and-family name pairs a generated text holds (what its enrichment grows with)."""
    words = text.replace(",", " ").replace(".", " ").split()
    given, family = set(GIVEN), set(FAMILY)
    return len({(a, b) for a, b in zip(words, words[1:]) if a in given and b in family})
