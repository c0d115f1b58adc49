"""Auditing writes that bypass ``save()``: ``bulk_create``, ``bulk_update``,
``QuerySet.update`` and ``QuerySet.delete`` (which sends no signal per row when nothing
cascades to it).

Watch the rows a write may touch, write, then record what changed, in one ``append_many``::

    with watching(TaskEntry.objects.filter(report=report)) as watch:
        TaskEntry.objects.filter(report=report).delete()
        watch.add(TaskEntry.objects.bulk_create(entries))

or, for a ``QuerySet.update``, ``audit.bulk.update(queryset, field=value)``. Rows created in
bulk from instances in hand are recorded by ``signals.record_many`` directly.

Rows are read before and after (a query per 2,000 rows; after: the rows seen before, those
added, and the queryset read again): a row gone is a ``delete``, a new one a ``create``, one
whose values differ an ``update``; nothing else is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction

from . import trail
from .signals import values

CHUNK = 2000  # rows read per query (under SQLite's 32,766 parameters)


class Watch:
    def __init__(self, model, queryset=None, pks: Iterable = ()):
        self.model = model
        self.queryset = queryset
        self.pks = set(pks)
        self.before = self._read()
        self.pks |= set(self.before)

    def add(self, objs_or_pks: Iterable) -> None:
        """Rows the write made that the queryset does not find (new rows, by object or pk)."""
        for item in objs_or_pks:
            self.pks.add(getattr(item, "pk", item))

    def _read(self) -> dict:
        rows: dict = {}
        if self.queryset is not None:
            for obj in self.queryset.order_by("pk").iterator(chunk_size=2000):
                rows[obj.pk] = (values(obj), str(obj))
        wanted = sorted(pk for pk in self.pks if pk is not None and pk not in rows)
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            for obj in self.model._base_manager.filter(pk__in=chunk):
                rows[obj.pk] = (values(obj), str(obj))
        return rows

    def record(self) -> int:
        after = self._read()
        label = self.model._meta.label
        pending = []
        for pk, (old, text) in self.before.items():
            if pk not in after:
                pending.append(trail.Pending("delete", label, pk, before=old, object_repr=text))
            elif trail.plain(old) != trail.plain(after[pk][0]):
                new, text = after[pk]
                pending.append(trail.Pending("update", label, pk, old, new, text))
        for pk, (new, text) in after.items():
            if pk not in self.before:
                pending.append(trail.Pending("create", label, pk, after=new, object_repr=text))
        return trail.append_many(pending)


def update(queryset, **changes) -> int:
    """``queryset.update(**changes)``, each row's change recorded."""
    with watching(queryset) as watch:
        return queryset.model._base_manager.filter(pk__in=sorted(watch.before)).update(**changes)


@contextmanager
def watching(queryset=None, *, model=None, pks: Iterable = ()) -> Iterator[Watch]:
    """Record, when the block ends without an error, what it changed among the rows of
    ``queryset`` (read again at the end) and of ``pks``; in the block's transaction."""
    with transaction.atomic():
        watch = Watch(model or queryset.model, queryset, pks)
        yield watch
        watch.record()


def create(model, objs: Iterable, *, batch_size: int | None = None) -> list:
    """``model.objects.bulk_create(objs)``, each new row recorded (one ``append_many``)."""
    from .signals import record_many

    created = model.objects.bulk_create(list(objs), batch_size=batch_size)
    if any(
        obj.pk is None for obj in created
    ):  # pragma: no cover - every backend we run returns ids
        raise RuntimeError(f"{model._meta.label}: bulk_create returned no ids to audit")
    record_many([(obj, None) for obj in created])
    return created
