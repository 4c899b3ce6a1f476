"""The key that encrypts rule secrets on the rules topic (Fernet, from ``cryptography``).

``NEWSMON_SECRET_KEY`` holds one or several Fernet keys, comma-separated, newest first:
records are encrypted with the first and decrypted with any, which is how a key is rotated
(add the new key first, run ``newsmon alerts reencrypt``, drop the old one; docs/security.md).
Without it, a key is generated once into ``<state_dir>/secret.key`` (mode 0600), so the CLI
and a worker on the same machine agree; a production deployment sets the variable instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet

from newsmon.config import ConfigError, Settings

KEY_FILE = "secret.key"

__all__ = ["SecretKeyError", "key_file", "new_key", "rule_cipher"]


class SecretKeyError(ConfigError):
    """NEWSMON_SECRET_KEY (or the key file) does not hold usable Fernet keys."""


def new_key() -> str:
    return Fernet.generate_key().decode()


def key_file(settings: Settings) -> Path:
    return settings.state_dir / KEY_FILE


def _parse(text: str, where: str) -> list[Fernet]:
    keys = [part.strip() for part in text.split(",") if part.strip()]
    if not keys:
        raise SecretKeyError(f"{where} holds no key: set it to one or more keys made by `newsmon alerts new-key`, comma-separated, newest first")
    fernets = []
    for number, key in enumerate(keys, 1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise SecretKeyError(f"key {number} of {len(keys)} in {where} is not a Fernet key (32 bytes in url-safe base64): "
                                 "make one with `newsmon alerts new-key`") from None
    return fernets


def _read_or_create(path: Path) -> str:
    """The key in ``path``, created first if missing: written to a private temporary file and
    linked into place, so two processes starting at once end up with the same key."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as out:
            out.write(new_key() + "\n")
        try:
            os.link(tmp, path)  # fails if another process was first: then its key is the key
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return path.read_text().strip()


def rule_cipher(settings: Settings) -> MultiFernet:
    """The keys of ``settings.secret_key``, or of the key file in the state folder."""
    if settings.secret_key is not None:
        return MultiFernet(_parse(settings.secret_key.get_secret_value(), "NEWSMON_SECRET_KEY"))
    path = key_file(settings)
    try:
        text = _read_or_create(path)
    except OSError as exc:
        raise SecretKeyError(f"cannot read or create the secret key file {path} ({exc.strerror or exc}): "
                             "set NEWSMON_SECRET_KEY, or make the state folder (NEWSMON_STATE_DIR) writable") from None
    from .redact import register

    register(text)  # the key file's key is as secret as NEWSMON_SECRET_KEY
    return MultiFernet(_parse(text, str(path)))
