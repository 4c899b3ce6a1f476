"""``newsmon``: the command group. Each subcommand lives in its own module and is imported lazily,
so ``newsmon stack status`` does not pay for loading spaCy."""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from newsmon import __version__
from newsmon.config import ConfigError

# name -> "module:attribute" of a click command or group
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "stack": ("newsmon.cli.stack:stack", "Start, stop and inspect the local Kafka and Elasticsearch."),
    "worker": ("newsmon.cli.worker:worker", "Run the worker: enrich, index and alert on news.articles."),
    "publish": ("newsmon.cli.publish:publish", "Publish articles from files or stdin to news.articles."),
    "extract": ("newsmon.cli.extract:extract", "Enrich articles offline and print enriched JSON lines."),
    "search": ("newsmon.cli.search:search", "Search indexed articles."),
    "demo": ("newsmon.cli.demo:demo", "Run the whole pipeline on the demo articles (what `make run` does)."),
    "eval": ("newsmon.cli.eval:eval_command", "Score extraction against annotated data, beside the raw model."),
    "topics": ("newsmon.cli.topics:topics", "List, check and validate configured topics."),
    "alerts": ("newsmon.cli.alerts:alerts", "Manage keyword alert rules."),
    "feeds": ("newsmon.cli.feeds:feeds", "Feeds and sitemaps to poll, and the poller that brings their articles in."),
    "status": ("newsmon.cli.status:status", "Show the stack, the worker, consumer lag, last-minute throughput and the last errors."),
    "events": ("newsmon.cli.events:events", "List extracted events, filtered by actor, country, type, topic, date."),
    "show": ("newsmon.cli.show:show", "Show one stored article's whole enrichment (by id, id prefix or URL)."),
    "dlq": ("newsmon.cli.dlq:dlq", "List, show and replay dead letters (messages the worker could not process)."),
    "es": ("newsmon.cli.es:es", "Install or upgrade Elasticsearch index templates and aliases."),
    "reindex": ("newsmon.cli.reindex:reindex", "Re-derive events and topics of stored articles after a pipeline upgrade."),
    "reprocess": ("newsmon.cli.reprocess:reprocess", "Run articles stored since a date through the current pipeline again."),
    "kibana": ("newsmon.cli.kibana:kibana", "Import the Kibana data views, searches and dashboard."),
    "bench": ("newsmon.cli.bench:bench", "Measure throughput, latency and memory on the local stack."),
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        # Only commands whose module is present, so a partial install still shows help.
        return [n for n, (t, _) in SUBCOMMANDS.items() if importlib.util.find_spec(t.split(":")[0])]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above: listing commands must not import them all.
        with formatter.section("Commands"):
            formatter.write_dl([(n, SUBCOMMANDS[n][1]) for n in self.list_commands(ctx)])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        module, attr = SUBCOMMANDS[name][0].split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsmon")
def cli() -> None:
    """newsmon: a streaming news monitor (Kafka, spaCy, Elasticsearch).

    Configuration comes from NEWSMON_* environment variables (see the README).
    """


def protect_output() -> None:
    """Everything this process prints or logs goes through the redaction layer (docs/security.md):
    the values of the configured secrets, and URLs with userinfo or secret paths, are masked."""
    from newsmon.config import get_settings
    from newsmon.ops import redact

    redact.protect_process()
    try:
        redact.register_settings(get_settings())
    except ConfigError:
        pass  # the command reads the settings again and reports what is wrong


def main() -> None:
    """Run a command. The one place where what escapes a command becomes one sentence and an exit
    status (:mod:`newsmon.cli.errors`): 1 for what the user must fix (usage, settings, files),
    2 for a peer that does not answer. Anything else is a bug, and keeps its traceback."""
    from .common import fail
    from .errors import PEER_DOWN, USER_ERROR

    try:
        protect_output()
        status = cli.main(standalone_mode=False)
    except click.ClickException as exc:  # usage mistakes; click alone would exit 2, the status of a peer down
        exc.show()
        sys.exit(USER_ERROR)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(USER_ERROR)
    except ConfigError as exc:
        fail(str(exc), USER_ERROR)
    except ValueError as exc:  # a topics file or knowledge base with mistakes, read by whichever command needs it
        from .common import user_file_problem

        problem = user_file_problem(exc)
        if problem is None:
            raise
        fail(problem, USER_ERROR)
    except Exception as exc:  # noqa: BLE001 - only peer failures are turned into a sentence, the rest re-raised
        from newsmon.config import get_settings

        from .errors import peer_problem

        problem = peer_problem(exc, get_settings())
        if problem is None:
            raise
        fail(problem, PEER_DOWN)
    if isinstance(status, int) and status:  # ctx.exit(n), returned as such when click does not exit itself
        sys.exit(status)


if __name__ == "__main__":
    main()
