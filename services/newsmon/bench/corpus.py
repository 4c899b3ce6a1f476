"""A benchmark corpus written for newsmon: news-like articles of 300 to 1,200 words on varied topics.

Sentences come from templates written for this project, filled with places, people and
organisations (real countries and cities, invented people), so the text exercises the
same NER, parsing and rules as real news without copying any. Deterministic for a seed,
so two runs measure the same texts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

COUNTRIES = [
    ("Syria", "Syrian", "Damascus"), ("Russia", "Russian", "Moscow"), ("Turkey", "Turkish", "Ankara"),
    ("Iran", "Iranian", "Tehran"), ("France", "French", "Paris"), ("Germany", "German", "Berlin"),
    ("Kenya", "Kenyan", "Nairobi"), ("Brazil", "Brazilian", "Brasilia"), ("India", "Indian", "New Delhi"),
    ("Japan", "Japanese", "Tokyo"), ("Egypt", "Egyptian", "Cairo"), ("Nigeria", "Nigerian", "Abuja"),
    ("Ukraine", "Ukrainian", "Kyiv"), ("Sudan", "Sudanese", "Khartoum"), ("Mexico", "Mexican", "Mexico City"),
    ("Indonesia", "Indonesian", "Jakarta"), ("Canada", "Canadian", "Ottawa"), ("Ethiopia", "Ethiopian", "Addis Ababa"),
    ("Colombia", "Colombian", "Bogota"), ("Pakistan", "Pakistani", "Islamabad"),
]
FIRST = ["Amara", "Tomas", "Leila", "Viktor", "Ines", "Kofi", "Mei", "Rafael", "Sana", "Oskar", "Nadia", "Jonah",
         "Farid", "Elena", "Kwame", "Lucia", "Arjun", "Hana", "Mateo", "Zofia"]
LAST = ["Okafor", "Lindqvist", "Haddad", "Petrenko", "Moreau", "Tanaka", "Osei", "Castillo", "Rahimi", "Novak",
        "Mbeki", "Fischer", "Qureshi", "Santos", "Kowalski", "Adeyemi", "Larsen", "Duarte", "Nakamura", "Barzani"]
ROLES = ["Foreign Minister", "Defence Minister", "President", "Prime Minister", "spokesperson", "envoy",
         "opposition leader", "central bank governor", "health minister", "mayor"]
ORGS = ["the United Nations", "the European Union", "the African Union", "the World Bank", "the Red Cross",
        "the International Monetary Fund", "NATO", "the World Health Organization", "Amnesty International",
        "the Organisation of Islamic Cooperation"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday", "last week",
        "earlier this month", "late on Thursday"]

TEMPLATES: dict[str, dict[str, list[str]]] = {
    "diplomacy": {
        "title": ["{P} and {P2} discuss {C} crisis by phone", "Talks on {C} resume in {CAP2}",
                  "{C} and {C2} agree to new round of negotiations"],
        "body": [
            "{ROLE} {P} held talks with {P2}, {DEM2} {ROLE2}, {DAY}, according to a statement from {CAP}.",
            "The two sides discussed a ceasefire, the exchange of prisoners and humanitarian access to besieged towns.",
            "Officials said negotiators from {C} and {C2} would meet again in {CAP2} {DAY} to work on a joint declaration.",
            "{ORG} welcomed the talks and urged both governments to respect the truce agreed earlier this year.",
            "{P} told reporters that progress had been slow but that the door to dialogue remained open.",
            "The opposition boycotted the meeting, accusing the government of failing to uphold previous agreements.",
            "Diplomats in {CAP} said a draft text was being circulated among delegations but that several points remained unresolved.",
            "{DEM} officials rejected the proposal, saying it ignored the security concerns of border communities.",
            "Mediators hope to secure a deal on a monitoring mechanism before the end of the month.",
            "A senior {DEM2} diplomat, speaking on condition of anonymity, described the atmosphere as constructive.",
        ],
    },
    "conflict": {
        "title": ["Fighting intensifies near {CITY} as {DEM} forces advance", "Shelling kills civilians in {C}",
                  "Rebels and army clash in northern {C}"],
        "body": [
            "{DEM} army units shelled positions held by rebel fighters near {CITY} {DAY}, a local monitoring group said.",
            "At least {N} people were killed and dozens wounded, according to medical sources in the region.",
            "Residents said they had spent the night in basements as artillery fire continued until dawn.",
            "The rebels said they had repelled an attack on a hilltop outpost and captured several armoured vehicles.",
            "{ORG} said it was alarmed by reports of strikes on hospitals and schools.",
            "Thousands of families fled towards the border, where aid agencies are struggling to provide shelter.",
            "The defence ministry in {CAP} said its forces were targeting weapons depots used by armed groups.",
            "There was no independent confirmation of the casualty figures given by either side.",
            "Drone strikes were also reported on a fuel depot outside {CITY}, causing a fire that burned for hours.",
            "Commanders on both sides accused each other of violating a local truce brokered in the spring.",
        ],
    },
    "economy": {
        "title": ["{C} central bank raises rates as inflation climbs", "{DEM} exports fall for third month",
                  "Investors weigh {C} budget plan"],
        "body": [
            "The central bank of {C} raised its main interest rate by {N} basis points {DAY}, its fourth increase this year.",
            "Governor {P} said inflation remained well above target, driven by food and energy prices.",
            "Economists had expected a smaller move, and the {DEM} currency strengthened after the announcement.",
            "Exports of manufactured goods fell {N} percent from a year earlier, data from the statistics office showed.",
            "Business groups warned that higher borrowing costs would hurt small firms already struggling with debt.",
            "{ORG} forecast growth of around two percent next year, down from an earlier estimate.",
            "The finance ministry said it would present a revised budget to parliament before the end of the quarter.",
            "Retail sales were flat in the last month, while unemployment edged up slightly.",
            "Analysts said the government faced a difficult choice between supporting households and cutting the deficit.",
        ],
    },
    "protest": {
        "title": ["Thousands march in {CAP} against new taxes", "Protesters and police clash in {CITY}",
                  "Strike paralyses transport in {C}"],
        "body": [
            "Tens of thousands of people marched through central {CAP} {DAY} to demand the withdrawal of a new tax law.",
            "Police fired tear gas and water cannon to disperse crowds near the parliament building.",
            "Organisers called for a general strike and said the protests would continue until their demands were met.",
            "A rights group said at least {N} people had been arrested and several journalists injured.",
            "{ROLE} {P} said the government was ready for dialogue but would not abandon the reforms.",
            "Shops and schools in the city centre stayed closed as transport workers joined the strike.",
            "Students carried banners criticising rising living costs and corruption.",
            "{ORG} called on the authorities to respect the right to peaceful assembly.",
        ],
    },
    "science": {
        "title": ["Researchers in {C} report advance in battery storage", "New telescope images stun astronomers",
                  "Study links heatwaves to crop losses in {C}"],
        "body": [
            "Scientists at a university in {CITY} said {DAY} they had developed a battery that charges in minutes.",
            "The team, led by {P}, tested the cells for more than {N} cycles without significant loss of capacity.",
            "Independent experts said the results were promising but would need to be confirmed at industrial scale.",
            "The research was funded in part by a grant from the national science foundation of {C}.",
            "Farmers in the region have reported lower yields during successive summers of extreme heat.",
            "The study used satellite data covering two decades and thousands of individual fields.",
            "Astronomers said the images revealed details of star formation that had never been seen before.",
            "The findings were published in a peer-reviewed journal and will be presented at a conference next month.",
        ],
    },
    "sport": {
        "title": ["{C} beat {C2} to reach final", "Late goal sends {CITY} side top of the table",
                  "Marathon record falls in {CAP}"],
        "body": [
            "{C} beat {C2} two goals to one {DAY} to reach the final of the continental championship.",
            "Striker {P} scored the winner in the final minutes after a long spell of pressure.",
            "The coach praised his players for their resilience after they went a goal down early in the match.",
            "More than {N} thousand fans watched the game in a packed stadium in {CITY}.",
            "The team will face the winner of the other semi-final, to be played on the weekend.",
            "Runner {P2} broke the course record by almost a minute in cool and windy conditions.",
            "Organisers said a record number of amateur runners had registered for the race this year.",
        ],
    },
    "health": {
        "title": ["{C} launches vaccination drive after outbreak", "Hospitals in {CITY} under strain",
                  "WHO warns of cholera risk in {C}"],
        "body": [
            "Health authorities in {C} began a vaccination campaign {DAY} after an outbreak of measles in several provinces.",
            "Health Minister {P} said the goal was to reach {N} thousand children within a month.",
            "The World Health Organization said flooding had damaged water systems and raised the risk of cholera.",
            "Doctors in {CITY} said hospitals were running short of beds and basic medicines.",
            "Aid groups appealed for funding to support mobile clinics in remote areas.",
            "Officials urged residents to boil drinking water and to seek treatment quickly if symptoms appeared.",
            "The number of new cases has fallen in the capital but continues to rise in rural districts.",
        ],
    },
}


@dataclass(frozen=True)
class BenchArticle:
    id: str
    title: str
    body: str
    topic: str

    def as_article(self) -> dict:
        return {"id": self.id, "title": self.title, "body": self.body, "source": "newsmon-bench", "language": "en",
                "published_at": "2026-11-20T12:00:00Z"}


def _fill(template: str, rng: random.Random, cast: dict[str, str]) -> str:
    values = dict(cast)
    values["N"] = str(rng.choice([3, 5, 7, 12, 18, 25, 40, 50, 75, 120]))
    values["DAY"] = rng.choice(DAYS)
    values["ORG"] = rng.choice(ORGS)
    out = template.format(**values)
    return out[0].upper() + out[1:]


def generate(count: int, seed: int = 7, min_words: int = 300, max_words: int = 1200) -> list[BenchArticle]:
    """``count`` articles, each between ``min_words`` and ``max_words`` words."""
    rng = random.Random(seed)
    articles = []
    topics = sorted(TEMPLATES)
    for n in range(count):
        topic = topics[n % len(topics)]
        (c, dem, cap), (c2, dem2, cap2) = rng.sample(COUNTRIES, 2)
        cast = {
            "C": c, "DEM": dem, "CAP": cap, "C2": c2, "DEM2": dem2, "CAP2": cap2,
            "CITY": rng.choice([cap, cap2]),
            "P": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "P2": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "ROLE": rng.choice(ROLES), "ROLE2": rng.choice(ROLES),
        }
        target = rng.randint(min_words, max_words)
        pool = TEMPLATES[topic]["body"]
        paragraphs: list[str] = [f"{cap.upper()} (newsmon bench) - " + _fill(rng.choice(pool), rng, cast)]
        words = len(paragraphs[0].split())
        while words < target:
            sentences = [_fill(rng.choice(pool), rng, cast) for _ in range(rng.randint(1, 3))]
            paragraph = " ".join(sentences)
            words += len(paragraph.split())
            paragraphs.append(paragraph)
        body = "\n\n".join(paragraphs)
        trimmed = " ".join(body.split(" ")[:max_words]) if len(body.split()) > max_words else body
        title = _fill(rng.choice(TEMPLATES[topic]["title"]), rng, cast)
        articles.append(BenchArticle(f"bench-{seed}-{n:05d}", title, trimmed, topic))
    return articles
