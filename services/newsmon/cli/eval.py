"""``newsmon eval``: precision, recall and F1 of newsmon against the raw spaCy model, and their speed, in one run."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

CORPUS_ORDER = ("own", "seed", "plover", "wire", "conll", "all")


def _samples_dir(explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    candidates = [os.environ.get("NEWSMON_SAMPLES_DIR"), Path.cwd().parent / "shared" / "samples", Path.cwd() / "../shared/samples"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "seed-article.txt").is_file():
            return Path(candidate)
    return None


@click.command("eval")
@click.option("--corpus", "corpora", multiple=True, type=click.Choice(["own", "seed", "plover", "wire", "conll"]),
              help="Development data to score on (default: own, seed, plover, wire, and conll when a CoNLL location is given).")
@click.option("--wire-split", "wire_splits", multiple=True, type=click.Choice(["dev", "test"]),
              help="Split of the coded wire sentences to score (default dev; score test only when a change is done).")
@click.option("--conll", "conll_dir", type=click.Path(path_type=Path), envvar="NEWSMON_CONLL_DIR", show_envvar=True,
              help="Folder with the CoNLL-2003 English training and development files (eng.train and eng.testa, "
                   "or train.txt and valid.txt). The test split is never read. Not shipped: Reuters text.")
@click.option("--conll-docs", type=click.IntRange(min=1), default=200, show_default=True,
              help="CoNLL-2003 documents to score on, spread over the development and training files (half each).")
@click.option("--samples-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder holding seed-article.txt (default: NEWSMON_SAMPLES_DIR, else ../shared/samples).")
@click.option("--repeat", type=int, default=3, show_default=True, help="Timed passes over the data for the throughput figures.")
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--stories", is_flag=True,
              help="Score near-duplicate (story) detection instead: precision and recall of 'same story' on the "
                   "labelled pairs of data/eval/stories, before (signature version 1) and now.")
@click.option("--stories-split", "stories_splits", multiple=True, type=click.Choice(["dev", "test"]),
              help="With --stories: the split to score (default dev; score test only when a change is done).")
def eval_command(corpora: tuple[str, ...], wire_splits: tuple[str, ...], conll_dir: Path | None, conll_docs: int,
                 samples_dir: Path | None, repeat: int, batch_size: int, as_json: bool, stories: bool,
                 stories_splits: tuple[str, ...]) -> None:
    """Score entities, actors and events on the development data, for the raw model and for newsmon.

    Entities: exact span and label, OntoNotes labels mapped to CoNLL's PER/ORG/LOC/MISC for both
    systems. Actors: name or alias, and country. Events: type, source country, target country; on
    the coded wire sentences also per CAMEO root, per dyad, the share with a target and a place,
    and a confusion table of roots.
    Throughput: articles per second of newsmon's Extractor and of the raw model's nlp.pipe on the
    same texts, measured in this run. One row per dataset and one for all of them together.
    """
    if stories_splits and not stories:
        from .common import fail

        fail("--stories-split chooses the split of the story pairs: add --stories (newsmon eval --stories --stories-split test).")
    if stories:
        _eval_stories(stories_splits or ("dev",), as_json)
        return
    from newsmon.config import get_settings
    from newsmon.nlp import Extractor, load_model
    from newsmon.nlp.evaluation import (
        SHIPPED_CORPORA, ConllError, ConllTestSplitRefused, EvalDataError, evaluate, load_development_data,
    )

    # by default every dataset; CoNLL-2003 only from a location the user gives (the report says so when not)
    wanted = corpora or (*SHIPPED_CORPORA, "conll")
    if corpora and "conll" in corpora and conll_dir is None:
        click.echo("error: --corpus conll needs the CoNLL-2003 files: pass --conll DIR or set NEWSMON_CONLL_DIR "
                   "(a folder with eng.train/eng.testa or train.txt/valid.txt; newsmon does not ship them)", err=True)
        sys.exit(1)  # a user error (newsmon.cli.errors)
    samples = _samples_dir(samples_dir)
    try:
        docs, notes, conll_info = load_development_data(samples, wanted, conll_dir=conll_dir, conll_docs=conll_docs,
                                                        wire_splits=wire_splits or ("dev",))
    except ConllTestSplitRefused as exc:
        click.echo(f"REFUSED: {exc}", err=True)
        sys.exit(1)  # a user error (newsmon.cli.errors)
    except (ConllError, EvalDataError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)  # a user error (newsmon.cli.errors)
    if not docs:
        click.echo("error: no development data selected", err=True)
        sys.exit(1)  # a user error (newsmon.cli.errors)
    settings = get_settings()
    extractor = Extractor(load_model(settings.spacy_model), batch_size=batch_size, knowledge_dir=settings.knowledge_dir)
    raw = load_model(settings.spacy_model)
    report = evaluate(docs, extractor, raw, batch_size=batch_size, repeat=repeat)
    report.notes = notes
    report.conll = conll_info
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    _print(report)


def _eval_stories(splits: tuple[str, ...], as_json: bool) -> None:
    """`newsmon eval --stories`: no model, no stack; the threshold is NEWSMON_STORY_SIMILARITY."""
    from newsmon.alerts.stories_eval import evaluate
    from newsmon.config import get_settings

    scores = evaluate(splits, get_settings().story_similarity)
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in scores], indent=2))
        return
    from rich.table import Table

    from .terminal import SafeConsole

    table = Table(title="Stories: 'same story' on the labelled pairs")
    for column in ("split", "signature", "threshold", "pairs", "P", "R", "tp", "fp", "fn", "tn"):
        table.add_column(column, justify="left" if column in ("split", "signature") else "right")
    for s in scores:
        table.add_row(s.split, f"v{s.version}" + (" (before)" if s.version == 1 else " (now)"), f"{s.similarity:.2f}",
                      str(s.pairs), f"{s.precision:.3f}", f"{s.recall:.3f}", str(s.counts.tp), str(s.counts.fp), str(s.counts.fn),
                      str(s.tn))
    console = SafeConsole()
    console.print(table)
    for s in scores:
        if s.errors and s.version != 1:
            console.print(f"{s.split}, wrong: " + ", ".join(s.errors), highlight=False)


def _order(corpus: str) -> tuple[int, str]:
    base = corpus.split("/")[0]
    return (CORPUS_ORDER.index(base) if base in CORPUS_ORDER else len(CORPUS_ORDER), corpus)


def _print(report) -> None:
    from .terminal import SafeConsole, escape
    from rich.table import Table

    console = SafeConsole()
    counts = report.documents
    for task, title in (("entities", "Entities (exact span + CoNLL label)"), ("actors", "Actors (name + country)"),
                        ("events", "Events (type, source country, target country)")):
        rows = set(report.scores["newsmon"][task]) | set(report.scores["raw"][task])
        rows |= {s for s in set(report.subsets["newsmon"][task]) | set(report.subsets["raw"][task])
                 if sum(1 for other in report.subsets["newsmon"][task] if other.split("/")[0] == s.split("/")[0]) > 1}
        if not rows:
            continue
        table = Table(title=title)
        for column in ("dataset", "docs", "system", "P", "R", "F1", "tp", "fp", "fn"):
            table.add_column(column, justify="left" if column in ("dataset", "system") else "right")
        for corpus in sorted(rows, key=_order):
            for system in ("raw", "newsmon"):
                tree = report.subsets if "/" in corpus else report.scores
                score = tree[system][task].get(corpus)
                if score is None:
                    continue
                label = f"  {corpus.replace('/', ' · ')}" if "/" in corpus else corpus
                docs = "" if corpus == "all" else str(counts.get(corpus, ""))
                table.add_row(label, docs if system == "raw" else "", system, f"{score.precision:.3f}", f"{score.recall:.3f}",
                              f"{score.f1:.3f}", str(score.tp), str(score.fp), str(score.fn),
                              style="bold" if corpus == "all" else ("dim" if "/" in corpus else None),
                              end_section=system == "newsmon")
        console.print(table)
    t = report.throughput
    speed = Table(title=f"Throughput ({counts.get('articles_timed', 0)} articles timed, same texts, same batch size)")
    for column in ("system", "articles/s"):
        speed.add_column(column)
    speed.add_row("raw nlp.pipe", f"{t['raw_articles_per_s']:.1f}")
    speed.add_row("newsmon Extractor", f"{t['newsmon_articles_per_s']:.1f}")
    speed.add_row("ratio", f"{t['ratio']:.2f}")
    console.print(speed)
    raw_scores, new_scores = report.scores["raw"]["entities"], report.scores["newsmon"]["entities"]
    gains = [f"{c} {new_scores[c].f1 - raw_scores[c].f1:+.3f}" for c in sorted(new_scores, key=_order) if c in raw_scores]
    if gains:
        console.print("entity F1 gain over the raw model: " + ", ".join(gains))
    if report.conll:
        used = report.conll.get("used", {})
        files = ", ".join(Path(p).name for p in report.conll.get("files", {}).values())
        console.print(escape(f"CoNLL-2003: {used.get('dev', 0)} development + {used.get('train', 0)} training documents "
                             f"(of {report.conll.get('available', {})}) from {files}; the test split is never read."))
    for name, quality in sorted(report.event_quality.items()):
        _print_event_quality(console, name, quality)
    for note in report.notes:
        console.print(escape(f"note: {note}"), style="yellow")


def _print_event_quality(console, name: str, quality) -> None:
    """Per root, dyad, targets, places and the confusion of roots, for one coded corpus."""
    from rich.table import Table

    q = quality.as_dict()
    table = Table(title=f"Events by CAMEO root, {name.replace('/', ' · ')} ({q['sentences']} sentences)")
    for column in ("root", "P", "R", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="left" if column == "root" else "right")
    for root, c in q["per_root"].items():
        table.add_row(root, f"{c['precision']:.2f}", f"{c['recall']:.2f}", f"{c['f1']:.2f}", str(c["tp"]), str(c["fp"]), str(c["fn"]))
    for label, key in (("all roots", "root"), ("dyad (root, source, target)", "dyad")):
        c = q[key]
        table.add_row(label, f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}", str(c["tp"]), str(c["fp"]), str(c["fn"]),
                      style="bold")
    console.print(table)
    for label, key in (("a target, of events found whose gold has one", "target_when_found"),
                       ("  the right target's country", "target_correct_when_found"),
                       ("found with a target, of every gold event with one", "target_of_gold"),
                       ("a place, of events found whose gold has one", "location_when_found"),
                       ("negation as the gold says, of events found", "negation_agrees"),
                       ("the number of dead the gold states, of events found", "dead_when_found"),
                       ("the number of injured the gold states, of events found", "injured_when_found"),
                       ("a toll, of attacks found whose gold states none", "casualty_stated_where_gold_has_none")):
        share = q[key]
        console.print(f"{label}: {share['share']:.2f} ({share['have']} of {share['of']})")
    # the confusion as lines, one per gold root (a 21-column table does not fit a terminal)
    console.print("confusion of roots (gold: what newsmon found, '-' for nothing):")
    rows: dict[str, list[str]] = {}
    for cell in q["confusion"]:
        rows.setdefault(cell["gold"], []).append(f"{cell['predicted']}×{cell['count']}")
    for gold in sorted(rows):
        console.print(f"  {gold}: " + " ".join(rows[gold]), highlight=False)
    if q["statements_left_out"]:
        console.print(f"{q['statements_left_out']} statements (CAMEO 01) left out: PLOVER does not code them, nor does newsmon.")
