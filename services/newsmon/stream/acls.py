"""The worker's Kafka user and its ACLs: what a worker needs on a cluster with an authorizer, and no more.

Why one place: the deployment's setup job (deploy/docker-compose.yml) and the secure local stack
(newsmon.stack.secure) must grant the same thing, and the tests prove on the second what the first
does. Run as Kafka's super user (the admin), never as the worker.

The worker needs: read, write and describe on newsmon's topics (one prefix, ``news.`` in the
deployment); everything on Faust's own topics, which are named after the app id (``worker_id``,
e.g. ``newsmon-__assignor-__leader``); read on its consumer group (also the app id). Nothing else:
it cannot create or delete newsmon's topics (the setup job does), touch other topics, or alter
the cluster.

``python -m newsmon.stream.acls`` does it from the environment: the admin's connection from the
``NEWSMON_KAFKA_*`` settings, the worker's user and password from ``KAFKA_WORKER_USERNAME`` and
``KAFKA_WORKER_PASSWORD``, the topic prefix from ``KAFKA_WORKER_TOPIC_PREFIX`` (default ``news.``).
"""

from __future__ import annotations

import os
import sys

from newsmon.config import ConfigError, Settings, load_settings

from .kafka import connect_admin


class AclError(RuntimeError):
    """The admin could not create the worker's user or its ACLs; the message says what Kafka answered."""


def upsert_worker_user(admin_settings: Settings, username: str, password: str) -> None:
    """Create the worker's SCRAM-SHA-512 credential, or set its password (a rotation is this, run again)."""
    from kafka.admin import ScramMechanism, UserScramCredentialUpsertion

    admin = connect_admin(admin_settings, client_id="newsmon-acls")
    try:
        errors = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(username, ScramMechanism.SCRAM_SHA_512, password)]
        )
    finally:
        admin.close()
    if any(errors.values()):
        raise AclError(f"Kafka did not create the user {username!r}: {errors[username]}")


def worker_acls(username: str, topic_prefix: str, app_id: str) -> list:
    """The ACLs of the worker's user (see the module docstring); all prefixed patterns."""
    from kafka.admin import ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern, ResourceType

    def allow(kind: ResourceType, name: str, operation: ACLOperation) -> ACL:
        pattern = ResourcePattern(kind, name, ACLResourcePatternType.PREFIXED)
        return ACL(f"User:{username}", "*", operation, ACLPermissionType.ALLOW, pattern)

    topics = [allow(ResourceType.TOPIC, topic_prefix, op) for op in (ACLOperation.READ, ACLOperation.WRITE, ACLOperation.DESCRIBE)]
    return [*topics, allow(ResourceType.TOPIC, app_id, ACLOperation.ALL), allow(ResourceType.GROUP, app_id, ACLOperation.READ)]


def grant_worker(admin_settings: Settings, username: str, topic_prefix: str, app_id: str) -> None:
    """Create the worker's ACLs (creating an ACL that exists is a no-op)."""
    admin = connect_admin(admin_settings, client_id="newsmon-acls")
    try:
        result = admin.create_acls(worker_acls(username, topic_prefix, app_id))
    finally:
        admin.close()
    if result.get("failed"):
        raise AclError(f"Kafka did not create the ACLs of {username!r}: {result['failed']}")


def main() -> None:
    """The deployment's setup step: the worker's user and ACLs, from the environment (see the docstring)."""
    from .access import KafkaAccessError

    try:
        settings = load_settings()
        username = os.environ.get("KAFKA_WORKER_USERNAME", "newsmon")
        password = os.environ.get("KAFKA_WORKER_PASSWORD", "")
        if not password:
            raise AclError("KAFKA_WORKER_PASSWORD is empty: set NEWSMON_KAFKA_PASSWORD in deploy/.env.")
        if password.lower().startswith("change-me"):
            raise AclError("KAFKA_WORKER_PASSWORD still holds the placeholder of .env.example: set "
                           "NEWSMON_KAFKA_PASSWORD in deploy/.env to a secret of your own.")
        prefix = os.environ.get("KAFKA_WORKER_TOPIC_PREFIX", "news.")
        app_id = os.environ.get("KAFKA_WORKER_APP_ID", "newsmon")
        upsert_worker_user(settings, username, password)
        grant_worker(settings, username, prefix, app_id)
    except (ConfigError, KafkaAccessError, AclError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    print(f"kafka user {username!r}: read/write on topics {prefix}*, all on {app_id}* (Faust), group {app_id}")


if __name__ == "__main__":
    main()
