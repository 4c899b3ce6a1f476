"""Builds ``pairs.jsonl`` from ``sources.yaml``: labelled pairs for scoring near-duplicate (story) detection.

The stories are written by hand (sources.yaml); what a second site does to a copy (a new title,
a credit line, boilerplate, trimmed or reordered paragraphs, small edits, an update) is applied
here, the same way for every story, so the pairs say exactly what changed. Run it after editing
the sources (``python services/newsmon/data/eval/stories/build.py``); a test checks that the
shipped ``pairs.jsonl`` is what this script writes.

Split: by story (a story's copies, its other-outlet report and its follow-up all fall in one
split, so nothing learnt on dev leaks into test), ``test`` when the first byte of the SHA-256
of the group is divisible by 3 (about a third), else ``dev``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SOURCES, PAIRS = HERE / "sources.yaml", HERE / "pairs.jsonl"
MIN_WORDS, MAX_WORDS = 150, 800
COPY_SITES = ("Riverside Online", "Metro Today", "Global Reader")  # the second sites of dev stories' copies
TEST_COPY_SITES = ("Lakeshore Star", "Daily Compass")  # those of test stories: boilerplate tuning never saw


def _words(title: str, paragraphs: list[str]) -> int:
    """Words as a reader counts them: whitespace-separated tokens with a letter or digit ("6,000" is one)."""
    return sum(1 for token in " ".join([title, *paragraphs]).split() if re.search(r"\w", token))


def split_of(group: str) -> str:
    return "test" if hashlib.sha256(group.encode()).digest()[0] % 3 == 0 else "dev"


def article(site: str, title: str, paragraphs: list[str], dateline: str | None = None,
            header: str | None = None, footer: list[str] = ()) -> dict:
    paragraphs = list(paragraphs)
    if dateline:
        paragraphs[0] = f"{dateline} {paragraphs[0]}"
    lines = ([header] if header else []) + paragraphs + list(footer)
    return {"site": site, "title": title, "body": "\n\n".join(lines)}


def _copy_dateline(dateline: str) -> str:
    """A second site's credit line: "PORT ELLISON, March 3 (Northwire) -" becomes "Port Ellison, March 3 -- By Northwire staff"."""
    match = re.match(r"([A-Z .'-]+),\s*(.*?)\s*\((\w+)\)\s*-$", dateline)
    if not match:
        return dateline
    place, date, agency = match.groups()
    return f"{place.title()}, {date} -- By {agency} staff --"


def _edit(paragraphs: list[str], old: str, new: str) -> list[str]:
    hits = [i for i, p in enumerate(paragraphs) if old in p]
    if len(hits) != 1:
        raise SystemExit(f"edit {old!r} must occur in exactly one paragraph (found {len(hits)})")
    return [p.replace(old, new) if i == hits[0] else p for i, p in enumerate(paragraphs)]


def same_story_pairs(story: dict, boilerplate: dict, n: int) -> list[tuple[str, dict, str]]:
    """(kind, copy, note) for one story's copies; the original is built by the caller."""
    p, title, dateline = story["paragraphs"], story["title"], story["dateline"]
    sites = TEST_COPY_SITES if split_of(story["id"]) == "test" else COPY_SITES
    site = sites[n % len(sites)]
    plate = boilerplate[site]
    edited = _edit(_edit(p, *story["edits"][0]), *story["edits"][1])
    reordered = [p[0], p[2], p[1], p[4], p[3]] + p[5:]
    updated = [p[0], story["update"], *p[1:]]
    # a cut of two paragraphs when at least MIN_WORDS remain, else of one
    trimmed = p[:-2] if _words(title, p[:-2]) >= MIN_WORDS else p[:-1]
    return [
        ("syndicated-new-title", article(site, story["alt_title"], p, _copy_dateline(dateline)),
         "the same text on another site, with its own title and credit line"),
        ("trimmed", article(site, title, trimmed, dateline),
         f"the last {len(p) - len(trimmed)} paragraph(s) cut for space ({len(trimmed)} of {len(p)} kept)"),
        ("light-edits", article(story["site"], title, edited, dateline), "two small wording edits by the desk"),
        ("boilerplate", article(site, title, p, _copy_dateline(dateline), plate["header"], plate["footer"]),
         "the second site's header, related links, newsletter and copyright lines around the text"),
        ("reordered", article(site, title, reordered, dateline), "two pairs of paragraphs swapped"),
        ("updated", article(story["site"], title, updated, dateline), "a later version with one new paragraph"),
        ("edited-syndicated", article(site, story["alt_title"], edited, _copy_dateline(dateline), plate["header"],
                                      plate["footer"]),
         "issue 14's case: a new title, two small edits, another site (its credit line and boilerplate)"),
    ]


