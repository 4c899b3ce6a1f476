"""Elasticsearch clients built from settings: plain HTTP on the local stack, API key or basic auth with a CA in production."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import urllib3
from elastic_transport import Urllib3HttpNode
from elastic_transport.client_utils import DEFAULT
from elasticsearch import AsyncElasticsearch, Elasticsearch

from newsmon.config import Settings


def client_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {"hosts": [settings.es_url], "request_timeout": 30}
    if settings.es_api_key is not None:
        options["api_key"] = settings.es_api_key.get_secret_value()
    elif settings.es_username and settings.es_password is not None:
        options["basic_auth"] = (settings.es_username, settings.es_password.get_secret_value())
    if settings.es_ca_file is not None:
        options["ca_certs"] = str(settings.es_ca_file)
    return options


class _ConnectBoundedNode(Urllib3HttpNode):
    """The urllib3 node, with the connection attempt bounded apart from the request.

    elasticsearch-py has one ``request_timeout`` for connecting and answering alike: 30 s against a
    host that drops packets before a command can say Elasticsearch is down. Here connecting gives up
    after ``connect_timeout_s``; reading an answer keeps the request's own timeout (a search may be slow).
    """

    connect_timeout_s: float = 5.0

    def perform_request(self, method, target, body=None, headers=None, request_timeout=DEFAULT):  # type: ignore[override]
        total = self.config.request_timeout if request_timeout is DEFAULT else request_timeout
        connect = self.connect_timeout_s if total is None else min(self.connect_timeout_s, total)
        return super().perform_request(method, target, body=body, headers=headers,
                                       request_timeout=urllib3.Timeout(connect=connect, read=total))


@lru_cache(maxsize=8)
def _node_class(connect_timeout_s: float) -> type[Urllib3HttpNode]:
    return type("ConnectBoundedNode", (_ConnectBoundedNode,), {"connect_timeout_s": connect_timeout_s})


def make_client(settings: Settings) -> Elasticsearch:
    """The synchronous client (the CLI, tools): a connection gives up after ``connect_timeout_s``."""
    return Elasticsearch(**client_options(settings), node_class=_node_class(settings.connect_timeout_s))


def make_async_client(settings: Settings) -> AsyncElasticsearch:
    return AsyncElasticsearch(**client_options(settings))
