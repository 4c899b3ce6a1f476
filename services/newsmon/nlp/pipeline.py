"""newsmon's spaCy pipeline: the trained model plus newsmon's registered components, and article Docs for it.

``add_newsmon_pipes(nlp)`` appends, after the model's ``ner``:

    newsmon_anatomy   -> doc._.newsmon_layout   (dateline, credits, boilerplate; for plain-text Docs)
    newsmon_entities  -> doc.ents               (corrected with the knowledge base)
    newsmon_actors    -> doc._.newsmon_actors, doc._.newsmon_token_actor
    newsmon_places    -> doc._.newsmon_places
    newsmon_events    -> doc._.newsmon_events

``ArticleDocs`` turns (title, body, published date) into a Doc whose text is the anatomy's
parse text (packaging blanked, same offsets) with sentence breaks at paragraph breaks, so
``nlp.pipe(docs)`` runs model and components in one batched pass. The Extractor, ``newsmon
extract``, the worker, the benchmarks and ``newsmon eval`` all go through here.
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from . import actors as _actors  # noqa: F401  (registers the factory)
from . import entities as _entities  # noqa: F401
from . import events as _events  # noqa: F401
from . import places as _places  # noqa: F401
from .anatomy import Anatomist
from .gazetteer import get_gazetteer
from .knowledge import get_knowledge
from .layout import ArticleLayout

NEWSMON_PIPES = ("newsmon_anatomy", "newsmon_entities", "newsmon_actors", "newsmon_places", "newsmon_events")
_EXTENSIONS = ("newsmon_layout", "newsmon_actors", "newsmon_token_actor", "newsmon_places", "newsmon_events")


def register_extensions() -> None:
    for name in _EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()


def common_words(nlp: Language) -> frozenset[str]:
    """Ordinary English words (the lemmatizer's vocabulary and stop words), for re-casing all-caps lines."""
    words = set(nlp.Defaults.stop_words)
    if "lemmatizer" in nlp.pipe_names:
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_index"):
            table = lookups.get_table("lemma_index")
            for key in table.keys():
                words.update(w for w in table[key] if "_" not in w)
    return frozenset(words)


class AnatomyComponent:
    """Gives a Doc made from plain text (``nlp("...")``) a layout; article Docs already have one."""

    def __init__(self, anatomist: Anatomist):
        self.anatomist = anatomist

    def __call__(self, doc: Doc) -> Doc:
        if doc._.newsmon_layout is None:
            anatomy = self.anatomist.read_body(doc.text)
            doc._.newsmon_layout = ArticleLayout(body=doc.text, body_anatomy=anatomy)
        return doc


@Language.factory("newsmon_anatomy", default_config={"knowledge_dir": None})
def make_anatomy(nlp: Language, name: str, knowledge_dir: str | None) -> AnatomyComponent:
    return AnatomyComponent(make_anatomist(nlp, knowledge_dir))


def make_anatomist(nlp: Language, knowledge_dir: str | None = None) -> Anatomist:
    return Anatomist(get_knowledge(knowledge_dir), common_words(nlp), get_gazetteer(knowledge_dir).has)


def add_newsmon_pipes(nlp: Language, knowledge_dir: str | None = None) -> Language:
    """Append newsmon's components to a loaded model (once; a second call changes nothing)."""
    config = {"knowledge_dir": str(knowledge_dir) if knowledge_dir else None}
    after = "ner" if "ner" in nlp.pipe_names else None
    for name in NEWSMON_PIPES:
        if name in nlp.pipe_names:
            continue
        if after is not None:
            nlp.add_pipe(name, config=config, after=after)
        else:
            nlp.add_pipe(name, config=config)
        after = name
    return nlp


class ArticleDocs:
    """Builds the Doc of one article, ready for ``nlp.pipe``."""

    def __init__(self, nlp: Language, knowledge_dir: str | None = None):
        self.nlp = nlp
        self.anatomist = make_anatomist(nlp, knowledge_dir)

    def make(self, title: str | None, body: str, published: date | None = None) -> Doc:
        title_anatomy = self.anatomist.read_title(title, body) if title is not None else None
        body_anatomy = self.anatomist.read_body(body, title)
        layout = ArticleLayout(body=body, body_anatomy=body_anatomy, title=title, title_anatomy=title_anatomy, published=published)
        doc = self.nlp.make_doc(layout.doc_text)
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if not token.is_space and previous.is_space and "\n" in previous.text:
                token.is_sent_start = True
                # and the line's next words stay in its sentence: after a forced start the small model
                # cuts a capitalised first word off as a sentence of its own ("Government | warplanes
                # hit a market", "Yale | University | researchers"), and the clause loses its subject
                for follower in doc[token.i + 1 : token.i + 3]:
                    if follower.is_space or "\n" in follower.text or follower.is_punct:
                        break
                    follower.is_sent_start = False
        doc._.newsmon_layout = layout
        return doc
