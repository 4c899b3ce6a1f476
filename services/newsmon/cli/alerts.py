"""``newsmon alerts``: subscribe to keyword alerts, and see why a rule would or would not fire.

Rules are written to the compacted topic ``news.alert-rules``; running workers pick up a
change before the next article, no restart needed. The worker's HTTP API does the same
over JSON (docs/alerts.md).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import click
from pydantic import ValidationError
from rich.table import Table

from newsmon.alerts.rulebook import RuleWriter, read_rules
from newsmon.alerts.rules import AlertRule, Channel, RuleError, parse_duration, parse_throttle, problems, rule_context
from newsmon.config import get_settings
from newsmon.ops.keys import SecretKeyError
from newsmon.rules import ArticleIndex
from newsmon.stream.kafka import ensure_topics

from .common import article_input_options, err_console, fail, input_defaults, out_console, read_records, validated
from .errors import PEER_DOWN, kafka_down
from .queries import known_topics, parse_checked
from .terminal import escape


def _rules(writing: bool = False):
    """The rules on the topic. A rule sealed under a key this command lacks is named: a change written
    now would be sealed under another key than the workers' and ignored by them."""
    settings = get_settings()
    try:
        ensure_topics(settings)
        book = read_rules(settings)
    except SecretKeyError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - an unreachable broker raises several types
        fail(kafka_down(settings, exc), PEER_DOWN)
    if book.undecryptable:
        names = ", ".join(sorted(book.undecryptable))
        problem = (f"{len(book.undecryptable)} rule(s) on {settings.alert_rules_topic} are sealed with a key this command "
                   f"does not have ({names})")
        if writing:
            fail(f"{problem}: set NEWSMON_SECRET_KEY to the workers' key (docs/security.md#secrets) and run this again")
        err_console.print(f"[yellow]warning:[/] {escape(problem)}; they are not shown", highlight=False)
    return settings, book


def _write(settings, action) -> None:
    with RuleWriter(settings) as writer:
        action(writer)


def _existing(name: str, writing: bool = True) -> tuple[object, AlertRule]:
    settings, book = _rules(writing)
    rule = book.get(name)
    if rule is None:
        known = ", ".join(r.name for r in book.rules()) or "none yet"
        fail(f"no alert rule named {name!r} (rules: {known})")
    return settings, rule


@click.group()
def alerts() -> None:
    """Keyword alert rules: add, list, enable, disable, remove, test."""


@alerts.command()
@click.option("--name", required=True, help="A unique name: letters, digits, '.', '_' and '-'.")
@click.option("--query", required=True, help='Kibana-style query, e.g. \'ceasefire AND country:SYR\' (docs/queries.md).')
@click.option("--channel", "channels", multiple=True, required=True,
              help="webhook:URL, slack:URL, email:ADDRESS or kafka[:TOPIC]; repeat for several.")
@click.option("--digest", help="Group alerts over this window into one message, e.g. 15m.")
@click.option("--throttle", help="At most this many messages per hour, e.g. 10/h; the rest are held back and counted.")
@click.option("--secret", help="HMAC secret for webhook signatures (default: a random one, printed once).")
@click.option("--disabled", is_flag=True, help="Add the rule switched off.")
def add(name, query, channels, digest, throttle, secret, disabled):
    """Add or replace an alert rule."""
    settings = get_settings()
    parse_checked(query, known_topics(settings))  # the same checks and wording as `newsmon search`
    try:
        # Checked against the settings (outbound policy, alert topics) before anything is written; host names resolved.
        data = {"name": name, "query": query, "channels": [Channel.parse(c, settings, resolve=True) for c in channels],
                "enabled": not disabled}
        if digest:
            data["digest_s"] = parse_duration(digest)
        if throttle:
            data["throttle_per_hour"] = parse_throttle(throttle)
        if secret:
            data["secret"] = secret
    except RuleError as exc:
        fail(str(exc))
    settings, book = _rules(writing=True)
    existing = book.get(name)
    if existing is not None:
        data.setdefault("secret", existing.secret.get_secret_value())
        data["created_at"] = existing.created_at
    try:
        rule = AlertRule.model_validate(data, context=rule_context(settings))
    except ValidationError as exc:
        fail(f"invalid rule: {problems(exc)}")
    _write(settings, lambda w: w.put(rule))
    out_console.print(f"{'replaced' if existing else 'added'} rule {escape(rule.name)}: {escape(rule.query)} -> "
                      f"{escape(', '.join(c.display for c in rule.channels))}", highlight=False)
    if any(c.type == "webhook" for c in rule.channels) and existing is None and not secret:
        # Generated, so shown this once: the receiver needs it to check X-Newsmon-Signature.
        out_console.print(f"webhook secret (for X-Newsmon-Signature): {rule.secret.get_secret_value()}", highlight=False)
    _warn_if_smtp_unreachable(settings, rule)


