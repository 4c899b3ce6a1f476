import json

from newsmon.alerts.stories import StoryIndex, StoryRecord, signature

BASE = (
    "Negotiators from both delegations met in a lakeside hotel on Friday and agreed to extend the truce "
    "along the northern front for another month, the mediator said, while prisoner exchanges would "
    "begin next week under the supervision of the Red Cross. Both sides accused each other of violations "
    "in the days before the meeting, and several villages near the front line remain without power."
)


def test_a_lightly_edited_copy_joins_the_story_and_an_unrelated_article_does_not():
    index = StoryIndex(similarity=0.7, window_hours=48)
    original = index.assign("a", signature("Truce extended", BASE), now=1000)
    copy = index.assign("b", signature("Truce extended, mediator says", BASE.replace("on Friday", "late on Friday") + " Reporting by the desk."), now=1010)
    other = index.assign("c", signature("Harvest", "Farmers in the valley brought in a record apple harvest after a mild spring and steady rain."), now=1020)
    assert original.story_id == "a" and copy.story_id == "a" and other.story_id == "c"


def test_an_article_seen_again_keeps_its_story():
    index = StoryIndex()
    index.assign("a", signature(None, BASE), now=1000)
    assert index.assign("a", signature(None, BASE + " Updated."), now=1100).story_id == "a"


def test_old_articles_expire_from_the_window():
    index = StoryIndex(window_hours=1)
    index.assign("a", signature(None, BASE), now=0)
    assert index.assign("b", signature(None, BASE), now=7200).story_id == "b"
    assert len(index) == 1


def test_records_round_trip_and_replayed_records_are_remembered():
    record = StoryRecord("a", "s1", signature(None, BASE), 1000.0)
    assert StoryRecord.from_json(record.to_json()) == record
    index = StoryIndex(window_hours=10**9)
    index.remember(record, now=1000)
    assert index.story_of("a") == "s1"
    assert index.assign("b", signature(None, BASE), now=1001).story_id == "s1"


def test_memory_is_bounded_by_capacity_whatever_the_throughput():
    index = StoryIndex(window_hours=10**9, capacity=100)
    for n in range(350):
        index.assign(f"a{n}", signature(None, f"{BASE} edition {n} " + " ".join(f"w{n}x{i}" for i in range(40))), now=1000 + n)
    assert len(index) == 100
    assert index.story_of("a0") is None and index.story_of("a349") == "a349"
    before = index.memory_bytes
    index.assign("copy", signature(None, f"{BASE} edition 349 " + " ".join(f"w349x{i}" for i in range(40))), now=2000)
    assert index.story_of("copy") == "a349" and index.memory_bytes == before


# --- signature version 2: what a second site does to a copy, and what must stay apart -----------------------

from newsmon.alerts.stories import CURRENT, LEGACY, MIN_OVERLAP_SHINGLES, shingles, similarity, story_text  # noqa: E402

REPORT = """GRAVEL BAY, May 4 (Northwire) - Fishermen in Gravel Bay blocked the harbour entrance with about forty boats on Monday to protest against new quotas for herring, which they say will halve their income this season.

The fisheries ministry cut the herring quota for the bay by 45 percent last week after a survey found the stock had fallen to its lowest level in two decades. Minister Elsa Brandt said the cut was painful but needed to save the fishery.

The protest began at dawn and had stopped two cargo ships from entering the port by midday. Harbour master Tor Vik said the ships would wait at anchor and that the blockade was peaceful.

The fishermen's association asked for compensation and for the cut to be spread over three years. Its chairman, Jon Halle, said most boats in the bay were owned by families who had no other work.

Scientists at the marine institute said the stock could recover within five years if fishing was reduced now."""
TITLE = "Gravel Bay fishermen blockade harbour over herring quota"
PLATE = "\n\nRead more:\n\n- Five things to know before the weekend\n\n(c) 2026 Harbour Online. All rights reserved. Provided by a news agency."


def edited_syndicated_copy() -> tuple[str, str]:
    """Issue 14's case: a new title, two small edits, another site (its credit line and boilerplate)."""
    body = (REPORT.replace("GRAVEL BAY, May 4 (Northwire) -", "Gravel Bay, May 4 -- By Northwire staff --")
            .replace("blocked the harbour entrance", "sealed off the harbour entrance")
            .replace("was painful but needed", "was painful but necessary") + PLATE)
    return "Herring quota protest: boats seal off Gravel Bay port", body


