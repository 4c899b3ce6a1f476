"""Elasticsearch clients built from settings: plain HTTP on the local stack, API key or basic auth with a CA in production."""

from __future__ import annotations

from typing import Any

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


def make_client(settings: Settings) -> Elasticsearch:
    return Elasticsearch(**client_options(settings))


def make_async_client(settings: Settings) -> AsyncElasticsearch:
    return AsyncElasticsearch(**client_options(settings))
