"""A cheap language guess from stopword profiles, so English-only steps are skipped for other languages.

Good enough to tell English news from French, German, Spanish... news, which is all the
pipeline needs: it runs an English model, and anything else gets empty actors and events
with a ``non_english`` warning instead of confident nonsense. No dependency, no model.
"""

from __future__ import annotations

import re

# The most frequent function words of each language: frequent enough that a paragraph
# always has several, distinctive enough that two languages rarely share them.
_PROFILES: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for on with was as by it at from are have be this said has were an which but not".split()),
    "fr": frozenset("le la les des du et est une un que qui dans pour pas sur au aux avec ce cette il elle ont sont été par plus".split()),
    "de": frozenset("der die das und ist nicht den dem des ein eine mit sich auf für von zu im auch wird sind wurde bei nach".split()),
    "es": frozenset("el la los las del y es una que en por con para no se su al lo como más pero sus fue ha este".split()),
    "it": frozenset("il lo la gli le di del della che è non per una un con sono nel alla dei delle ha anche più questo".split()),
    "pt": frozenset("o os a as do da dos das e é um uma que não para com em no na por se mais foi ao pelo pela".split()),
    "nl": frozenset("de het een en van is niet dat op te zijn met voor die wordt ook bij aan heeft naar zij er".split()),
    "sv": frozenset("och att det som en på är av för med den till inte har de ett om var sig från jag".split()),
    "pl": frozenset("i w nie na się z do że jest to o jak po przez od za są ale dla tym oraz".split()),
    "tr": frozenset("ve bir bu da de için ile olarak olan daha çok gibi ama ancak kadar sonra değil en".split()),
    "id": frozenset("yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena oleh adalah".split()),
}

# Scripts that settle the question on their own.
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ru", re.compile(r"[\u0400-\u04FF]")),
    ("ar", re.compile(r"[\u0600-\u06FF]")),
    ("zh", re.compile(r"[\u4E00-\u9FFF]")),
    ("ja", re.compile(r"[\u3040-\u30FF]")),
    ("ko", re.compile(r"[\uAC00-\uD7AF]")),
    ("el", re.compile(r"[\u0370-\u03FF]")),
    ("he", re.compile(r"[\u0590-\u05FF]")),
    ("hi", re.compile(r"[\u0900-\u097F]")),
    ("th", re.compile(r"[\u0E00-\u0E7F]")),
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS = 8
SAMPLE_CHARS = 3000


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language ``text`` is most likely in, or None when it is too short to tell.

    Japanese is checked before Chinese because Japanese text also uses Han characters.
    """
    sample = text[:SAMPLE_CHARS]
    letters = _WORD.findall(sample)
    if not letters:
        return None
    total_chars = sum(len(w) for w in letters)
    for code, pattern in sorted(_SCRIPTS, key=lambda item: item[0] != "ja"):
        if len(pattern.findall(sample)) > 0.3 * total_chars:
            return code
    words = [w.lower() for w in letters]
    if len(words) < MIN_WORDS:
        return None
    scores = {code: sum(1 for w in words if w in stop) for code, stop in _PROFILES.items()}
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best, runner_up = ranked[0], ranked[1]
    if scores[best] < max(3, 0.08 * len(words)) or scores[best] - scores[runner_up] < 2:
        return None  # too few function words, or two languages too close to call: say nothing
    return best
