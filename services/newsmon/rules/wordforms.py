"""Word families: one rule entry ``talk`` matches talk, talks, talked and talking.

Forms are generated from the entry when a rule or query is compiled, never by stemming the
article, so matching an article is a set lookup and the family of any entry can be shown to
the person who wrote it (``newsmon topics check`` does). The rules, in the order they apply:

* Words shorter than three letters, and words with digits, match only themselves.
* A word written with a capital letter is a name (Syria, Astana, NATO): it matches itself and
  its plural or singular in ``-s`` (Syrian, Syrians), not verb forms (Homs is not "homing").
* Any other word matches its regular English inflections (plural and third person ``-s/-es/-ies``,
  past ``-ed/-d/-ied`` with a doubled consonant, ``-ing``) and, for the common irregular verbs
  and nouns of news (meet/met, hold/held, crisis/crises), the irregular forms.
* An entry that is itself inflected (``talks``, ``negotiated``) is traced back to its possible
  bases and matches their families too; a short list of words that only look inflected
  (news, evening, during...) is exempt.

Derived words are not forms: ``negotiate`` does not match ``negotiation``; write ``negotiat*``.
"""

from __future__ import annotations

from functools import lru_cache

_VOWELS = frozenset("aeiou")

# base: irregular forms. Forms that are common words of their own (left, saw, rose, lay) are left out.
_IRREGULAR_TABLE = """
arise arose arisen; bear bore borne; beat beaten; become became; begin began begun; bleed bled;
break broke broken; bring brought; build built; buy bought; catch caught; choose chose chosen;
come came; deal dealt; do did done does doing; draw drew drawn; drive drove driven; fall fell fallen;
feed fed; feel felt; fight fought; find found; flee fled; fly flew flown; forbid forbade forbidden;
forget forgot forgotten; freeze froze frozen; get got gotten; give gave given; go went gone goes;
grow grew grown; hang hung; have had has; hear heard; hide hid hidden; hold held; keep kept;
know knew known; lead led; lend lent; lose lost; make made; mean meant; meet met; overthrow
overthrew overthrown; pay paid; ride rode ridden; ring rang rung; run ran; say said; seek sought;
sell sold; send sent; shake shook shaken; shoot shot; show shown; sink sank sunk; sit sat;
sleep slept; speak spoke spoken; spend spent; stand stood; steal stole stolen; strike struck stricken;
swear swore sworn; take took taken; teach taught; tear tore torn; tell told; think thought;
throw threw thrown; understand understood; undertake undertook undertaken; uphold upheld;
wake woke woken; wear wore worn; win won; withdraw withdrew withdrawn; withhold withheld;
write wrote written; seize seized; man men; woman women; child children; crisis crises;
analysis analyses; thesis theses; hypothesis hypotheses; militia militias; leaf leaves; life lives;
wife wives; thief thieves; knife knives; foot feet
"""

# Words that end like an inflection but are not one; they match only their own plain family.
_NOT_INFLECTED = frozenset(
    """news series species means politics economics physics ethics tactics diplomacy during evening
    morning nothing something anything everything thing king ring spring string sibling ceiling
    wedding pudding bring sing sting swing wing cling fling sling united naked wicked sacred
    hundred kindred indeed need seed speed greed breed bed red shed feed weed deed bleed proceed
    succeed exceed always perhaps whereas gas bus yes thus plus status campus census chaos
    """.split()
)


def _parse_irregular() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    forms: dict[str, set[str]] = {}
    bases: dict[str, set[str]] = {}
    for entry in _IRREGULAR_TABLE.replace("\n", " ").split(";"):
        parts = entry.split()
        if not parts:
            continue
        base, rest = parts[0], parts[1:]
        forms.setdefault(base, set()).update(rest)
        for form in rest:
            bases.setdefault(form, set()).add(base)
    return (
        {k: frozenset(v) for k, v in forms.items()},
        {k: frozenset(v) for k, v in bases.items()},
    )


IRREGULAR_FORMS, IRREGULAR_BASES = _parse_irregular()


def _consonant(c: str) -> bool:
    return c.isalpha() and c not in _VOWELS


def _short_cvc(word: str) -> bool:
    """Ends consonant-vowel-consonant (stop, plan): the final consonant may double (stopped)."""
    return (
        len(word) >= 3
        and _consonant(word[-1]) and word[-1] not in "wxy"
        and word[-2] in _VOWELS
        and _consonant(word[-3])
    )


def inflections(base: str) -> set[str]:
    """The regular (and known irregular) inflections of a lower-case base form, itself included.

    Over-generation is harmless: an impossible spelling (``visitted``) never occurs in text.
    """
    out = {base}
    out.update(IRREGULAR_FORMS.get(base, ()))
    if len(base) < 3 or not base.isalpha():
        return out
    # plural / third person
    if base.endswith(("s", "x", "z", "ch", "sh")):
        out.add(base + "es")
    elif base[-1] == "y" and _consonant(base[-2]):
        out.add(base[:-1] + "ies")
    else:
        out.add(base + "s")
    # past and -ing
    if base.endswith("e"):
        out.add(base + "d")
        if base.endswith("ie"):
            out.add(base[:-2] + "ying")
        elif base.endswith(("ee", "ye", "oe")):
            out.add(base + "ing")
        else:
            out.add(base[:-1] + "ing")
    elif base[-1] == "y" and _consonant(base[-2]):
        out.add(base[:-1] + "ied")
        out.add(base + "ing")
    else:
        out.add(base + "ed")
        out.add(base + "ing")
        if _short_cvc(base):
            out.add(base + base[-1] + "ed")
            out.add(base + base[-1] + "ing")
        if base.endswith("c"):
            out.add(base + "ked")
            out.add(base + "king")
    return out


def possible_bases(word: str) -> set[str]:
    """The base forms an inflected-looking lower-case word may come from (empty if none)."""
    bases = set(IRREGULAR_BASES.get(word, ()))
    if len(word) <= 3 or not word.isalpha() or word in _NOT_INFLECTED:
        return bases
    if word.endswith("ies") and len(word) > 4:
        bases.add(word[:-3] + "y")
    elif word.endswith("es"):
        bases.update((word[:-2], word[:-1]))
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        bases.add(word[:-1])
    if word.endswith("ied"):
        bases.add(word[:-3] + "y")
    elif word.endswith("ed"):
        stem = word[:-2]
        bases.update((stem, stem + "e"))
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            bases.add(stem[:-1])
    elif word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        bases.update((stem, stem + "e"))
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            bases.add(stem[:-1])
    return {b for b in bases if len(b) >= 3 and any(c in _VOWELS or c == "y" for c in b)}


@lru_cache(maxsize=65536)
def family(key: str, name: bool = False) -> frozenset[str]:
    """Every form one rule word matches, as case-insensitive keys.

    ``key`` is the word's key (see :func:`newsmon.rules.tokens.word_key`); ``name`` is true when
    the word was written with a capital letter.
    """
    if len(key) < 3 or not key.isalpha():
        return frozenset((key,))
    if name:
        forms = {key}
        if key.endswith("s") and not key.endswith("ss"):
            forms.add(key[:-1])
        else:
            forms.add(key + "s")
        return frozenset(forms)
    if key in _NOT_INFLECTED:
        return frozenset((key, *IRREGULAR_FORMS.get(key, ())))
    forms = inflections(key)
    for base in possible_bases(key):
        forms |= inflections(base)
    return frozenset(forms)


def is_name(word: str) -> bool:
    """True when a rule word is written with a capital letter (a name, an acronym)."""
    return word[:1].isupper()