def _warn_if_smtp_unreachable(settings, rule: AlertRule) -> None:
    """An email channel whose mail server does not answer: the rule stays added (the server may be down for
    a while; deliveries are retried and recorded as failed), but the operator hears it now, in a few seconds."""
    from newsmon.alerts.channels.email import smtp_problem

    if any(c.type == "email" for c in rule.channels):
        problem = smtp_problem(settings, timeout_s=min(settings.alert_timeout_s, 5.0))
        if problem:
            err_console.print(f"[yellow]warning:[/] rule {escape(rule.name)} is added, but its email alerts will fail "
                              f"until this is fixed: {escape(problem)}", highlight=False)


@alerts.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (secrets masked).")
def list_rules(as_json):
    """List alert rules."""
    _, book = _rules()
    rules = book.rules()
    if as_json:
        click.echo(json.dumps([r.public() for r in rules], indent=2))
        return
    table = Table(title=f"{len(rules)} alert rule{'s' * (len(rules) != 1)}")
    for column in ("name", "on", "query", "channels", "digest", "throttle"):
        table.add_column(column, overflow="fold")
    for r in rules:
        table.add_row(escape(r.name), "yes" if r.enabled else "no", escape(r.query), escape(", ".join(c.display for c in r.channels)),
                      f"{r.digest_s:.0f}s" if r.digest_s else "-", f"{r.throttle_per_hour}/h" if r.throttle_per_hour else "-")
    out_console.print(table)


def _switch(name: str, enabled: bool) -> None:
    settings, rule = _existing(name)
    changed = rule.model_copy(update={"enabled": enabled, "updated_at": datetime.now(timezone.utc)})
    _write(settings, lambda w: w.put(changed))
    out_console.print(f"rule {escape(name)} {'enabled' if enabled else 'disabled'}")


@alerts.command()
@click.argument("name")
def enable(name):
    """Switch a rule on."""
    _switch(name, True)


@alerts.command()
@click.argument("name")
def disable(name):
    """Switch a rule off (it is kept)."""
    _switch(name, False)


@alerts.command()
@click.argument("name")
def remove(name):
    """Delete a rule."""
    settings, _ = _existing(name)
    _write(settings, lambda w: w.delete(name))
    out_console.print(f"rule {escape(name)} removed")


@alerts.command()
@click.argument("name")
@click.argument("paths", nargs=-1, required=True)
@article_input_options
def test(name, paths, source, published_at, language):
    """Would rule NAME fire on the articles in PATHS, and why? (Runs the real extraction, offline.)"""
    from newsmon.articles import prepare
    from newsmon.stream.enrichment import build_extractor

    settings, rule = _existing(name, writing=False)
    parse_checked(rule.query, known_topics(settings))  # a topic removed since the rule was added is said here
    records = list(validated(read_records(paths, input_defaults(source, published_at, language))))
    articles = [prepare(a, max_body_chars=settings.max_body_chars) for _, a, _ in records if a is not None]
    invalid = [f"{origin}: {reason}" for origin, _, reason in records if reason]
    if not articles:
        fail(f"no article to test rule {rule.name!r} on ({'; '.join(invalid) or 'no articles in ' + ', '.join(paths)}).")
    for problem in invalid:
        err_console.print(f"[red]invalid[/] {escape(problem)}", highlight=False)
    query = rule.compiled()
    fired = 0
    for enriched in build_extractor(settings).extract(articles):
        explanation = query.explain(ArticleIndex.build(enriched))
        fired += explanation.matched
        verdict = "[green]fires[/]" if explanation.matched else "[yellow]does not fire[/]"
        out_console.print(f"\n[bold]{escape(enriched.title or enriched.id)}[/]: rule {escape(rule.name)} {verdict}"
                          f"{'' if rule.enabled else ' (but the rule is disabled)'}")
        out_console.print(escape(explanation.render()), highlight=False)
    out_console.print(f"\n{fired} of {len(articles)} article{'s' * (len(articles) != 1)} would alert")
    if invalid:
        fail(f"{len(invalid)} input record{'s' * (len(invalid) != 1)} could not be read (listed above).")


