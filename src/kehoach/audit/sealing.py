"""The audit chain's seal: HMAC-SHA256 under a key the database does not hold.

The key comes from ``KEHOACH_AUDIT_KEY`` (settings ``AUDIT_KEY``), else from a key file
(``KEHOACH_AUDIT_KEY_FILE``, by default ``.audit_key`` in the data directory), created with
mode 0600 on first use. Someone who can write the database but cannot read the key cannot
make an entry, a head or a checkpoint that verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


def key() -> bytes:
    value = getattr(settings, "AUDIT_KEY", "")
    if value:
        return value.encode("utf-8")
    return _key_from_file(str(settings.AUDIT_KEY_FILE))


@lru_cache(maxsize=4)
def _key_from_file(path: str) -> bytes:
    file = Path(path)
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fd = None
    if fd is None:
        value = file.read_text(encoding="ascii").strip()
        if len(value) < 32:
            raise RuntimeError(
                _("%(file)s: the audit key is too short (32 characters at least)") % {"file": file}
            )
        return value.encode("ascii")
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return value.encode("ascii")


def canonical(content: dict) -> bytes:
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
    ).encode("utf-8")


def seal(kind: str, content: dict) -> str:
    """The HMAC of ``content`` for a kind of thing (``entry``, ``head``, ``checkpoint``): a
    seal of one kind never passes for another."""
    return hmac.new(key(), kind.encode() + b"\n" + canonical(content), hashlib.sha256).hexdigest()


def matches(seal_value: str, kind: str, content: dict) -> bool:
    return hmac.compare_digest(seal_value or "", seal(kind, content))


def legacy_hash(prev_hash: str, content: dict) -> str:
    """The unkeyed SHA-256 of the chain before it was keyed (migration 0002): only to check an
    old chain before it is re-sealed."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()
