"""Article anatomy: what in a title and body is packaging (site name, repeated headline, dateline, credits, footer).

The model must not read packaging as news, yet every offset newsmon reports is into the
original strings. So anatomy never cuts: it returns a *parse text* of exactly the same
length, with packaging blanked out by spaces (newlines kept) and shouting all-caps lines
re-cased, plus what the packaging said (dateline place and agency, authors, editors) with
offsets into the original. Pure functions over strings; knowledge comes from the KB.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .knowledge import KnowledgeBase, normalize

_DASHES = "-\u2013\u2014"
_SITE_SUFFIX = re.compile(rf"^(?P<core>.*\S)\s+(?P<sep>[{_DASHES}|:])\s+(?P<site>[^{_DASHES}|]{{2,40}})\s*$")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "MOSCOW (Reuters) -", "SOCHI, Russia, Oct 26 (AFP) -", "SAO PAULO, Oct 26 -", "BEIRUT -"
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\-]*(?:[ /][A-Z][A-Z.'\-]*){0,3}(?:,\s*(?!" + _MONTH + r"\s+\d)[A-Z][A-Za-z.]+(?:\s(?:of\s|the\s)?[A-Z][A-Za-z.]+){0,3})?)"
    r"(?:,?\s*" + _MONTH + r"\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"\s*(?:\((?P<agency>[A-Za-z][\w&.\- ]{0,30})\))?\s*(?P<dash>[\-\u2013\u2014]+|:)\s+"
)
_DATELINE_TITLECASE = re.compile(
    r"^(?P<place>[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){0,2})\s*\((?P<agency>[A-Za-z][\w&.\- ]{0,30})\)\s*(?P<dash>[\-\u2013\u2014]+|:)\s+"
)
# "(Reuters) - ...": the agency alone, its place left out
_DATELINE_AGENCY_ONLY = re.compile(r"^\((?P<agency>[A-Z][\w&.\- ]{0,30})\)\s*(?P<dash>[\-\u2013\u2014]+|:)\s+")
_DATELINE_DATED = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\-]*(?:[ /][A-Z][A-Z.'\-]*){0,3})"
    r"(?:\s*,\s*(?P<country>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3}))?\s+(?P<date>\d{4}-\d{2}-\d{2})\s*$"
)
_CREDITS = re.compile(r"\(\s*(?P<inner>(?:[A-Z][a-z]+ )?(?:[Rr]eporting|[Ww]riting|[Ee]diting|[Ee]dited|[Cc]ompiled|[Ww]ritten)[^()]{3,400})\)")
# The same credits on a line of their own, without brackets ("Reporting by X; Editing by Y").
_CREDITS_LINE = re.compile(
    r"^[ \t]*(?P<inner>(?:[A-Z][a-z]+ )?(?:[Rr]eporting|[Ww]riting|[Ee]diting|[Ee]dited|[Cc]ompiled|[Ww]ritten) by [^\n()]{3,400}?)[ \t.]*$",
    re.MULTILINE,
)
_BYLINE = re.compile(r"^\s*By\s+(?P<names>[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){1,3}(?:\s*(?:,|and)\s*[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){1,3})*)\s*$")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_NAME = re.compile(r"[A-Z][\w.'\-]*(?:\s+(?:(?:de|da|di|van|von|der|den|le|la|du|bin|al|el)\s+)?[A-Z][\w.'\-]*){1,3}")
_WORD = re.compile(r"[A-Za-z][A-Za-z'.\-]*")


@dataclass(frozen=True)
class FieldEntity:
    """A named entity anatomy found itself (dateline place, agency, credited names): offsets into the field."""

    start: int
    end: int
    label: str
    role: str  # dateline_place | agency | author | editor


@dataclass(frozen=True)
class Anatomy:
    """What anatomy found in one field (title or body); ``parse_text`` has the length of the original."""

    parse_text: str
    masked: tuple[tuple[int, int, str], ...] = ()  # (start, end, kind) blanked out for the model
    dateline_place: str | None = None
    dateline_agency: str | None = None
    dateline_date: str | None = None
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    entities: tuple[FieldEntity, ...] = ()
    paragraph_starts: tuple[int, ...] = field(default=())

    def is_masked(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _ in self.masked)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without the newline."""
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _same_headline(line: str, headline: str) -> bool:
    return bool(headline) and normalize(line) == normalize(headline)


