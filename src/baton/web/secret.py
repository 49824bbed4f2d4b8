"""The key that signs session cookies: ``BATON_SECRET_KEY``, else one generated once
per workspace in ``.baton/secret_key`` (mode 0600). Never in baton.yaml, which is
reviewed and versioned like code."""

from __future__ import annotations

import os
import secrets
import stat
import time
from collections.abc import Mapping
from pathlib import Path

MIN_LENGTH = 32
SECRET_FILE = Path(".baton") / "secret_key"


class SecretKeyError(ValueError):
    """The configured key is unusable; the message says how to fix it."""


def session_secret(workspace: Path, environ: Mapping[str, str] = os.environ) -> str:
    """The signing key; several processes serving one workspace share the file's key."""
    configured = environ.get("BATON_SECRET_KEY", "").strip()
    if configured:
        if len(configured) < MIN_LENGTH:
            raise SecretKeyError(
                f"BATON_SECRET_KEY must have at least {MIN_LENGTH} characters; "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return configured
    return _file_secret(workspace / SECRET_FILE)


def _file_secret(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)  # readable by others would let them forge sessions
        value = _read_written(path)
        if len(value) < MIN_LENGTH:
            raise SecretKeyError(
                f"{path} holds a key shorter than {MIN_LENGTH} characters;"
                " delete the file to generate a new one"
            ) from None
        return value
    value = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value + "\n")
    return value


def _read_written(path: Path) -> str:
    """The file's key, waiting briefly while another process that just created it writes it."""
    for _ in range(40):
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        time.sleep(0.05)
    return ""
