"""Reading a topics file: YAML composed to nodes (so every error has a line and a column), then checked and compiled.

Every problem is collected, not just the first, so ``newsmon topics validate`` shows them all.
Strings are taken as written in the file, never through YAML's type guessing: ``source: NO``
is the text NO, not ``false``, and ``cameo: 042`` is not the number 42.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .analysis import get_language, languages
from .fields import FIELD_NAMES, FieldClause, FieldValueError, compile_field
from .terms import AnyTerm, NearTerm, TermError, TextTerm, WordTerm, compile_words, text_term
from .text_model import ModelError, TextModel
from .topic_model import GROUP_MODES, Group, Item, Topic

TOPIC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")

ROOT_KEYS = ("version", "topics")
TOPIC_KEYS = ("id", "name", "description", "threshold", "max_hits", "rules")
GROUP_KEYS = ("name", *GROUP_MODES, "min", "min_hits", "min_sentences", "weight", "languages")
ITEM_KEYS = ("term", "near", "within", "weight", "case", "forms", "model", *FIELD_NAMES)
_KINDS = ("term", "near", "model", *FIELD_NAMES)


def default_topics_path() -> Path:
    """The topics file shipped inside the package (``newsmon/data/topics.yaml``)."""
    return Path(str(files("newsmon") / "data" / "topics.yaml"))


@dataclass(frozen=True)
class RuleError:
    """A problem in a topics file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class TopicFileError(ValueError):
    """A topics file has errors; ``errors`` lists each with its line and column."""

    def __init__(self, errors: list[RuleError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping" if node.value else "an empty mapping"
    if isinstance(node, SequenceNode):
        return "a list" if node.value else "an empty list"
    if node.tag.endswith(":null"):
        return "nothing"
    return f"'{node.value}'"


def _suggest(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Reader:
    def __init__(self, origin: str):
        self.origin = origin
        self.errors: list[RuleError] = []
        self.topic_id: str | None = None  # the topic being read, for checks that name it
        self.models: dict[Path, TextModel] = {}  # a model file read once, however many items use it

    # --- reporting
    def error(self, node: Node | None, message: str, offset: int = 0) -> None:
        if node is None:
            self.errors.append(RuleError(self.origin, 1, 1, message))
            return
        mark = node.start_mark
        column = mark.column + 1
        if offset and isinstance(node, ScalarNode) and node.start_mark.line == node.end_mark.line:
            column += offset + (1 if node.style in ("'", '"') else 0)
        self.errors.append(RuleError(self.origin, mark.line + 1, column, message))

    # --- node helpers
    def mapping(self, node: Node, what: str, known: tuple[str, ...]) -> dict[str, tuple[Node, Node]] | None:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping, got {_kind(node)}")
            return None
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key is None:
                self.error(key_node, f"keys in {what} must be plain words, got {_kind(key_node)}")
                continue
            if key in out:
                self.error(key_node, f"duplicate key '{key}' in {what} (first at line {out[key][0].start_mark.line + 1})")
                continue
            if key not in known:
                self.error(key_node, f"unknown key '{key}' in {what}{_suggest(key, known)}; expected one of: {', '.join(known)}")
                continue
            out[key] = (key_node, value_node)
        return out

    def string(self, node: Node, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
            self.error(node, f"{what} must be text, got {_kind(node)}")
            return None
        if not node.value.strip():
            self.error(node, f"{what} must not be empty")
            return None
        return node.value

    def number(self, node: Node, what: str, *, integer: bool = False, minimum: float | None = None,
               above: float | None = None) -> float | None:
        text = node.value.strip() if isinstance(node, ScalarNode) else None
        want = "a whole number" if integer else "a number"
        if text is None or not _NUMBER.match(text) or (integer and not re.match(r"^[+-]?\d+$", text)):
            self.error(node, f"{what} must be {want}, got {_kind(node)}")
            return None
        value = float(text)
        if minimum is not None and value < minimum:
            self.error(node, f"{what} must be at least {minimum:g}, got {text}")
            return None
        if above is not None and value <= above:
            self.error(node, f"{what} must be greater than {above:g}, got {text}")
            return None
        return int(value) if integer else value

    # --- the file
    def read(self, text: str) -> list[Topic]:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = exc.problem or exc.context or "invalid YAML"
            self.errors.append(RuleError(self.origin, line, column, f"invalid YAML: {problem}"))
            return []
        except yaml.YAMLError as exc:  # pragma: no cover - every YAML parse error is marked
            self.errors.append(RuleError(self.origin, 1, 1, f"invalid YAML: {exc}"))
            return []
        if root is None:
            self.error(None, "the file is empty: expected a mapping with a 'topics' list")
            return []
        keys = self.mapping(root, "the file", ROOT_KEYS)
        if keys is None:
            return []
        if "version" in keys:
            node = keys["version"][1]
            if not (isinstance(node, ScalarNode) and node.value == "1"):
                self.error(node, f"unsupported version {_kind(node)}: this newsmon reads version 1")
        if "topics" not in keys:
            self.error(root, "missing 'topics': expected a list of topics")
            return []
        topics_node = keys["topics"][1]
        if not isinstance(topics_node, SequenceNode) or not topics_node.value:
            self.error(topics_node, f"'topics' must be a non-empty list of topics, got {_kind(topics_node)}")
            return []
        topics: list[Topic] = []
        seen: dict[str, int] = {}
        for node in topics_node.value:
            topic = self.topic(node)
            if topic is None:
                continue
            if topic.id in seen:
                self.error(self._id_node(node), f"duplicate topic id '{topic.id}' (first defined at line {seen[topic.id]})")
                continue
            seen[topic.id] = topic.line
            topics.append(topic)
        return topics

    @staticmethod
    def _id_node(node: Node) -> Node:
        for k, v in node.value:
            if k.value == "id":
                return v
        return node

    def topic(self, node: Node) -> Topic | None:
        keys = self.mapping(node, "a topic", TOPIC_KEYS)
        if keys is None:
            return None
        ok = True
        for required in ("id", "name", "description", "rules"):
            if required not in keys:
                self.error(node, f"topic is missing '{required}'")
                ok = False
        topic_id = name = description = None
        if "id" in keys:
            topic_id = self.string(keys["id"][1], "'id'")
            if topic_id is not None and not TOPIC_ID.match(topic_id):
                self.error(keys["id"][1], f"topic id '{topic_id}' must be lower-case letters and digits joined by "
                                          "hyphens, e.g. syria-ceasefire-talks")
                topic_id = None
        if "name" in keys:
            name = self.string(keys["name"][1], "'name'")
        if "description" in keys:
            description = self.string(keys["description"][1], "'description'")
        threshold: float | None = 1.0
        if "threshold" in keys:
            threshold = self.number(keys["threshold"][1], "'threshold'", above=0)
        max_hits: float | None = 3
        if "max_hits" in keys:
            max_hits = self.number(keys["max_hits"][1], "'max_hits'", integer=True, minimum=1)
        groups: list[Group] = []
        self.topic_id = topic_id
        if "rules" in keys:
            rules_node = keys["rules"][1]
            if not isinstance(rules_node, SequenceNode) or not rules_node.value:
                self.error(rules_node, f"'rules' must be a non-empty list of groups, got {_kind(rules_node)}")
                ok = False
            else:
                names: dict[str, int] = {}
                for index, group_node in enumerate(rules_node.value, start=1):
                    group = self.group(group_node, index)
                    if group is None:
                        ok = False
                        continue
                    if group.name in names:
                        self.error(group_node, f"duplicate group name '{group.name}' (first at line {names[group.name]})")
                        ok = False
                        continue
                    names[group.name] = group_node.start_mark.line + 1
                    groups.append(group)
        if not ok or None in (topic_id, name, description, threshold, max_hits):
            return None
        topic = Topic(
            id=topic_id, name=name.strip(), description=" ".join(description.split()),  # type: ignore[union-attr]
            groups=tuple(groups), threshold=float(threshold), max_hits=int(max_hits),  # type: ignore[arg-type]
            line=node.start_mark.line + 1,
        )
        if topic.max_score < topic.threshold:
            self.error(keys.get("threshold", (node, node))[1],
                       f"threshold {topic.threshold:g} cannot be reached: the most topic '{topic.id}' can score is {topic.max_score:g}")
            return None
        for code in sorted(topic.languages - {"en"}):
            missing = [g.name for g in topic.groups if g.required and code not in g.languages
                       and any(i.is_text for i in g.items) and not any(not i.is_text for i in g.items)]
            if missing:
                self.error(node, f"topic '{topic.id}' has terms for '{code}' but its required group"
                                 f"{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)} "
                                 f"{'have' if len(missing) > 1 else 'has'} none: add them, or the topic can never fire in '{code}'")
                return None
            if topic.max_score_in(code) < topic.threshold:
                self.error(keys.get("threshold", (node, node))[1],
                           f"threshold {topic.threshold:g} cannot be reached in '{code}': the most topic '{topic.id}' "
                           f"can score there is {topic.max_score_in(code):g}")
                return None
        return topic

    def group(self, node: Node, index: int) -> Group | None:
        keys = self.mapping(node, "a group", GROUP_KEYS)
        if keys is None:
            return None
        modes = [m for m in GROUP_MODES if m in keys]
        if len(modes) != 1:
            if modes:
                self.error(keys[modes[1]][0], f"a group has one of {', '.join(GROUP_MODES)}; this one has "
                                              f"{' and '.join(modes)}: split it into groups")
            else:
                self.error(node, f"a group needs one of: {', '.join(GROUP_MODES)}")
            return None
        mode = modes[0]
        name = f"{mode}-{index}"
        if "name" in keys:
            given = self.string(keys["name"][1], "group 'name'")
            if given is None:
                return None
            name = given.strip()
        items_node = keys[mode][1]
        if not isinstance(items_node, SequenceNode) or not items_node.value:
            self.error(items_node, f"'{mode}' must be a non-empty list of items, got {_kind(items_node)}")
            return None
        ok = True
        group_min = group_min_hits = 1
        if "min" in keys:
            if mode != "any":
                self.error(keys["min"][0], f"'min' only applies to an 'any' group, not '{mode}'")
                ok = False
            else:
                value = self.number(keys["min"][1], "'min'", integer=True, minimum=1)
                if value is None:
                    ok = False
                elif value > len(items_node.value):
                    count = len(items_node.value)
                    self.error(keys["min"][1], f"'min' is {value:g} but the group has only {count} item{'s' if count != 1 else ''}")
                    ok = False
                else:
                    group_min = int(value)
        if "min_hits" in keys:
            if mode not in ("any", "all"):
                self.error(keys["min_hits"][0], f"'min_hits' only applies to 'any' and 'all' groups, not '{mode}'")
                ok = False
            else:
                value = self.number(keys["min_hits"][1], "'min_hits'", integer=True, minimum=1)
                if value is None:
                    ok = False
                else:
                    group_min_hits = int(value)
        group_min_sentences = 1
        if "min_sentences" in keys:
            if mode not in ("any", "all"):
                self.error(keys["min_sentences"][0], f"'min_sentences' only applies to 'any' and 'all' groups, not '{mode}'")
                ok = False
            else:
                value = self.number(keys["min_sentences"][1], "'min_sentences'", integer=True, minimum=1)
                if value is None:
                    ok = False
                else:
                    group_min_sentences = int(value)
        default_weight = 1.0
        if "weight" in keys:
            value = self.number(keys["weight"][1], "group 'weight'")
            if value is None or not self._weight_ok(keys["weight"][1], value, mode, explicit=True):
                return None
            default_weight = value
        items = []
        for item_node in items_node.value:
            item = self.item(item_node, mode, default_weight)
            if item is None:
                ok = False
            else:
                items.append(item)
        languages: dict[str, tuple[Item, ...]] = {}
        if "languages" in keys:
            found = self.languages(keys["languages"][1], mode, default_weight)
            if found is None:
                ok = False
            else:
                languages = found
        if not ok:
            return None
        return Group(name, mode, tuple(items), group_min, group_min_hits, languages, group_min_sentences)

    def languages(self, node: Node, mode: str, default_weight: float) -> dict[str, tuple[Item, ...]] | None:
        """``languages: {fr: [...], ru: [...]}``: a term list per language, compiled with that language's analysis."""
        if not isinstance(node, MappingNode) or not node.value:
            self.error(node, f"'languages' must be a mapping of language codes to lists of terms, got {_kind(node)}")
            return None
        known = sorted(languages())
        out: dict[str, tuple[Item, ...]] = {}
        ok = True
        for key_node, list_node in node.value:
            code = key_node.value if isinstance(key_node, ScalarNode) else None
            if code is None or not _LANGUAGE.match(code):
                self.error(key_node, f"a language is an ISO 639-1 code such as fr or ru, got {_kind(key_node)}")
                ok = False
                continue
            if code == "en":
                self.error(key_node, f"English terms go in the group's own '{mode}' list, not under 'languages'")
                ok = False
                continue
            if get_language(code) is None:
                self.error(key_node, f"newsmon has no analysis for language '{code}' (it matches topics in: "
                                     f"{', '.join(known)}; see services/newsmon/data/languages.yaml)")
                ok = False
                continue
            if code in out:
                self.error(key_node, f"language '{code}' is listed twice in this group")
                ok = False
                continue
            if not isinstance(list_node, SequenceNode) or not list_node.value:
                self.error(list_node, f"the terms for '{code}' must be a non-empty list, got {_kind(list_node)}")
                ok = False
                continue
            items = []
            for item_node in list_node.value:
                item = self.item(item_node, mode, default_weight, language=code)
                if item is None:
                    ok = False
                else:
                    items.append(item)
            out[code] = tuple(items)
        return out if ok else None

    # --- items
    def item(self, node: Node, mode: str, default_weight: float = 1.0, language: str | None = None) -> Item | None:
        line = node.start_mark.line + 1
        if isinstance(node, ScalarNode):
            text = self.string(node, "an item")
            if text is None:
                return None
            try:
                # A YAML double-quoted item is exact, as a quoted phrase is: - "took to the streets"
                term, weight, source = parse_term(text, forms=node.style != '"', language=language)
            except TermError as exc:
                self.error(node, exc.message, exc.offset)
                return None
            if weight is not None and not self._weight_ok(node, weight, mode, explicit=True):
                return None
            return Item(source, default_weight if weight is None else weight, term=term, line=line)
        keys = self.mapping(node, "an item", ITEM_KEYS)
        if keys is None:
            return None
        kinds = [k for k in _KINDS if k in keys]
        if len(kinds) != 1:
            if kinds:
                self.error(keys[kinds[1]][0], f"an item has one of {', '.join(_KINDS)}; this one has {' and '.join(kinds)}")
            else:
                self.error(node, f"an item needs one of: {', '.join(_KINDS)}")
            return None
        kind = kinds[0]
        for option, allowed in (("within", ("near",)), ("case", ("term",)), ("forms", ("term",))):
            if option in keys and kind not in allowed:
                self.error(keys[option][0], f"'{option}' only applies to a '{allowed[0]}' item")
                return None
        weight = default_weight
        if "weight" in keys:
            value = self.number(keys["weight"][1], "'weight'")
            if value is None:
                return None
            weight = value
            if not self._weight_ok(keys["weight"][1], weight, mode, explicit=True):
                return None
        if kind == "term":
            return self._term_item(keys, weight, mode, line, language)
        if kind == "near":
            return self._near_item(keys, node, weight, line, language)
        if kind == "model":
            return self._model_item(keys, weight, mode, line, language)
        return self._field_item(kind, keys[kind][1], weight, line)

    def _weight_ok(self, node: Node, weight: float, mode: str, *, explicit: bool) -> bool:
        if not explicit:
            return True
        if mode == "none":
            self.error(node, "weights have no effect in a 'none' group: anything it matches vetoes the topic")
            return False
        if weight == 0 and mode == "optional":
            self.error(node, "a weight of 0 does nothing in an 'optional' group: remove the item or give it a weight")
            return False
        if weight < 0 and mode != "optional":
            self.error(node, f"a negative weight only makes sense in an 'optional' group, not '{mode}'")
            return False
        return True

    def _term_item(self, keys: dict[str, tuple[Node, Node]], weight: float, mode: str, line: int,
                   language: str | None = None) -> Item | None:
        node = keys["term"][1]
        text = self.string(node, "'term'")
        if text is None:
            return None
        case = "insensitive"
        if "case" in keys:
            case_node = keys["case"][1]
            case = case_node.value if isinstance(case_node, ScalarNode) else ""
            if case not in ("sensitive", "insensitive"):
                self.error(case_node, f"'case' must be 'sensitive' or 'insensitive', got {_kind(case_node)}")
                return None
        forms = True
        if "forms" in keys:
            forms_node = keys["forms"][1]
            value = forms_node.value.lower() if isinstance(forms_node, ScalarNode) else ""
            if value not in ("true", "false", "yes", "no"):
                self.error(forms_node, f"'forms' must be true or false, got {_kind(forms_node)}")
                return None
            forms = value in ("true", "yes")
        try:
            term, term_weight, source = parse_term(text, cased=case == "sensitive", forms=forms, language=language)
        except TermError as exc:
            self.error(node, exc.message, exc.offset)
            return None
        if term_weight is not None:
            if "weight" in keys:
                self.error(node, "the weight is given twice: as '^' in the term and as 'weight'")
                return None
            if not self._weight_ok(node, term_weight, mode, explicit=True):
                return None
            weight = term_weight
        if case == "sensitive":
            source = f"{source} (case-sensitive)"
        return Item(source, weight, term=term, line=line)

    def _near_item(self, keys: dict[str, tuple[Node, Node]], node: Node, weight: float, line: int,
                   language: str | None = None) -> Item | None:
        near_node = keys["near"][1]
        if not isinstance(near_node, SequenceNode) or len(near_node.value) < 2:
            got = f"{len(near_node.value)} term" if isinstance(near_node, SequenceNode) else _kind(near_node)
            self.error(near_node, f"'near' must be a list of at least two terms, got {got}")
            return None
        if "within" not in keys:
            self.error(node, "a 'near' item needs 'within': the most words allowed between its terms")
            return None
        within = self.number(keys["within"][1], "'within'", integer=True, minimum=1)
        if within is None:
            return None
        parts: list[TextTerm] = []
        for part_node in near_node.value:
            # A part is one term, or a list of terms any of which will do: near: [[deal, truce], [Syria, Assad]]
            choices = part_node.value if isinstance(part_node, SequenceNode) else [part_node]
            if not choices:
                self.error(part_node, "a 'near' part written as a list needs at least one term")
                return None
            terms: list[TextTerm] = []
            for choice in choices:
                text = self.string(choice, "a 'near' term")
                if text is None:
                    return None
                try:
                    term, part_weight, _ = parse_term(text, language=language)
                except TermError as exc:
                    self.error(choice, exc.message, exc.offset)
                    return None
                if part_weight is not None:
                    self.error(choice, "put the weight on the 'near' item ('weight:'), not on one of its terms")
                    return None
                terms.append(term)
            if len(terms) == 1:
                parts.append(terms[0])
            else:
                shown = "(" + " | ".join(t.source for t in terms[:4]) + (" | ..." if len(terms) > 4 else "") + ")"
                parts.append(AnyTerm(shown, tuple(terms)))
        source = f" NEAR/{int(within)} ".join(p.source for p in parts)
        return Item(source, weight, term=NearTerm(source, tuple(parts), int(within)), line=line)

    def _model_item(self, keys: dict[str, tuple[Node, Node]], weight: float, mode: str, line: int,
                    language: str | None) -> Item | None:
        """``{model: FILE, weight: W}``: a learned text model (docs/topics.md, "Learned models"); FILE is
        relative to the topics file's folder, else to the shipped topics' folder (for a copy of the defaults)."""
        node = keys["model"][1]
        if mode != "optional":
            self.error(keys["model"][0], "a 'model' item adds or subtracts score, so it belongs in an 'optional' group")
            return None
        if "weight" not in keys or weight <= 0:
            self.error(keys["model"][0], "a 'model' item needs a positive 'weight': the most it adds (and subtracts)")
            return None
        text = self.string(node, "'model'")
        if text is None:
            return None
        base = Path(self.origin).parent if not self.origin.startswith("<") else Path.cwd()
        path = (base / text).resolve()
        if not path.exists() and not Path(text).is_absolute():
            # A copy of the shipped topics file, edited elsewhere, still finds the shipped models.
            shipped = (default_topics_path().parent / text).resolve()
            if shipped.exists():
                path = shipped
        model = self.models.get(path)
        if model is None:
            try:
                model = self.models[path] = TextModel.load(path)
            except ModelError as exc:
                self.error(node, str(exc))
                return None
        expected = language or "en"
        if expected not in model.languages:
            where = f"under languages: {language}" if language else "in the group's English list"
            self.error(node, f"the model {text} is for {', '.join(model.languages)}, but it is listed {where}: list it "
                             + ("in the group's own 'optional' list" if model.languages == ("en",)
                                else f"under languages: {model.languages[0]}" + (" (and the others)" if len(model.languages) > 1 else "")))
            return None
        if self.topic_id is not None and model.topic != self.topic_id:
            self.error(node, f"the model {text} was trained for topic '{model.topic}', not '{self.topic_id}'")
            return None
        return Item(f"model:{text}", weight, line=line, model=model)

    def _field_item(self, field: str, node: Node, weight: float, line: int) -> Item | None:
        values = node.value if isinstance(node, SequenceNode) else [node]
        if not values:
            self.error(node, f"'{field}' needs a value or a list of values")
            return None
        clauses: list[FieldClause] = []
        for value_node in values:
            text = self.string(value_node, f"'{field}'")
            if text is None:
                return None
            try:
                clauses.append(compile_field(field, text))
            except FieldValueError as exc:
                self.error(value_node, f"'{field}': {exc.message}")
                return None
        source = str(clauses[0]) if len(clauses) == 1 else f"{field}:({' OR '.join(str(c).split(':', 1)[1] for c in clauses)})"
        return Item(source, weight, clauses=tuple(clauses), line=line)


def parse_term(text: str, *, cased: bool = False, forms: bool = True,
               language: str | None = None) -> tuple[TextTerm, float | None, str]:
    """Compile a term string of a topics file: ``talk``, ``negotiat*^2``, ``"peace process"``, ``"evacuation deal"~5``.

    Returns the term, its ``^`` weight if one was written, and the term as shown (without the weight).
    Raises :class:`TermError` with the offset of the problem in ``text``.
    """
    analysis = get_language(language) if language else None
    weight: float | None = None
    body = text.rstrip()
    caret = body.rfind("^")
    if caret >= 0:
        number = body[caret + 1 :].strip()
        if not _NUMBER.match(number):
            raise TermError(f"expected a number after '^', got '{number}'" if number else
                            "expected a number after '^', got nothing", caret + 1)
        weight = float(number)
        body = body[:caret].rstrip()
    lead = len(body) - len(body.lstrip())
    body = body.strip()
    if not body:
        raise TermError("expected a term before '^'" if caret >= 0 else "an item must not be empty", lead)
    if body.startswith('"'):
        close = body.find('"', 1)
        if close < 0:
            raise TermError("expected '\"' to close the phrase", lead + len(body))
        inner = body[1:close]
        rest = body[close + 1 :]
        if not inner.strip():
            raise TermError("expected a word inside the quotes, got an empty phrase", lead)
        atoms = compile_words(inner, exact=True, cased=cased, offset=lead + 1, language=analysis)
        if not rest:
            return text_term(body, atoms), weight, body
        if not rest.startswith("~"):
            raise TermError(f"unexpected text after the closing quote: '{rest}'", lead + close + 1)
        slop = rest[1:]
        if not slop.isdigit():
            raise TermError(f"expected a number of words after '~', got '{slop}'" if slop else
                            "expected a number of words after '~', got nothing", lead + close + 2)
        if len(atoms) < 2:
            raise TermError("~N asks for words near each other: put at least two words in the quotes", lead)
        parts = tuple(WordTerm(a.source, a) for a in atoms)
        return NearTerm(body, parts, int(slop)), weight, body
    quote = body.find('"')
    if quote >= 0:
        raise TermError("a phrase must be quoted as a whole: start the item with '\"'", lead + quote)
    tilde = body.find("~")
    if tilde >= 0:
        raise TermError("'~N' (words near each other) needs a quoted phrase, e.g. '\"evacuation deal\"~5'", lead + tilde)
    atoms = compile_words(body, exact=not forms, cased=cased, offset=lead, language=analysis)
    shown = body if forms or cased else f'"{body}"'
    return text_term(shown, atoms), weight, shown


def read_topics(text: str, origin: str = "<string>") -> tuple[list[Topic], list[RuleError]]:
    """The topics of a file's text, and every error found (topics with errors are left out)."""
    reader = _Reader(origin)
    topics = reader.read(text)
    return topics, reader.errors


def validate_topics_text(text: str, origin: str = "<string>") -> list[RuleError]:
    return read_topics(text, origin)[1]


def validate_topics_file(path: Path | str | None = None) -> list[RuleError]:
    """Every error in a topics file (the packaged default when ``path`` is None), each with line and column."""
    path = Path(path) if path is not None else default_topics_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return [RuleError(str(path), 1, 1, f"cannot read the file: {reason}")]
    return validate_topics_text(text, str(path))


def load_topics(path: Path | str | None = None) -> tuple[list[Topic], str]:
    """The topics of a file, or :class:`TopicFileError` listing every error."""
    path = Path(path) if path is not None else default_topics_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TopicFileError([RuleError(str(path), 1, 1, f"cannot read the file: {reason}")]) from None
    topics, errors = read_topics(text, str(path))
    if errors:
        raise TopicFileError(errors)
    return topics, str(path)


def read_topic_ids(path: Path | str | None = None) -> list[str]:
    """The topic ids of a topics file (None: the shipped one), read straight from the YAML.

    Compiling every topic in every language takes about a second, too long before each search or
    rule check; a file that does not read this way is compiled, so its errors come as
    ``newsmon topics validate`` reports them (TopicFileError). OSError if it cannot be read.
    """
    import yaml

    from .topics import TopicSet

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(Path(path or default_topics_path()).read_text(encoding="utf-8"), Loader=loader)
        ids = [t["id"] for t in data["topics"]]
        if all(isinstance(i, str) for i in ids):
            return ids
    except (yaml.YAMLError, KeyError, TypeError):
        pass
    return TopicSet.load(path).ids
