"""Searching the registers with or without Vietnamese diacritics, on SQLite and PostgreSQL.

Each record keeps ``search_text``: its ref, name (title, subject), a few other text fields, its
unit's code and names and its note, folded (lower case, no diacritics, "đ" → "d", single
spaces; see ``kehoach.lib.text.fold``). A query is folded the same way and every word of it
must occur in ``search_text`` (``LIKE '%word%'``), so "buoi may thuong", "BƯỞI" and text typed
in decomposed Unicode (NFD) all find "Bưởi Mây Thượng".

``Record.save()`` keeps ``search_text`` up to date. Bulk writes (``bulk_create``,
``bulk_update``, ``QuerySet.update``) bypass ``save()``: call ``refresh_search_text`` after
them. Renaming an org unit refreshes its records (a ``post_save`` receiver in ``models``).

A query is bounded (``MAX_WORDS`` words, ``MAX_LENGTH`` characters): each word is one more
``AND`` in the SQL, and SQLite refuses an expression deeper than 1,000. A longer query is
refused with a message (``RefusedInput``, a 400), not cut short: cutting would silently find
more than was asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.db import models
from django.utils.translation import gettext as _

from kehoach.lib.problems import RefusedInput
from kehoach.lib.text import fold

from .catalogue import RECORD_REGISTERS
from .models import Record

# The registers keyed by ``ref``, which keep a search text (the catalogue's order).
RECORD_MODELS: tuple[type[Record], ...] = tuple(
    cast(type[Record], register.model) for register in RECORD_REGISTERS
)
BATCH = 500
MAX_WORDS = 20
MAX_LENGTH = 200


def terms(query: str | None) -> list[str]:
    """The folded words of a query: "  Bưởi  MÂY " -> ["buoi", "may"]; RefusedInput when it is
    longer than ``MAX_LENGTH`` characters or has more than ``MAX_WORDS`` words."""
    folded = fold(query or "")
    words = list(dict.fromkeys(folded.split()))  # a repeated word asks nothing more
    if len(folded) > MAX_LENGTH or len(words) > MAX_WORDS:
        raise RefusedInput(
            _("The search is too long: at most %(words)d words and %(length)d characters.")
            % {"words": MAX_WORDS, "length": MAX_LENGTH}
        )
    return words


def search(queryset: models.QuerySet, query: str | None) -> models.QuerySet:
    """The records of ``queryset`` whose text holds every word of ``query`` (all if empty)."""
    for term in terms(query):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def refresh_search_text(
    model: type[Record],
    pks: Iterable[int] | None = None,
    *,
    org_unit_ids: Iterable[int] | None = None,
) -> int:
    """Recompute ``search_text`` of ``model``'s records (those with ``pks``, or of the units
    ``org_unit_ids``, or all of them); write only those that differ. Returns how many changed.

    Does not touch ``updated_at`` and records no history: the text is derived, not data.
    Queries: one read per ``BATCH`` keys (or one streamed read) and one write per ``BATCH``
    changed records.
    """
    fields = ["pk", "ref", "note", "search_text", "org_unit_id", *model.SEARCH_FIELDS]
    base = (
        model.objects.order_by()
        .select_related("org_unit")
        .only(*fields, "org_unit__code", "org_unit__name", "org_unit__short_name")
    )
    if pks is not None:
        keys = sorted(set(pks))
        chunks = (base.filter(pk__in=keys[i : i + BATCH]) for i in range(0, len(keys), BATCH))
    elif org_unit_ids is not None:
        units = sorted(set(org_unit_ids))
        chunks = (
            base.filter(org_unit_id__in=units[i : i + BATCH]) for i in range(0, len(units), BATCH)
        )
    else:
        chunks = iter([base])
    changed = 0
    pending: list[Record] = []
    for queryset in chunks:
        for record in queryset.iterator(chunk_size=BATCH):
            text = record.build_search_text()
            if text != record.search_text:
                record.search_text = text
                pending.append(record)
            if len(pending) >= BATCH:
                model.objects.bulk_update(pending, ["search_text"])
                changed += len(pending)
                pending = []
    if pending:
        model.objects.bulk_update(pending, ["search_text"])
        changed += len(pending)
    return changed


def refresh_all(org_unit_ids: Iterable[int] | None = None) -> int:
    """Refresh every register (of these units, or all); returns how many records changed."""
    ids = None if org_unit_ids is None else list(org_unit_ids)
    return sum(refresh_search_text(model, org_unit_ids=ids) for model in RECORD_MODELS)
