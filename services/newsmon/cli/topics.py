"""``newsmon topics``: list the configured topics, validate a topics file, and check which topics fire on articles and why."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from .terminal import escape
from rich.table import Table

from newsmon.articles import prepare
from newsmon.config import get_settings
from newsmon.models import EnrichedArticle, TopicHit
from newsmon.rules import TopicExplanation, TopicFileError, TopicSet, default_topics_path, validate_topics_file

from .common import article_input_options, err_console, input_defaults, out_console, read_records, validated

topics_file_option = click.option(
    "--topics-file", type=click.Path(dir_okay=False, path_type=Path),
    help="Topics file to use instead of the configured one (NEWSMON_TOPICS_FILE, else the packaged default).",
)


def _topics_path(path: Path | None) -> Path:
    if path is not None:
        return path
    return get_settings().topics_file or default_topics_path()


def _load(path: Path | None) -> TopicSet:
    try:
        return TopicSet.load(_topics_path(path))
    except TopicFileError as exc:
        for error in exc.errors:
            err_console.print(escape(str(error)), highlight=False)
        err_console.print("[bold red]error:[/] the topics file has errors; run `newsmon topics validate` for the list")
        sys.exit(1)


@click.group()
def topics() -> None:
    """Configured topics: list them, validate a topics file, check articles against them."""


# Below this many columns a five-column table folds descriptions one word per line: list instead.
WIDE_TABLE_COLUMNS = 120


@topics.command("list")
@topics_file_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--wide", is_flag=True, help=f"A table even on a terminal narrower than {WIDE_TABLE_COLUMNS} columns.")
def list_topics(topics_file: Path | None, as_json: bool, wide: bool) -> None:
    """List the topics, with their thresholds and descriptions (a table on a wide terminal)."""
    topic_set = _load(topics_file)
    if as_json:
        rows = [
            {"id": t.id, "name": t.name, "description": t.description, "threshold": t.threshold,
             "groups": [{"name": g.name, "mode": g.mode, "items": len(g.items)} for g in t.groups]}
            for t in topic_set
        ]
        click.echo(json.dumps({"file": topic_set.origin, "topics": rows}, indent=2, ensure_ascii=False))
        return
    if not wide and out_console.width < WIDE_TABLE_COLUMNS:
        _print_topic_list(topic_set)
        return
    table = Table(title=f"{len(topic_set)} topics from {topic_set.origin}", show_lines=True)
    table.add_column("id", style="bold cyan", no_wrap=True)
    table.add_column("name")
    table.add_column("threshold", justify="right")
    table.add_column("groups")
    table.add_column("description")
    for t in topic_set:
        table.add_row(t.id, escape(t.name), f"{t.threshold:g}", escape(_groups(t)), escape(t.description))
    out_console.print(table)


def _groups(topic) -> str:
    return ", ".join(f"{g.name} ({g.mode}, {len(g.items)})" for g in topic.groups)


def _print_topic_list(topic_set: TopicSet) -> None:
    """One block per topic: its id, name and threshold on a line, the description and groups under it,
    wrapped to the terminal's width (rather than squeezed into columns)."""
    from rich.padding import Padding
    from rich.text import Text

    out_console.print(f"{len(topic_set)} topics from {escape(str(topic_set.origin))}", highlight=False)
    for t in topic_set:
        out_console.print()
        out_console.print(f"[bold cyan]{escape(t.id)}[/] · {escape(t.name)} · threshold {t.threshold:g}", highlight=False)
        # soft_wrap off for these two: the console leaves wrapping to the terminal, which would not indent.
        out_console.print(Padding(Text(t.description), (0, 0, 0, 2), expand=False), soft_wrap=False)
        out_console.print(Padding(Text(f"groups: {_groups(t)}", style="dim"), (0, 0, 0, 2), expand=False), soft_wrap=False)


@topics.command("validate")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def validate(path: Path | None) -> None:
    """Check a topics file (default: the configured one) and print each error as path:line:col: message."""
    target = _topics_path(path)
    errors = validate_topics_file(target)
    for error in errors:
        click.echo(str(error))
    if errors:
        err_console.print(f"[bold red]{len(errors)} error{'s' if len(errors) != 1 else ''}[/] in {escape(str(target))}")
        sys.exit(1)
    count = len(TopicSet.load(target))
    err_console.print(f"[green]ok[/] {escape(str(target))}: {count} topic{'s' if count != 1 else ''}")


