"""Reads to the read replicas, writes and transactions to the primary (docs/deployment.md).

Configured by the "Scale" block of the settings: each URL of ``DATABASE_REPLICA_URLS`` is a
database alias ``replica1``, ``replica2``, … and ``DATABASE_ROUTERS`` names this router.
Without replicas the router is not installed and everything goes to ``default``.

- A write goes to the primary (``default``).
- A read inside a transaction on the primary goes to the primary: a transaction reads what
  it wrote (the report workflow locks rows with ``select_for_update``, then reads them).
- A thread that wrote reads from the primary for ``REPLICA_PIN_SECONDS`` afterwards (default
  5 s), so that the page shown after a form is saved shows what was saved even while the
  replicas are a little behind.
- Otherwise a read goes to one replica, always the same one for a thread (a request's reads
  see one consistent copy: the engine reads its change marks and the data from it).

Migrations run on the primary only; the replicas follow it by streaming replication.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import connections

PRIMARY = "default"
_local = threading.local()


def replicas() -> list[str]:
    """The replica aliases, in order (``replica1``, ``replica2``, …)."""
    return sorted(
        (alias for alias in settings.DATABASES if alias.startswith("replica")),
        key=lambda alias: (len(alias), alias),
    )


def pin_to_primary(seconds: float | None = None) -> None:
    """Read from the primary in this thread for ``seconds`` (default: the setting)."""
    if seconds is None:
        seconds = getattr(settings, "REPLICA_PIN_SECONDS", 5.0)
    _local.until = time.monotonic() + seconds


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        found = replicas()
        if not found or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if getattr(_local, "until", 0.0) > time.monotonic():
            return PRIMARY
        return found[threading.get_ident() % len(found)]

    def db_for_write(self, model, **hints):
        pin_to_primary()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's rows: one database, several copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