@alerts.command()
def reencrypt():
    """Rewrite every rule sealed under the newest key of NEWSMON_SECRET_KEY (the rotation step)."""
    settings, book = _rules()
    rules = book.rules()
    if book.undecryptable:
        fail(f"{len(book.undecryptable)} rule(s) cannot be decrypted with the configured keys "
             f"({', '.join(sorted(book.undecryptable))}): add the key they were written with to NEWSMON_SECRET_KEY "
             "(after the newest) and run this again")
    _write(settings, lambda w: [w.put(rule) for rule in rules])
    out_console.print(f"{len(rules)} rule{'s' * (len(rules) != 1)} sealed under the newest key; "
                      "keys after the first in NEWSMON_SECRET_KEY can now be dropped", highlight=False)


@alerts.command(name="new-key")
def new_key():
    """Print a new key for NEWSMON_SECRET_KEY (put it first in the list, then run `alerts reencrypt`)."""
    from newsmon.ops.keys import new_key as make_key

    click.echo(make_key())


@alerts.command()
@click.option("--rule", help="Only this rule's alerts.")
@click.option("--status", type=click.Choice(["sent", "failed", "held", "queued", "pending"]),
              help="Only deliveries in this state: sent, failed, held (over the throttle), queued (for a digest), pending.")
@click.option("--since", help="Fired at or after: a duration back (30m, 12h, 7d), today, yesterday, or an ISO 8601 date.")
@click.option("--size", type=click.IntRange(1, 10_000), default=20, show_default=True, help="How many records, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
def history(rule, status, since, size, as_json):
    """Alerts fired, newest first: one line per alert and channel, with its status and last error (from news-alerts)."""
    from newsmon.alerts.history import history_query, recorded_rules, search_history, since_bound

    from .reach import elasticsearch, es_call

    try:
        bound = since_bound(since) if since else None
    except RuleError as exc:
        fail(str(exc))
    settings = get_settings()
    es = elasticsearch(settings)
    index = settings.alerts_index
    total, records = es_call(settings, index, lambda: search_history(es, index, history_query(rule, status, bound), size),
                             missing=lambda: (0, []))
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    filters = ", ".join(f"{k} {v}" for k, v in (("rule", rule), ("status", status), ("since", since)) if v)
    if not records:
        known = es_call(settings, index, lambda: recorded_rules(es, index), missing=list) if rule else []
        hint = f" (rules with alerts recorded: {', '.join(known)})" if rule and known and rule not in known else ""
        out_console.print(f"no alerts recorded{' for ' + escape(filters) if filters else ''}{escape(hint)}", highlight=False)
        return
    shown = f"{len(records)} of {total}" if total > len(records) else str(total)
    table = Table(title=escape(f"{shown} alert deliver{'ies' if total != 1 else 'y'}{', ' + filters if filters else ''}, newest first"))
    for column in ("fired", "rule", "status", "channel", "articles", "attempts", "error"):
        table.add_column(column, overflow="fold")
    colors = {"sent": "green", "failed": "red", "held": "yellow", "queued": "cyan", "pending": "cyan"}
    for r in records:
        titles = r.get("titles") or r.get("article_ids") or []
        about = escape(titles[0] if titles else "?") + (f" (+{len(titles) - 1} more)" if len(titles) > 1 else "")
        sources = ", ".join(r.get("sources") or [])
        state = r.get("status") or "?"
        held = f", {r['held_back']} held back" if r.get("held_back") else ""
        table.add_row(escape(_when(r.get("fired_at"))), escape(r.get("rule") or "?"),
                      f"[{colors.get(state, 'white')}]{escape(state)}[/]{escape(held)}", escape(r.get("channel") or "?"),
                      about + (f" [dim]({escape(sources)})[/]" if sources else ""), str(r.get("attempts") or 0),
                      escape(r.get("error") or "-"))
    out_console.print(table)


def _when(stamp: str | None) -> str:
    if not stamp:
        return "?"
    try:
        return datetime.fromisoformat(stamp).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return stamp
