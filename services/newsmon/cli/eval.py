"""``newsmon eval``: precision, recall and F1 of newsmon against the raw spaCy model, and their speed, in one run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _samples_dir(explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    import os

    candidates = [os.environ.get("NEWSMON_SAMPLES_DIR"), Path.cwd().parent / "shared" / "samples", Path.cwd() / "../shared/samples"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "seed-article.txt").is_file():
            return Path(candidate)
    return None


@click.command("eval")
@click.option("--corpus", "corpora", multiple=True, type=click.Choice(["conll", "plover", "seed"]),
              help="Development data to score on (default: all).")
@click.option("--samples-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder holding seed-article.txt (default: NEWSMON_SAMPLES_DIR, else ../shared/samples).")
@click.option("--repeat", type=int, default=3, show_default=True, help="Timed passes over the data for the throughput figures.")
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def eval_command(corpora: tuple[str, ...], samples_dir: Path | None, repeat: int, batch_size: int, as_json: bool) -> None:
    """Score entities, actors and events on the development data, for the raw model and for newsmon.

    Entities: exact span and label, OntoNotes labels mapped to CoNLL's PER/ORG/LOC/MISC for both
    systems. Actors: name or alias, and country. Events: type, source country, target country.
    Throughput: articles per second of newsmon's Extractor and of the raw model's nlp.pipe on the
    same texts, measured in this run.
    """
    from newsmon.config import get_settings
    from newsmon.nlp import Extractor, load_model
    from newsmon.nlp.evaluation import evaluate, load_development_data

    settings = get_settings()
    samples = _samples_dir(samples_dir)
    wanted = corpora or ("conll", "plover", "seed")
    if "seed" in wanted and samples is None:
        click.echo("warning: seed-article.txt not found (set NEWSMON_SAMPLES_DIR); scoring without it", err=True)
    docs = load_development_data(samples, wanted)
    if not docs:
        click.echo("error: no development data selected", err=True)
        sys.exit(2)
    extractor = Extractor(load_model(settings.spacy_model), batch_size=batch_size, knowledge_dir=settings.knowledge_dir)
    raw = load_model(settings.spacy_model)
    report = evaluate(docs, extractor, raw, batch_size=batch_size, repeat=repeat)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    _print(report)


def _print(report) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for task, title in (("entities", "Entities (exact span + CoNLL label)"), ("actors", "Actors (name + country)"),
                        ("events", "Events (type, source country, target country)")):
        corpora = sorted(set(report.scores["newsmon"][task]) | set(report.scores["raw"][task]), key=lambda c: (c == "all", c))
        if not corpora:
            continue
        table = Table(title=title)
        for column in ("corpus", "system", "P", "R", "F1", "tp", "fp", "fn"):
            table.add_column(column, justify="left" if column in ("corpus", "system") else "right")
        for corpus in corpora:
            for system in ("raw", "newsmon"):
                score = report.scores[system][task].get(corpus)
                if score is None:
                    continue
                table.add_row(corpus, system, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}",
                              str(score.tp), str(score.fp), str(score.fn), style="bold" if corpus == "all" else None)
        console.print(table)
    t = report.throughput
    speed = Table(title=f"Throughput ({report.documents.get('articles_timed', 0)} articles timed)")
    for column in ("system", "articles/s"):
        speed.add_column(column)
    speed.add_row("raw nlp.pipe", f"{t['raw_articles_per_s']:.1f}")
    speed.add_row("newsmon Extractor", f"{t['newsmon_articles_per_s']:.1f}")
    speed.add_row("ratio", f"{t['ratio']:.2f}")
    console.print(speed)
    raw_f1 = report.scores["raw"]["entities"].get("all")
    new_f1 = report.scores["newsmon"]["entities"].get("all")
    if raw_f1 and new_f1:
        console.print(f"entity F1 gain over the raw model: {new_f1.f1 - raw_f1.f1:+.3f}")