def build(sources: dict) -> list[dict]:
    pairs: list[dict] = []
    plates = sources["boilerplate"]

    def add(group: str, kind: str, a: dict, b: dict, same: bool, note: str) -> None:
        pairs.append({"id": f"{group}/{kind}", "group": group, "split": split_of(group), "same": same, "kind": kind,
                      "note": note, "a": a, "b": b})

    stories = sources["stories"]
    originals = {}
    for n, story in enumerate(stories):
        original = article(story["site"], story["title"], story["paragraphs"], story["dateline"])
        originals[story["id"]] = original
        for kind, copy, note in same_story_pairs(story, plates, n):
            add(story["id"], kind, original, copy, True, note)
        other = story["other"]
        add(story["id"], "other-outlet", original, article(other["site"], other["title"], other["paragraphs"]), False,
            "another outlet's own report of the same event: shared names, places and dates")
        if story.get("follow"):
            follow = story["follow"]
            add(story["id"], "follow-up", original, article(story["site"], follow["title"], follow["paragraphs"],
                                                            story["dateline"].split(",")[0] + " (Northwire) -"),
                False, "a report a day later on the same matter")
            # wire follow-ups often repeat the earlier report's background paragraphs word for word
            add(story["id"], "follow-up-with-background", original,
                article(story["site"], follow["title"], follow["paragraphs"] + story["paragraphs"][-2:],
                        story["dateline"].split(",")[0] + " (Northwire) -"),
                False, "a report a day later that repeats the earlier report's last two (background) paragraphs")
    # Two unrelated stories carried by one site, both wrapped in its boilerplate: the boilerplate must not join them.
    for n, (first, second) in enumerate(zip(stories[0::2], stories[1::2])):
        sites = TEST_COPY_SITES if split_of(first["id"]) == "test" else COPY_SITES
        site = sites[n % len(sites)]
        plate = plates[site]
        a, b = (article(site, s["title"], s["paragraphs"], _copy_dateline(s["dateline"]), plate["header"],
                        plate["footer"]) for s in (first, second))
        add(first["id"], f"same-site-unrelated-{second['id']}", a, b, False,
            "two unrelated stories on one site, both wrapped in the same boilerplate")
    for template in sources["templates"]:
        for (i, one), (j, two) in itertools.combinations(enumerate(template["fills"]), 2):
            a, b = (article(template["site"], template["title"].format(**f), [t.format(**f) for t in template["paragraphs"]])
                    for f in (one, two))
            add(template["id"], f"same-template-{i}-{j}", a, b, False,
                "one report template, different facts (place, numbers, names)")
    for pair in pairs:
        for side in ("a", "b"):
            words = _words(pair[side]["title"], [pair[side]["body"]])
            if not MIN_WORDS <= words <= MAX_WORDS:
                raise SystemExit(f"{pair['id']} ({side}) has {words} words, outside {MIN_WORDS}-{MAX_WORDS}")
    return pairs


def render(pairs: list[dict]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs)


def main() -> None:
    pairs = build(yaml.safe_load(SOURCES.read_text(encoding="utf-8")))
    PAIRS.write_text(render(pairs), encoding="utf-8")
    counts = {(s, same): sum(1 for p in pairs if p["split"] == s and p["same"] == same) for s in ("dev", "test") for same in (True, False)}
    print(f"{len(pairs)} pairs written to {PAIRS}: " + ", ".join(f"{s} {'same' if same else 'different'} {n}" for (s, same), n in counts.items()),
          file=sys.stderr)


if __name__ == "__main__":
    main()
