"""The worker's HTTP API for alert rules (JSON). Documented in docs/alerts.md.

    GET    /alerts/rules                    all rules (secrets masked)
    POST   /alerts/rules                    create or replace a rule; answers with its secret on create only
    GET    /alerts/rules/{name}             one rule
    DELETE /alerts/rules/{name}             remove it
    POST   /alerts/rules/{name}/enable      enable it
    POST   /alerts/rules/{name}/disable     disable it
    POST   /alerts/rules/{name}/test        body: an article; answers whether the rule would fire, and why

Writes go to the rules topic like ``newsmon alerts`` does, so every worker sees them. A rule is
checked against the worker's settings first (the same checks as ``alerts add``, host names
resolved): a refused channel is a 400 with the sentence that says why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

import faust
from faust.web import Request, Response, View
from pydantic import ValidationError

from newsmon.articles import InvalidArticle, prepare, validate_article
from newsmon.models import EnrichedArticle
from newsmon.ops.redact import redact
from newsmon.rules import ArticleIndex

from .rulebook import RuleBook
from .rules import AlertRule, RuleError, parse_duration, parse_throttle, problems, rule_context

PutRule = Callable[[AlertRule], Awaitable[None]]
DeleteRule = Callable[[str], Awaitable[None]]
Enrich = Callable[[list], Awaitable[list]]


def rule_from_request(body: Any, existing: AlertRule | None = None, settings=None, *, resolve: bool = False) -> AlertRule:
    """A rule from a JSON body: ``name``, ``query``, ``channels`` and optionally
    ``digest`` ("15m"), ``throttle`` ("10/h"), ``enabled``, ``secret``; checked against ``settings``
    (``resolve``: URL host names resolved too, so call it off the event loop)."""
    if not isinstance(body, dict):
        raise RuleError("the body must be a JSON object with name, query and channels")
    data = {k: v for k, v in body.items() if k in ("name", "query", "channels", "enabled", "secret")}
    if body.get("digest"):
        data["digest_s"] = parse_duration(str(body["digest"]))
    if body.get("throttle"):
        data["throttle_per_hour"] = parse_throttle(str(body["throttle"]))
    if existing is not None:
        data.setdefault("secret", existing.secret.get_secret_value())
        data["created_at"] = existing.created_at
    data["updated_at"] = datetime.now(timezone.utc)
    try:
        rule = AlertRule.model_validate(data, context=rule_context(settings, resolve=resolve))
    except ValidationError as exc:
        raise RuleError(problems(exc)) from None
    if settings is not None:
        _check_topics(rule.query, settings)
    return rule


def _check_topics(query: str, settings) -> None:
    """The topics a rule names must be configured ones, as ``alerts add`` checks (with "did you mean")."""
    from newsmon.rules import QueryError, TopicFileError, parse_query
    from newsmon.rules.topic_file import read_topic_ids

    try:
        topics = read_topic_ids(settings.topics_file)
    except (TopicFileError, OSError):
        return  # the worker reports its own topics file; the rule's form was checked above
    try:
        parse_query(query, topics=topics)
    except QueryError as exc:
        raise RuleError(f"the query does not parse: {exc}") from None


def install_api(app: faust.App, book: RuleBook, put_rule: PutRule, delete_rule: DeleteRule, enrich: Enrich) -> None:
    def error(view: View, status: int, message: str) -> Response:
        return view.json({"error": redact(message)}, status=status)  # a refused channel may carry a credential

    @app.page("/alerts/rules")
    class Rules(View):
        async def get(self, request: Request) -> Response:
            return self.json([rule.public() for rule in book.rules()])

        async def post(self, request: Request) -> Response:
            try:
                body = await request.json()
            except ValueError:
                return error(self, 400, "the body is not JSON")
            existing = book.get(str(body.get("name", ""))) if isinstance(body, dict) else None
            try:
                # Checked against the settings the rule book reads rules with; resolving names blocks, so in a thread.
                rule = await asyncio.to_thread(rule_from_request, body, existing, book.settings, resolve=True)
            except RuleError as exc:
                return error(self, 400, str(exc))
            await put_rule(rule)
            shown = rule.public()
            if existing is None:  # the secret is shown once, when the rule is created; a replacement keeps it unseen
                shown["secret"] = rule.secret.get_secret_value()
            return self.json(shown, status=201)

    @app.page("/alerts/rules/{name}")
    class OneRule(View):
        async def get(self, request: Request, name: str) -> Response:
            rule = book.get(name)
            return self.json(rule.public()) if rule else error(self, 404, f"no rule named {name!r}")

        async def delete(self, request: Request, name: str) -> Response:
            if book.get(name) is None:
                return error(self, 404, f"no rule named {name!r}")
            await delete_rule(name)
            return self.json({"deleted": name})

    @app.page("/alerts/rules/{name}/{action}")
    class RuleAction(View):
        async def post(self, request: Request, name: str, action: str) -> Response:
            rule = book.get(name)
            if rule is None:
                return error(self, 404, f"no rule named {name!r}")
            if action in ("enable", "disable"):
                changed = rule.model_copy(update={"enabled": action == "enable", "updated_at": datetime.now(timezone.utc)})
                await put_rule(changed)
                return self.json(changed.public())
            if action == "test":
                try:
                    article = validate_article(await request.json())
                except (ValueError, InvalidArticle) as exc:
                    return error(self, 400, f"not a valid article: {getattr(exc, 'reason', exc)}")
                (result,) = await enrich([prepare(article, max_body_chars=200_000)])
                if result.enriched is None:
                    return error(self, 422, result.error or "extraction failed")
                return self.json(explain(rule, result.enriched))
            return error(self, 404, f"unknown action {action!r}: use enable, disable or test")


def explain(rule: AlertRule, article: EnrichedArticle) -> dict[str, Any]:
    """Would ``rule`` fire on ``article``, and which clauses decided it."""
    explanation = rule.compiled().explain(ArticleIndex.build(article))
    return {"rule": rule.name, "query": rule.query, "enabled": rule.enabled, **explanation.to_dict()}
