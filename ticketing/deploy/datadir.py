"""The data directory (``TICKETING_DATA_DIR``): the web app's secret key and the residents' photo uploads.

Both live beside the embedded database, never inside the installed package:
an upgrade or a fresh checkout keeps them, and a backup knows where the
photos are.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from ticketing.deploy.settings import Settings

MIN_SECRET_KEY_LENGTH = 32
"""Characters a secret key needs at least: a shorter one (``x``) lets anyone forge a staff session."""

SECRET_KEY_FILE = "secret_key"
UPLOADS = "uploads"


class UnsafeSecretKey(ValueError):
    """The secret key is too short to sign sessions; the message says what to set instead."""


def uploads_dir(settings: Settings) -> Path:
    """Where residents' photos are kept (``uploads/`` of the data directory)."""
    return settings.data_dir / UPLOADS


def secret_key(settings: Settings) -> str:
    """``TICKETING_SECRET_KEY``, or a random key generated once and kept in the data directory.

    Raises ``UnsafeSecretKey`` for a key shorter than ``MIN_SECRET_KEY_LENGTH``.
    """
    if settings.secret_key is not None:
        return _checked(settings.secret_key, "TICKETING_SECRET_KEY")
    path = settings.data_dir / SECRET_KEY_FILE
    return _checked(_generated(path), str(path))


def _checked(key: str, source: str) -> str:
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise UnsafeSecretKey(
            f"the secret key in {source} has {len(key)} characters; it needs at least {MIN_SECRET_KEY_LENGTH} "
            "random ones to sign sessions safely (e.g. the output of "
            "`python3 -c 'import secrets; print(secrets.token_hex(32))'`), or unset TICKETING_SECRET_KEY to keep "
            "a generated key in the data directory (TICKETING_DATA_DIR)"
        )
    return key


def _generated(path: Path) -> str:
    """The key in ``path``, written first if missing: linked into place whole, so racing processes agree on one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as draft_file:
                draft_file.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            os.unlink(draft)
    return path.read_text(encoding="utf-8").strip()
