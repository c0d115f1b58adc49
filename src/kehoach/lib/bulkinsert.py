"""Many new rows of one model, by COPY on PostgreSQL and a thousand to an INSERT elsewhere:
what ``bulk_create`` writes, without its cost per row (the SQL compiled through the ORM for
every batch, every value prepared through the field's whole chain). For imports of thousands
of rows, where that cost is most of the time.

Like ``bulk_create``: no ``save()``, no signals (audit such rows yourself, as the importers
do); ``auto_now`` and ``auto_now_add`` fields get the instant of the call, the same for every
row. Unlike it: the new rows' primary keys are not set on the objects; read them back when
they are needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router

# Fields whose Python value is already what the database driver takes: no preparation.
_AS_IS = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.IntegerField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
)


def _reader(field: models.Field, connection: Any) -> Callable[[models.Model], Any]:
    """How to read an object's value of ``field`` as the database takes it. The same value
    (an instant shared by every row) is prepared once."""
    if isinstance(field, models.ForeignKey) or (
        isinstance(field, _AS_IS) and not getattr(field, "auto_now", False)
    ):
        attname = field.attname
        return lambda obj: getattr(obj, attname)
    last: list[Any] = [object(), None]

    def prepared(obj: models.Model) -> Any:
        value = getattr(obj, field.attname)
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return prepared


def _stamp(field: models.Field, objs: Sequence[models.Model]) -> None:
    """``auto_now``/``auto_now_add``: one instant for every row, as ``pre_save`` sets it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        instant = field.pre_save(objs[0], True)
        for obj in objs:
            setattr(obj, field.attname, instant)


def insert(model: type[models.Model], objs: Sequence[models.Model], batch: int = 1000) -> int:
    """INSERT ``objs`` (new ``model`` instances, primary key unset), ``batch`` rows to a
    statement (fewer when the database takes fewer parameters); returns how many."""
    if not objs:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    for field in fields:
        _stamp(field, objs)
    readers = [_reader(f, connection) for f in fields]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(f.column or f.attname) for f in fields)
    )
    if connection.vendor == "postgresql":  # COPY: no SQL text to build or parse per row
        columns = ", ".join(quote(f.column or f.attname) for f in fields)
        copy = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy) as stream:
            for obj in objs:
                stream.write_row([read(obj) for read in readers])
        return len(objs)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params or 65535
    size = max(1, min(batch, limit // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = [read(obj) for obj in chunk for read in readers]
            cursor.execute(head + ", ".join([row] * len(chunk)), params)
    return len(objs)