def one_story(first: tuple[str, str], second: tuple[str, str], scheme=CURRENT, threshold: float = 0.75) -> bool:
    index = StoryIndex(similarity=threshold, capacity=100, scheme=scheme)
    index.assign("a", signature(*first, scheme), now=0)
    return index.assign("b", signature(*second, scheme), now=1).story_id == "a"


def test_the_edited_syndicated_copy_of_issue_14_is_one_story_now_and_was_two_under_version_1():
    assert one_story((TITLE, REPORT), edited_syndicated_copy())
    assert not one_story((TITLE, REPORT), edited_syndicated_copy(), LEGACY, 0.7)


def test_a_trimmed_copy_a_reordered_one_and_an_updated_version_join_the_story():
    paragraphs = REPORT.split("\n\n")
    trimmed = "\n\n".join(paragraphs[:3])
    reordered = "\n\n".join([paragraphs[0], paragraphs[2], paragraphs[1], *paragraphs[3:]])
    updated = "\n\n".join([paragraphs[0], "Late on Monday the ministry said it would meet the association on Wednesday "
                           "to discuss compensation, and the blockade was lifted for the night.", *paragraphs[1:]])
    for body in (trimmed, reordered, updated):
        assert one_story((TITLE, REPORT), (TITLE, body)), body[:80]


def test_one_template_with_other_facts_is_another_story():
    template = ("A magnitude {m} earthquake struck near {p} on {d}, the geological survey said. The quake hit at a depth of "
                "{k} kilometres, about {x} kilometres north of {c}. Shaking was felt across the region, and residents of {c} "
                "reported items falling from shelves. {e} The survey said aftershocks were likely over the coming days and "
                "advised people to stay away from damaged buildings. No tsunami warning was issued. Emergency services in {c} "
                "said they were checking schools, bridges and hospitals and would publish a list of closed roads later.")
    one = template.format(m="5.8", p="Tovik", d="Tuesday", k="12", x="40", c="Halden Ridge",
                          e="Police said several old houses had cracked walls but nobody was hurt.")
    two = template.format(m="6.1", p="San Aurelio", d="Friday", k="33", x="25", c="Porto Vela",
                          e="A church tower partly collapsed and two people were taken to hospital.")
    assert not one_story(("Quake near Tovik", one), ("Quake near San Aurelio", two))


def test_a_short_brief_inside_a_long_report_is_compared_by_jaccard_not_overlap():
    brief = "Fishermen in Gravel Bay blocked the harbour entrance with about forty boats on Monday."
    assert len(shingles(story_text(None, brief))) < MIN_OVERLAP_SHINGLES
    assert similarity(signature(None, brief), signature(TITLE, REPORT)) < 0.3
    assert not one_story((TITLE, REPORT), (None, brief))


def test_the_signed_text_leaves_out_the_title_the_dateline_and_boilerplate_lines():
    text = story_text("Herring quota protest", edited_syndicated_copy()[1])
    assert text.startswith("Fishermen in Gravel Bay sealed off")
    assert "Herring quota protest" not in text and "Read more" not in text and "All rights reserved" not in text
    assert "Five things" not in text and text.endswith("if fishing was reduced now.")
    # a story paragraph that happens to use a marker word is long enough to be kept
    long_line = ("The ministry said the new rules were related to a survey of the stock that the marine institute carried out "
                 "over two winters with boats from three countries and an aircraft.")
    assert story_text(None, long_line) == long_line


def test_records_of_signature_version_1_are_not_compared_with_version_2():
    old = StoryRecord("old", "old", signature(TITLE, REPORT, LEGACY), 1000.0, version=1)
    raw = json.dumps({"article_id": "old", "story_id": "old", "signature": old.signature, "seen_at": 1000.0}).encode()
    assert StoryRecord.from_json(raw) == old  # records written before version 2 carry no version: they are version 1
    index = StoryIndex(window_hours=10**9)
    index.remember(StoryRecord.from_json(raw), now=1000)
    index.remember(StoryRecord("forged", "forged", signature(TITLE, REPORT)[: CURRENT.num_perm + 1], 1000.0, version=1),
                   now=1000)
    assert len(index) == 0
    assert index.assign("new", signature(TITLE, REPORT), now=1001).story_id == "new"
    assert StoryRecord.from_json(index.assign("copy", signature(*edited_syndicated_copy()), now=1002).to_json()).version == 2