def _proper_singles(kb: KnowledgeBase) -> set[str]:
    """One-word names the KB knows, lower-cased ("hamas", "unrwa"): never ordinary words."""
    names = [n for c in kb.countries.values() for n in (c.name, *c.names, *c.demonyms)]
    names += [n for a in kb.actors.values() for n in (a.name, *a.aliases)]
    return {n.lower() for n in names if " " not in n}


class Anatomist:
    """Reads the anatomy of articles; built once from the knowledge base and the model's common words."""

    def __init__(self, kb: KnowledgeBase, common_words: Iterable[str] = (), is_place: Callable[[str], bool] | None = None):
        self.kb = kb
        self._gazetteer_has = is_place or (lambda name: False)
        # the model's ordinary words, and the words of the event patterns ("ceasefire", "truce"), which are
        # ordinary by definition: what a title-case headline writes with a capital that is no name
        pattern_words = {str(w).lower() for data in (*kb.verbs, *kb.nouns) for key in ("lemma", "object")
                         for w in (data.get(key) or ()) if " " not in str(w) and str(w).isalpha()}
        self.common_words = frozenset(w.lower() for w in common_words) | frozenset(pattern_words - _proper_singles(kb))
        bp = kb.boilerplate
        self._site_names = {normalize(s) for s in bp.site_names}
        self._footer = tuple(m.lower() for m in bp.footer_markers)
        self._line_markers = tuple(m.lower() for m in bp.line_markers)
        self._agencies = {a.lower() for a in bp.agencies} | {normalize(a.name) for a in kb.actors.values() if a.sector == "MED"}
        labels = [(lbl, "author") for lbl in bp.author_labels] + [(lbl, "editor") for lbl in bp.editor_labels]
        self._credit_labels = sorted(labels, key=lambda item: len(item[0]), reverse=True)
        self._proper = self._proper_names(kb)
        # words of the names of people the KB knows ("Xi", "Trump"): never lowered in a title-case headline
        self._person_words = frozenset(w.lower() for a in kb.actors.values() if a.type == "person"
                                       for name in (a.name, *a.aliases) for w in name.split()
                                       if len(w) > 1 and w[:1].isupper() and w.lower() not in _SMALL_WORDS)

    @staticmethod
    def _proper_names(kb: KnowledgeBase) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Lower-cased word sequences of names the KB knows -> their proper casing (for all-caps lines)."""
        names: list[str] = []
        for country in kb.countries.values():
            names.extend((country.name, *country.names, *country.demonyms))
            if country.capital:
                names.append(country.capital)
        for actor in kb.actors.values():
            names.extend((actor.name, *actor.aliases))
        names.extend(p.name for p in kb.extra_places)
        table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for name in names:
            words = tuple(name.split())
            if 0 < len(words) <= 4 and any(c.islower() for c in name):
                table.setdefault(tuple(w.lower() for w in words), words)
        return table

    # --- title
    def site_suffix(self, title: str, body: str) -> tuple[int, int] | None:
        """The span of a trailing site name (" – Metro US") in a title, or None."""
        m = _SITE_SUFFIX.match(title)
        if not m:
            return None
        core, site = m.group("core"), m.group("site").strip()
        words = site.split()
        known = normalize(site) in self._site_names
        recurs = normalize(core) in normalize(body[:5000]) and normalize(title) not in normalize(body[:5000])
        looks_like_site = len(words) <= 4 and all(w[:1].isupper() or w[:1].isdigit() for w in words)
        if known or (recurs and looks_like_site) or (m.group("sep") == "|" and looks_like_site):
            return (len(core), len(title))
        return None

    def read_title(self, title: str, body: str) -> Anatomy:
        chars = list(title)
        masked = []
        suffix = self.site_suffix(title, body)
        if suffix:
            _blank(chars, *suffix)
            masked.append((suffix[0], suffix[1], "site_name"))
        text = self._truecase("".join(chars), [(0, len(title))], evidence=body)
        return Anatomy(text, tuple(masked))

    # --- body
    def read_body(self, body: str, title: str | None = None) -> Anatomy:
        chars = list(body)
        masked: list[tuple[int, int, str]] = []
        entities: list[FieldEntity] = []
        lines = _lines(body)
        headline = title or ""
        suffix = self.site_suffix(title, body) if title else None
        core = title[: suffix[0]] if (title and suffix) else headline

        # repeated headline lines at the top (and the first line repeated right below itself)
        first_text = next((body[s:e] for s, e in lines if body[s:e].strip()), "")
        seen_first = False
        for s, e in lines:
            line = body[s:e]
            if not line.strip():
                continue
            if _same_headline(line, core) or _same_headline(line, headline):
                masked.append((s, e, "repeated_headline"))
                continue
            if _same_headline(line, first_text) and len(line) < 250 and not line.rstrip().endswith("."):
                if seen_first:
                    masked.append((s, e, "repeated_headline"))
                    continue
                seen_first = True
                continue
            break

        # footers end the article; line markers drop one line
        for s, e in lines:
            stripped = body[s:e].strip().lower()
            if stripped.startswith(self._footer):
                masked.append((s, len(body), "footer"))
                break
            if stripped.startswith(self._line_markers):
                masked.append((s, e, "boilerplate"))

        def is_masked(s: int, e: int) -> bool:
            return any(ms <= s and e <= me for ms, me, _ in masked)

        # byline and dateline at the top of the first real paragraphs
        dateline_place = dateline_agency = dateline_date = None
        authors: list[str] = []
        editors: list[str] = []
        looked = 0
        for s, e in lines:
            line = body[s:e]
            if not line.strip() or is_masked(s, e):
                continue
            looked += 1
            if looked > 3:
                break
            by = _BYLINE.match(line)
            if by:
                for name, ns, ne in self._names(line, by.start("names"), by.end("names")):
                    authors.append(name)
                    entities.append(FieldEntity(s + ns, s + ne, "PERSON", "author"))
                masked.append((s, e, "byline"))
                continue
            dated = _DATELINE_DATED.match(line)
            if dated and self._is_place(dated.group("place")):
                dateline_place, dateline_date = dated.group("place"), dated.group("date")
                entities.append(FieldEntity(s + dated.start("place"), s + dated.end("place"), "GPE", "dateline_place"))
                if dated.group("country") and self.kb.country_of(dated.group("country")):
                    entities.append(FieldEntity(s + dated.start("country"), s + dated.end("country"), "GPE", "dateline_place"))
                masked.append((s, e, "dateline"))
                break
            m = _DATELINE.match(line) or _DATELINE_TITLECASE.match(line)
            if m and self._is_place(m.group("place")) and not self.kb.known(m.group("place")):
                dateline_place = m.group("place")
                entities.append(FieldEntity(s + m.start("place"), s + m.end("place"), "GPE", "dateline_place"))
                if m.group("agency"):
                    dateline_agency = m.group("agency").strip()
                    if _a_name(dateline_agency):
                        entities.append(FieldEntity(s + m.start("agency"), s + m.end("agency"), "ORG", "agency"))
                masked.append((s, s + m.end(), "dateline"))
                break
            alone = _DATELINE_AGENCY_ONLY.match(line)
            if alone:
                dateline_agency = alone.group("agency").strip()
                if _a_name(dateline_agency):
                    entities.append(FieldEntity(s + alone.start("agency"), s + alone.end("agency"), "ORG", "agency"))
                masked.append((s, s + alone.end(), "dateline"))
                break
            if len(line) > 200:
                break  # a paragraph of prose: any dateline would have come before it

        # credits, near the end
        tail_start = max(0, len(body) - 1500)
        for m in [*_CREDITS.finditer(body, tail_start), *_CREDITS_LINE.finditer(body, tail_start)]:
            if is_masked(m.start(), m.end()):
                continue
            found = self._credits(body, m.start("inner"), m.end("inner"))
            if not found:
                continue
            for name, role, ns, ne in found:
                (authors if role == "author" else editors).append(name)
                entities.append(FieldEntity(ns, ne, "PERSON", role))
            masked.append((m.start(), m.end(), "credits"))

        for s, e, _ in masked:
            _blank(chars, s, e)
        text = self._truecase("".join(chars), lines, evidence=body)
        starts = tuple(s for s, e in lines if body[s:e].strip())
        return Anatomy(
            text, tuple(sorted(masked)), self._place_name(dateline_place), dateline_agency, dateline_date,
            tuple(dict.fromkeys(authors)), tuple(dict.fromkeys(editors)), tuple(entities), starts,
        )

    # --- helpers
    def _is_place(self, raw: str) -> bool:
        name = self._place_name(raw) or ""
        key = normalize(name)
        if not key or key in self._agencies:
            return False
        return bool(self.kb.country_of(key) or key in self.kb.capital_index or self._gazetteer_has(name))

    @staticmethod
    def _place_name(raw: str | None) -> str | None:
        if not raw:
            return None
        first = re.split(r"[,/]", raw)[0].strip()
        if first.isupper():
            first = " ".join(w.capitalize() if len(w) > 2 or "." not in w else w for w in first.split())
        return first or None

    def _names(self, text: str, start: int, end: int) -> list[tuple[str, int, int]]:
        found = []
        for m in _NAME.finditer(text, start, end):
            name = re.sub(r"\s+in\s+[A-Z].*$", "", m.group(0))
            if normalize(name) in self._agencies:
                continue
            found.append((name, m.start(), m.start() + len(name)))
        return found

    def _credits(self, body: str, start: int, end: int) -> list[tuple[str, str, int, int]]:
        found: list[tuple[str, str, int, int]] = []
        pos = start
        for segment in re.split(r";", body[start:end]):
            seg_start = pos + (len(segment) - len(segment.lstrip()))
            pos += len(segment) + 1
            text = segment.strip()
            role = None
            for label, kind in self._credit_labels:
                if text.lower().startswith(label.lower() + " ") or text.lower().startswith(label.lower() + ":"):
                    role, offset = kind, len(label) + 1
                    break
            if role is None:
                continue
            base = seg_start + offset
            names_part = text[offset:]
            for piece in re.finditer(r"[^,&]+?(?=\s*(?:,|&|\band\b|$))", names_part):
                chunk = re.split(r"\s+in\s+[A-Z]", piece.group(0))[0]
                m = _NAME.search(chunk)
                if m is None or normalize(m.group(0)) in self._agencies:
                    continue
                start = base + piece.start() + m.start()
                found.append((m.group(0), role, start, start + len(m.group(0))))
        return found

    @staticmethod
    def _case_evidence(text: str) -> dict[str, str]:
        """How the article itself writes each word away from the start of a sentence ("Leicestershire", "take")."""
        counts: dict[str, dict[str, int]] = {}
        for line in text.split("\n"):
            letters = [c for c in line if c.isalpha()]
            if not letters or sum(c.isupper() for c in letters) >= 0.8 * len(letters):
                continue
            for m in _WORD.finditer(line):
                word = m.group(0)
                before = line[: m.start()].rstrip()[-1:]
                if not before or before in ".!?:\"'`" or word.isupper():
                    continue  # a sentence start or a shout says nothing about the word's case
                forms = counts.setdefault(word.lower(), {})
                forms[word] = forms.get(word, 0) + 1
        return {low: max(forms, key=forms.__getitem__) for low, forms in counts.items()}

    def _truecase(self, text: str, lines: list[tuple[int, int]], evidence: str = "") -> str:
        """Re-case lines written in capitals ("SOCCER - ROMANIA BEAT LITHUANIA") so the model can read them.

        A word takes the form the article itself uses elsewhere; failing that, the knowledge base's
        casing for names it knows, lower case for ordinary English words, and a capital otherwise.
        """
        chars = None
        seen: dict[str, str] | None = None
        for s, e in lines:
            line = text[s:e]
            letters = [c for c in line if c.isalpha()]
            if len(letters) >= 6 and sum(c.isupper() for c in letters) < 0.8 * len(letters):
                if _title_case(line):
                    chars = chars if chars is not None else list(text)
                    self._untitle(chars, s, line)
                continue
            if len(letters) < 6:
                continue
            words = list(_WORD.finditer(line))
            if len(words) < 2:
                continue
            chars = chars if chars is not None else list(text)
            if seen is None:
                seen = self._case_evidence(evidence or text)
            i = 0
            first = True
            while i < len(words):
                replaced = False
                for n in (4, 3, 2, 1):
                    group = words[i : i + n]
                    if len(group) < n:
                        continue
                    key = tuple(w.group(0).lower() for w in group)
                    proper = self._proper.get(key)
                    if proper:
                        for w, cased in zip(group, proper):
                            self._put(chars, s + w.start(), w.group(0), cased)
                        i += n
                        replaced = True
                        break
                if replaced:
                    first = False
                    continue
                word = words[i].group(0)
                known_form = seen.get(word.lower()) if seen else None
                if known_form is not None and len(known_form) == len(word):
                    cased = known_form[0].upper() + known_form[1:] if first else known_form
                elif first or not self._is_common(word):
                    cased = word[0] + word[1:].lower() if len(word) > 3 or first else word
                else:
                    cased = word.lower()
                self._put(chars, s + words[i].start(), word, cased)
                first = False
                i += 1
        return "".join(chars) if chars is not None else text

    def _untitle(self, chars: list[str], start: int, line: str) -> None:
        """Re-case a headline written in title case ("Yemen's Houthis Free 153 Conflict Detainees in Sanaa, ICRC
        Says"), which the model reads as one long name: names the knowledge base knows keep their casing, and
        ordinary English words go to lower case unless an unknown capitalised word follows (the first name of
        "Bill Nighy") or they are part of a known person's name ("Xi", "Trump"). The first word, acronyms,
        places ("in Gaza", "Gaza City") and words the model would not know stay as written."""
        words = list(_WORD.finditer(line))
        i = 0
        while i < len(words):
            for n in (4, 3, 2, 1):
                group = words[i : i + n]
                proper = self._proper.get(tuple(w.group(0).lower() for w in group)) if len(group) == n else None
                if proper:
                    for w, cased in zip(group, proper):
                        self._put(chars, start + w.start(), w.group(0), cased)
                    i += n
                    break
                if 1 < n == len(group) and self._gazetteer_has(line[group[0].start():group[-1].end()]):
                    i += n  # a place of several words ("Gaza City", "San Francisco") stays as written
                    break
            else:
                word = words[i].group(0)
                following = words[i + 1].group(0) if i + 1 < len(words) else ""
                name_follows = (word.lower() not in _SMALL_WORDS and following[:1].isupper() and not self._is_common(following)
                                and (following.lower(),) not in self._proper and line[words[i].end():words[i + 1].start()] == " ")
                if (i > 0 and not word.isupper() and word[:1].isupper() and self._is_common(word) and not name_follows
                        and word.lower() not in self._person_words
                        and not (i > 0 and words[i - 1].group(0).lower() in _LOCATIVE_WORDS and self._gazetteer_has(word))):  # "In Gaza"
                    self._put(chars, start + words[i].start(), word, word.lower())
                i += 1

    def _is_common(self, word: str) -> bool:
        low = word.lower()
        if low in self.common_words:
            return True
        for suffix in ("s", "es", "ed", "d", "ing", "er", "ers", "ies"):
            if low.endswith(suffix) and low[: -len(suffix)] in self.common_words:
                return True
        if low.endswith("ies") and low[:-3] + "y" in self.common_words:
            return True  # "Families"
        return False

    @staticmethod
    def _put(chars: list[str], start: int, old: str, new: str) -> None:
        if len(new) != len(old):
            return  # a case change that changes length (rare Unicode) would shift offsets
        chars[start : start + len(new)] = list(new)


_SMALL_WORDS = frozenset({"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with", "from",
                          "as", "into", "over", "after", "amid", "vs", "via", "per", "off", "up", "out", "its", "his", "her"})


_LOCATIVE_WORDS = frozenset({"in", "at", "near", "from", "to", "into", "outside", "across", "of"})
_NAME_PARTICLES = frozenset({"von", "der", "den", "van", "de", "da", "di", "du", "dos", "das", "del", "la", "le", "bin", "bint",
                             "ibn", "el", "al", "y", "vs", "vs."})


def _title_case(line: str) -> bool:
    """A headline in title case: one line of four or more words, no sentence inside or full stop at its end,
    and every word but the small ones capitalised ("Taliban's Muttaqi to Lead Afghan Delegation for Talks With
    Cavusoglu")."""
    stripped = line.strip()
    if len(stripped) > 200 or re.search(r"[a-z][.!?]\s+[A-Z]", stripped):
        return False
    if stripped.endswith("."):
        return False  # a sentence, however many names it holds ("The Emir of Kuwait Sheikh Sabah met Trump ...")
    words = [w.group(0) for w in _WORD.finditer(stripped)]
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    if len(words) < 4 or len(content) < 4:
        return False
    # every word but the small ones and name particles capitalised ("Von der Leyen Meets Zelenskiy"): a verb
    # in lower case makes it a sentence in sentence case
    return (all(w[:1].isupper() or w.lower() in _NAME_PARTICLES or w.lower().startswith("al-") for w in content)
            and sum(w[:1].isupper() and not w.isupper() for w in content) >= 3)


def _a_name(agency: str) -> bool:
    """An agency credited by its name ("Reuters", "Example Wire"), not a description in lower case
    ("newsmon demo"): only a name is an entity."""
    return any(word[:1].isupper() for word in agency.split())