class _Recorder:
    """A TopicMatcher that keeps every topic's explanation, so `check` explains with the extractor's own sentences."""

    def __init__(self, topic_set: TopicSet):
        self.topic_set = topic_set
        self.explanations: dict[str, list[TopicExplanation]] = {}

    def match(self, article: EnrichedArticle, sentences: Sequence[tuple[str, int, int]]) -> list[TopicHit]:
        explained = self.topic_set.explain(article, sentences)
        self.explanations[article.id] = explained
        hits = [e.hit for e in explained if e.hit is not None]
        return sorted(hits, key=lambda h: -h.score)

    def covers(self, language: str | None) -> bool:
        return self.topic_set.covers(language)


def _build_extractor(topics_path: Path, recorder: _Recorder):
    from newsmon.stream.enrichment import build_extractor

    settings = get_settings().model_copy(update={"topics_file": topics_path})
    extractor = build_extractor(settings)
    extractor.topic_matcher = recorder
    return extractor


def _print_explanation(e: TopicExplanation, *, evidence: int, verbose: bool) -> None:
    if e.fired:
        out_console.print(f"  [bold green]FIRED[/]  [bold]{e.id}[/] ({escape(e.name)})  score {e.score:g} ≥ {e.threshold:g}")
    elif e.nearly:
        out_console.print(f"  [bold yellow]NEARLY[/] [bold]{e.id}[/] ({escape(e.name)})  score {e.score:g} / {e.threshold:g}: "
                          f"{escape(e.failed[0])}")
    else:
        out_console.print(f"  [dim]no[/]     [bold]{e.id}[/]  score {e.score:g} / {e.threshold:g}: {escape('; '.join(e.failed))}")
    if not (e.fired or e.nearly or verbose):
        return
    for g in e.groups:
        if not g.items:
            continue  # a group with nothing for this article's language (a model trained for another)
        mark = "[green]✓[/]" if g.satisfied else "[red]✗[/]"
        found = ", ".join(
            f"{escape(r.item)} ({r.contribution:+g}; {escape(r.found[0] if r.found else '')})" if r.item.startswith("model:")
            else f"{escape(r.item)} ×{r.count} ({r.contribution:+g})" if r.weight else f"{escape(r.item)} ×{r.count}"
            for r in g.matched_items
        )
        out_console.print(f"      {mark} {escape(g.name)} [dim]({g.mode})[/] {escape(g.reason)}" + (f": {found}" if found else ""))
    # The items that weigh most first, one sentence each: the reader wants the strongest reasons.
    ranked = sorted((r for g in e.groups for r in g.items if r.evidence), key=lambda r: -r.contribution)
    for n, r in enumerate(ranked[:evidence]):
        ev = r.evidence[0]
        if n == 0:
            out_console.print("      [dim]evidence:[/]")
        out_console.print(f"        {ev.field} {ev.start}-{ev.end} [bold]{escape(ev.term)}[/] [dim]({escape(ev.rule)})[/]: "
                          f"“{escape(ev.sentence)}”", highlight=False)


@topics.command("check")
@click.argument("paths", nargs=-1, required=True)
@topics_file_option
@article_input_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per article with every topic's explanation.")
@click.option("--all", "show_all", is_flag=True, help="Explain every topic, not only those that fired or nearly fired.")
@click.option("--evidence", default=4, show_default=True, help="Evidence sentences to show per topic.")
def check(paths, topics_file, source, published_at, language, as_json, show_all, evidence) -> None:
    """Run the real extraction on the articles in PATHS and show which topics fire, why, and which nearly fired."""
    topics_path = _topics_path(topics_file)
    topic_set = _load(topics_path)
    records = list(validated(read_records(paths, input_defaults(source, published_at, language))))
    invalid = [(origin, reason) for origin, article, reason in records if article is None]
    max_chars = get_settings().max_body_chars
    valid = [(origin, prepare(a, max_body_chars=max_chars)) for origin, a, _ in records if a is not None]
    if valid:
        recorder = _Recorder(topic_set)
        extractor = _build_extractor(topics_path, recorder)
        enriched = extractor.extract([p for _, p in valid])
        for (origin, _), article in zip(valid, enriched):
            explained = recorder.explanations.get(article.id, [])
            if as_json:
                click.echo(json.dumps({
                    "origin": origin, "id": article.id, "title": article.title,
                    "fired": [e.id for e in explained if e.fired],
                    "nearly": [e.id for e in explained if e.nearly],
                    "topics": [e.to_dict() for e in explained],
                }, ensure_ascii=False))
                continue
            out_console.rule(f"{escape(origin)}: {escape(article.title or article.body[:60])}", align="left")
            ordered = sorted(explained, key=lambda e: (not e.fired, not e.nearly, -e.score))
            quiet = []
            for e in ordered:
                if e.fired or e.nearly or show_all:
                    _print_explanation(e, evidence=evidence, verbose=show_all)
                else:
                    quiet.append(e.id)
            if not any(e.fired for e in explained):
                out_console.print("  [dim]no topic fired[/]")
            if quiet:
                out_console.print(f"  [dim]not fired: {', '.join(quiet)} (--all says why)[/]")
    for origin, reason in invalid:
        err_console.print(f"[red]invalid[/] {escape(origin)}: {escape(reason)}", highlight=False)
    if invalid:
        sys.exit(1)


