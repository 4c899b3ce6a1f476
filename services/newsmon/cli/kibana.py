"""``newsmon kibana setup``: import newsmon's data views, saved searches, visualisations and dashboard.

The objects live in ``deploy/kibana/*.ndjson`` in Kibana's export format. They are sent in
one request to the saved objects import API with ``overwrite=true``, so importing again
updates them in place (their ids are fixed). Before importing, the Kibana version is
checked: the objects are written for Kibana 9.x, and Kibana refuses objects from a newer
version than itself. Authentication: an API key, or a username and password (the
``kibana_system`` user cannot import objects; use a user with the ``kibana_admin`` role or
"Saved Objects Management: All" in the target space).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click
import httpx

from newsmon.config import get_settings

from .common import err_console, fail, out_console
from .errors import PEER_DOWN
from .terminal import escape

KIBANA_MAJOR = 9
DASHBOARD_ID = "newsmon-dashboard"
DEFAULT_PREFIX = "news"


def default_objects_dir() -> Path | None:
    """``deploy/kibana`` of the checkout newsmon runs from, or of the current folder."""
    candidates = [Path.cwd() / "deploy" / "kibana", Path(__file__).resolve().parents[3] / "deploy" / "kibana",
                  Path("/app/deploy/kibana")]
    return next((c for c in candidates if c.is_dir() and any(c.glob("*.ndjson"))), None)


def load_objects(folder: Path) -> list[dict[str, Any]]:
    """Every saved object of the folder's ``.ndjson`` files, in file order; fails on a bad line."""
    objects = []
    for path in sorted(folder.glob("*.ndjson")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                fail(f"{path}:{number} is not valid JSON: {exc}")
            if "type" in obj and "id" in obj:  # export summaries ({"exportedCount": ...}) are skipped
                objects.append(obj)
    if not objects:
        fail(f"no saved objects found in {folder}/*.ndjson")
    return objects


def retarget(objects: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """Point the data views at ``<prefix>-articles``... when the index prefix is not ``news``."""
    if prefix == DEFAULT_PREFIX:
        return objects
    result = []
    for obj in objects:
        if obj["type"] == "index-pattern":
            obj = json.loads(json.dumps(obj))
            title = obj["attributes"]["title"]
            if title.startswith(f"{DEFAULT_PREFIX}-"):
                obj["attributes"]["title"] = f"{prefix}-{title[len(DEFAULT_PREFIX) + 1:]}"
        result.append(obj)
    return result


def _auth_help(status: int, space: str | None) -> str:
    if status == 401:
        return "Kibana did not accept the credentials (401): check --api-key, or --username and --password."
    where = f"space {space!r}" if space else "the default space"
    return (f"Kibana refused the import (403): the user may not manage saved objects in {where}. Use a user with the "
            "kibana_admin role or 'Saved Objects Management: All' there (kibana_system cannot import objects).")


def kibana_version(client: httpx.Client, url: str, wait: float) -> str:
    """Kibana's version from ``/api/status``, waiting up to ``wait`` seconds while it starts."""
    deadline = time.monotonic() + wait
    while True:
        try:
            response = client.get(f"{url}/api/status")
            if response.status_code in (401, 403):
                fail(_auth_help(response.status_code, None))
            if response.status_code == 200:
                version = response.json().get("version", {}).get("number")
                if version:
                    return version
            problem = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            problem = str(exc) or type(exc).__name__
        if time.monotonic() > deadline:
            fail(f"Kibana at {url} is not ready ({problem}). Is the URL right, and is Kibana up?", PEER_DOWN)
        time.sleep(3)


def describe_errors(errors: list[dict[str, Any]]) -> list[str]:
    lines = []
    for error in errors:
        detail = error.get("error", {})
        kind = detail.get("type", "unknown")
        message = detail.get("message") or detail.get("reason") or ""
        if kind == "missing_references":
            message = "references " + ", ".join(f"{r['type']}:{r['id']}" for r in detail.get("references", []))
        if "version" in message.lower() or "migration" in message.lower():
            message += " (the objects are for Kibana 9.x: use a Kibana of at least the version in deploy/docker-compose.yml)"
        lines.append(f"{error.get('type')} {error.get('id')} ({error.get('title') or error.get('meta', {}).get('title', '')}): {kind} {message}")
    return lines


@click.group()
def kibana() -> None:
    """Set up Kibana for newsmon."""


@kibana.command()
@click.option("--url", envvar="NEWSMON_KIBANA_URL", required=True, help="Kibana, e.g. http://kibana:5601 (env NEWSMON_KIBANA_URL).")
@click.option("--api-key", envvar="NEWSMON_KIBANA_API_KEY", help="Encoded API key (env NEWSMON_KIBANA_API_KEY).")
@click.option("--username", envvar="NEWSMON_KIBANA_USERNAME", help="Basic-auth user (env NEWSMON_KIBANA_USERNAME).")
@click.option("--password", envvar="NEWSMON_KIBANA_PASSWORD", help="Basic-auth password (env NEWSMON_KIBANA_PASSWORD).")
@click.option("--space", help="Kibana space id to import into (default: the default space).")
@click.option("--ca-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), envvar="NEWSMON_KIBANA_CA_FILE",
              help="CA certificate for an https Kibana with a private CA.")
@click.option("--objects", "objects_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of .ndjson saved objects (default: deploy/kibana).")
@click.option("--wait", default=0.0, show_default=True, help="Seconds to wait for Kibana to become ready.")
def setup(url, api_key, username, password, space, ca_file, objects_dir, wait):
    """Import the data views, saved searches, visualisations and the "News monitor" dashboard (overwrite)."""
    from newsmon.ops import redact

    redact.register(api_key, password)  # options, not settings: the redaction layer learns them here
    redact.register_url(url)
    url = url.rstrip("/")
    folder = objects_dir or default_objects_dir()
    if folder is None:
        fail("cannot find deploy/kibana/*.ndjson: run from the repository, or pass --objects")
    objects = retarget(load_objects(folder), get_settings().index_prefix)
    headers = {"kbn-xsrf": "newsmon"}
    auth = None
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    elif username:
        if password is None:
            fail("--username needs --password (or NEWSMON_KIBANA_PASSWORD)")
        auth = (username, password)
    verify: Any = str(ca_file) if ca_file else True
    with httpx.Client(headers=headers, auth=auth, verify=verify, timeout=60) as client:
        version = kibana_version(client, url, wait)
        major = int(version.split(".")[0])
        if major != KIBANA_MAJOR:
            fail(f"Kibana at {url} is {version}; newsmon's saved objects are for Kibana {KIBANA_MAJOR}.x "
                 f"(saved objects cannot be imported into an older Kibana, and {KIBANA_MAJOR}.x objects are untested on {major}.x).")
        base = f"{url}/s/{space}" if space else url
        payload = "\n".join(json.dumps(o, ensure_ascii=False) for o in objects) + "\n"
        try:
            response = client.post(f"{base}/api/saved_objects/_import", params={"overwrite": "true"},
                                   files={"file": ("newsmon.ndjson", payload.encode(), "application/ndjson")})
        except httpx.HTTPError as exc:
            fail(f"could not reach Kibana at {url}: {exc}", PEER_DOWN)
    if response.status_code in (401, 403):
        fail(_auth_help(response.status_code, space))
    if response.status_code == 404 and space:
        fail(f"Kibana has no space {space!r}: create it first, or leave out --space")
    if response.status_code != 200:
        fail(f"Kibana {version} refused the import (HTTP {response.status_code}): {response.text[:500]}")
    result = response.json()
    errors = result.get("errors") or []
    if errors or not result.get("success", False):
        for line in describe_errors(errors):
            err_console.print(f"[red]not imported[/] {escape(line)}", highlight=False)
        fail(f"{len(errors)} of {len(objects)} objects were not imported into Kibana {version}")
    out_console.print(f"imported {result.get('successCount', len(objects))} objects into Kibana {version}"
                      f"{f' (space {space})' if space else ''}; dashboard: {base}/app/dashboards#/view/{DASHBOARD_ID}",
                      highlight=False)
