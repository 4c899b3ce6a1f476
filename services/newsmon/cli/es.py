"""``newsmon es``: install, upgrade and inspect newsmon's Elasticsearch indices.

``newsmon es setup`` is what the worker does at start (templates, lifecycle policies,
write aliases), run on its own: for a deployment's setup job, or before the first worker.
``--upgrade`` also moves every alias whose mapping version is behind the code's to new
backing indices, copying the documents across (see :mod:`newsmon.index.upgrade`).
"""

from __future__ import annotations

import time

import click
from elasticsearch import ApiError, Elasticsearch, TransportError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from newsmon.config import Settings, get_settings
from newsmon.index.client import make_client
from newsmon.index.features import detect
from newsmon.index.templates import MappingOutdated, alias_indices, index_specs, index_version, install
from newsmon.index.upgrade import UpgradeFailed, backfill_events, upgrade

from newsmon.ops.redact import display_url
from .common import err_console, fail, out_console
from .errors import PEER_DOWN, elasticsearch_down


def connect(settings: Settings, wait: float) -> Elasticsearch:
    """A client once the cluster answers health (yellow or green), or a clear failure."""
    es = make_client(settings)
    deadline = time.monotonic() + wait
    waiting = False
    while True:
        try:
            es.cluster.health(wait_for_status="yellow", timeout="5s")
            return es
        except ApiError as exc:
            if exc.meta.status in (401, 403):
                fail(f"Elasticsearch at {display_url(settings.es_url)} refused the credentials ({exc.meta.status}): set NEWSMON_ES_API_KEY, "
                     "or NEWSMON_ES_USERNAME and NEWSMON_ES_PASSWORD, for a user allowed to manage index templates.")
            problem = f"{exc.meta.status} {exc.message}"
        except TransportError as exc:
            problem = str(exc)
            if time.monotonic() > deadline:
                fail(elasticsearch_down(settings, exc), PEER_DOWN)
        if time.monotonic() > deadline:
            fail(f"Elasticsearch at {display_url(settings.es_url)} is not healthy ({problem}): see its log, or "
                 "`newsmon status`.", PEER_DOWN)
        if not waiting:  # said once, so a long wait (a cluster still starting) is not silent
            err_console.print(f"waiting up to {wait:.0f} s for Elasticsearch at {display_url(settings.es_url)}", highlight=False)
            waiting = True
        time.sleep(2)


def show_indices(es: Elasticsearch, settings: Settings, actions: dict[str, str] | None = None) -> None:
    table = Table(title="newsmon indices", show_lines=False)
    for column in ("alias", "backing indices", "mapping version", "documents", "status"):
        table.add_column(column, overflow="fold")
    for spec in index_specs(settings):
        indices = alias_indices(es, spec.alias)
        if not indices:
            table.add_row(spec.alias, "-", f"code: v{spec.version}", "-", "missing (run `newsmon es setup`)")
            continue
        versions = sorted({index_version(es, index) for index in indices})
        count = es.count(index=spec.alias)["count"]
        status = (actions or {}).get(spec.alias) or ("current" if min(versions) >= spec.version else
                                                      f"behind v{spec.version}: run `newsmon es setup --upgrade`")
        names = ", ".join(f"{i}{' (write)' if w else ''}" for i, w in sorted(indices.items()))
        table.add_row(spec.alias, names, ", ".join(f"v{v}" for v in versions), str(count), status)
    out_console.print(table)


@click.group()
def es() -> None:
    """Install, upgrade and inspect newsmon's Elasticsearch indices."""


@es.command()
@click.option("--upgrade", "do_upgrade", is_flag=True,
              help="Also move aliases on an older mapping version to new backing indices, copying every document.")
@click.option("--keep-old", is_flag=True, help="With --upgrade: keep the old backing indices (write-blocked) instead of deleting them.")
@click.option("--wait", default=120.0, show_default=True, help="Seconds to wait for Elasticsearch to answer.")
def setup(do_upgrade: bool, keep_old: bool, wait: float) -> None:
    """Install index templates, lifecycle policies and write aliases (idempotent)."""
    settings = get_settings()
    client = connect(settings, wait)
    try:
        features = detect(client)
        actions: dict[str, str] = {}
        if do_upgrade:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                          console=err_console, transient=True) as progress:
                tasks: dict[str, int] = {}

                def report(alias: str, done: int, total: int) -> None:
                    if alias not in tasks:
                        tasks[alias] = progress.add_task(f"copying {alias}", total=total)
                    progress.update(tasks[alias], completed=done)

                results = upgrade(client, settings, features=features, keep_old=keep_old, progress=report)
            for result in results:
                if result.action == "upgraded":
                    actions[result.alias] = (f"upgraded: {result.documents} documents copied from "
                                             f"{', '.join(result.from_indices)} to {result.to_index}")
                elif result.action == "created":
                    actions[result.alias] = f"created {result.to_index}"
            notes = []
        else:
            report_ = install(client, settings, features=features)
            for index in report_.created:
                actions[index.rsplit("-v", 1)[0]] = f"created {index}"
            actions.update({alias: f"outdated: {what}" for alias, what in report_.outdated.items()})
            notes = report_.notes
        backfilled = backfill_events(client, settings)
    except MappingOutdated as exc:
        fail(str(exc))
    except UpgradeFailed as exc:
        fail(f"upgrade stopped, nothing was lost and the aliases did not move: {exc}")
    except ApiError as exc:
        if exc.meta.status in (401, 403):
            fail(f"Elasticsearch refused ({exc.meta.status}): the user needs the manage_index_templates, manage_ilm "
                 f"and index management privileges on {settings.index_prefix}-* ({exc.message})")
        fail(f"Elasticsearch refused the setup: {exc}")
    for note in notes:
        err_console.print(f"· {note}", highlight=False)
    if features.english:
        err_console.print("· English analyzer found: stemmed .english sub-fields are mapped and searched", highlight=False)
    if features.ilm:
        err_console.print("· lifecycle policies put (rollover 30gb/30d; see docs/index.md for retention)", highlight=False)
    if backfilled:
        err_console.print(f"· wrote {backfilled} event documents from stored articles into {settings.events_index}", highlight=False)
    show_indices(client, settings, actions)


@es.command()
def status() -> None:
    """Show each alias, its backing indices, mapping versions and document counts."""
    settings = get_settings()
    client = connect(settings, wait=5)
    features = detect(client)
    err_console.print(f"Elasticsearch {display_url(settings.es_url)}: English analyzer {'yes' if features.english else 'no'}, "
                      f"ILM {'yes' if features.ilm else 'no'}", highlight=False)
    show_indices(client, settings)