def _read_labelled(paths: Sequence[str]) -> list[dict]:
    """Labelled articles: JSON lines with ``topics`` (the ids the article is on), as in services/newsmon/data/eval/topics/."""
    records = []
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            err_console.print(f"[bold red]error:[/] cannot read {escape(path)}: {escape(str(exc))}")
            sys.exit(1)
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                err_console.print(f"[bold red]error:[/] {escape(path)}:{number}: invalid JSON ({escape(exc.msg)})")
                sys.exit(1)
            if not isinstance(record, dict) or not isinstance(record.get("topics"), list) or not record.get("body"):
                err_console.print(f"[bold red]error:[/] {escape(path)}:{number}: a labelled article needs 'body' and "
                                  "'topics' (the list of topic ids it is on, possibly empty)")
                sys.exit(1)
            records.append(record)
    return records


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@topics.command("eval")
@click.argument("paths", nargs=-1, required=True)
@topics_file_option
@click.option("--topic", "only_topics", multiple=True, help="Score only this topic (repeatable).")
@click.option("--lang", "only_languages", multiple=True, help="Score only articles in this language (repeatable).")
@click.option("--errors", "show_errors", default=20, show_default=True, help="Misses and false alarms to explain (0: none, -1: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def evaluate(paths, topics_file, only_topics, only_languages, show_errors, as_json) -> None:
    """Precision, recall and F1 of the topics on labelled articles (JSON lines with 'topics'), per topic and language.

    Every miss and false alarm comes with the explanation `topics check` gives: which group failed,
    which item nearly matched. This is how to tune a topic: label articles by its written definition,
    run this, read the errors, change the rules, run it again (docs/topics.md, "Tuning a topic").
    """
    from newsmon.articles import validate_article
    from newsmon.rules.topic_eval import Judged, score

    topics_path = _topics_path(topics_file)
    topic_set = _load(topics_path)
    unknown = [t for t in only_topics if t not in topic_set]
    if unknown:
        err_console.print(f"[bold red]error:[/] no topic {', '.join(map(repr, unknown))} in {escape(topic_set.origin)}; "
                          f"the topics are: {', '.join(topic_set.ids)}")
        sys.exit(1)
    scored = list(only_topics) or topic_set.ids
    records = _read_labelled(paths)
    wanted = {code.lower() for code in only_languages}
    if wanted:
        records = [r for r in records if str(r.get("language") or "").lower() in wanted]
    max_chars = get_settings().max_body_chars
    prepared, kept = [], []
    for record in records:
        data = {k: record.get(k) for k in ("id", "title", "body", "url", "source", "published_at", "language") if record.get(k) is not None}
        try:
            prepared.append(prepare(validate_article(data), max_body_chars=max_chars))
            kept.append(record)
        except Exception as exc:  # noqa: BLE001 - a bad record is reported, the rest are scored
            err_console.print(f"[yellow]skipped[/] {escape(str(record.get('id')))}: {escape(str(exc))}")
    recorder = _Recorder(topic_set)
    extractor = _build_extractor(topics_path, recorder)
    judged = []
    for start in range(0, len(prepared), 64):
        for record, article in zip(kept[start:start + 64], extractor.extract(prepared[start:start + 64])):
            explained = tuple(recorder.explanations.get(article.id, []))
            judged.append(Judged(
                id=article.id, language=str(record.get("language") or article.language or "?"),
                gold=frozenset(record["topics"]), fired=frozenset(t.id for t in article.topics),
                judged=frozenset(record.get("judged") or topic_set.ids), explanations=explained, title=article.title,
            ))
    report = score(judged, scored)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(judged)} labelled articles, topics from {escape(topic_set.origin)}", title_justify="left")
    for column in ("topic", "on topic", "flagged right", "false alarms", "misses", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "topic" else "right")
    for t in scored:
        c = report.by_topic[t]
        table.add_row(t, str(c.positives), str(c.tp), str(c.fp), str(c.fn), _fmt(c.precision), _fmt(c.recall), _fmt(c.f1))
    o = report.overall
    table.add_row("[bold]all[/]", str(o.positives), str(o.tp), str(o.fp), str(o.fn), _fmt(o.precision), _fmt(o.recall), _fmt(o.f1))
    out_console.print(table)
    languages = Table(title="per language (all scored topics together; the first topic's F1 beside it)", title_justify="left")
    for column in ("language", "articles", "on topic", "precision", "recall", "F1", f"F1 {scored[0]}"):
        languages.add_column(column, justify="left" if column == "language" else "right")
    for code in sorted(report.by_language):
        c = report.by_language[code]
        first = report.by_topic_language.get((scored[0], code))
        languages.add_row(code, str(c.articles // max(1, len(scored))), str(c.positives), _fmt(c.precision), _fmt(c.recall),
                          _fmt(c.f1), _fmt(first.f1 if first else None))
    out_console.print(languages)
    errors = report.errors if show_errors < 0 else report.errors[:show_errors]
    for error in errors:
        out_console.rule(f"{error.kind}: {error.topic} on {escape(error.id)} [{error.language}] "
                         f"{escape((error.title or '')[:70])}", align="left")
        if error.explanation is not None:
            _print_explanation(error.explanation, evidence=3, verbose=True)
    if len(errors) < len(report.errors):
        out_console.print(f"[dim]{len(report.errors) - len(errors)} more errors (--errors -1 shows all)[/]")


@topics.command("train")
@click.argument("paths", nargs=-1, required=True)
@click.option("--topic", "topic_id", required=True, help="The topic id the model is for (its label in 'topics').")
@click.option("--lang", "languages", multiple=True, default=("en",), show_default=True,
              help="Train on the articles in this language (repeatable: one model pooled over several).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the model (JSON); reference it from an optional group as {model: FILE, weight: W}.")
@click.option("--c", "c", default=4.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Inverse regularisation strength of the logistic regression.")
@click.option("--max-features", default=12_000, show_default=True, type=click.IntRange(min=100),
              help="Words and word pairs the model keeps (the most frequent).")
def train_model(paths, topic_id, languages, out, c, max_features) -> None:
    """Train a topic's learned text model on labelled articles (JSON lines with 'topics'), with a cross-validated estimate.

    The model votes beside the topic's terms: docs/topics.md, "Learned models". Needs scikit-learn
    (pip install 'newsmon[train]'); scoring a trained model does not.
    """
    from newsmon.rules.analysis import get_language
    from newsmon.rules.text_model_train import TrainingError, train

    languages = tuple(code.lower() for code in languages)
    for code in languages:
        if get_language(code) is None:
            err_console.print(f"[bold red]error:[/] newsmon has no analysis for language '{escape(code)}' "
                              "(see services/newsmon/data/languages.yaml)")
            sys.exit(1)
    records = _read_labelled(paths)
    try:
        model, estimate = train(records, topic=topic_id, languages=languages, c=c, max_features=max_features,
                                source=", ".join(Path(p).name for p in paths))
    except TrainingError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
        sys.exit(1)
    try:
        out.write_text(json.dumps(model.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    except OSError as exc:
        err_console.print(f"[bold red]error:[/] cannot write {escape(str(out))}: {escape(exc.strerror or str(exc))}")
        sys.exit(1)
    trained = model.trained
    out_console.print(f"{escape(str(out))}: '{escape(topic_id)}' in {', '.join(languages)}, {trained['articles']} articles "
                      f"({trained['on_topic']} on topic), {len(model.weights)} features")
    if estimate:
        table = Table(title="cross-validated, the model alone (p >= cut)", title_justify="left")
        for column in ("cut", "precision", "recall", "F1"):
            table.add_column(column, justify="right")
        for fold in estimate:
            table.add_row(f"{fold.cut:g}", _fmt(fold.precision), _fmt(fold.recall), _fmt(fold.f1))
        out_console.print(table)
