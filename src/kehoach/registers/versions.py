"""The version check of register records: who saves over a record checks it was not saved since.

Every record (and budget line) has a ``version`` its ``save`` raises by one
(``models.Versioned``). A person's write (the API's PUT, PATCH and DELETE, a record's web
form) goes through :func:`locked`: inside the write's transaction it locks the record's row and
checks the version the client loaded (``lib.versions.check_version``): a stale one raises
``Conflict`` naming who saved and when, one never issued ``UnknownVersion``; nothing is
written then. An interchange import is the authority over the records it carries and does not
check (it is audited, and raises the version of every record it changes, so a form opened
before it is stale after it).
"""

from __future__ import annotations

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kehoach.lib.versions import Conflict, check_version


def _stale_message(record: models.Model) -> str:
    last = record.history.select_related("history_user").order_by("-history_date").first()
    user = getattr(last, "history_user", None)
    when = getattr(last, "history_date", None) or getattr(record, "updated_at", None)
    return _(
        "%(who)s saved this record at %(when)s, after you opened it. Your changes were not "
        "saved: reload the record, check their changes, then enter yours again."
    ) % {
        "who": (user.get_full_name() or user.get_username()) if user else _("Someone"),
        "when": formats.date_format(timezone.localtime(when), "H:i d/m/Y") if when else "?",
    }


def locked(record: models.Model, *expected: int | None) -> None:
    """Lock ``record``'s row (call inside the write's transaction) and check each
    ``expected`` version (None: not given) against the stored one, and the one ``record`` was
    loaded with. Raises ``Conflict`` or ``UnknownVersion``; then nothing may be written. On
    return ``record.version`` is the stored one, so its ``save`` writes the next."""
    model = type(record)
    rows = model.objects.select_for_update().filter(pk=record.pk)
    current = rows.values_list("version", flat=True).first()
    if current is None:
        raise Conflict(_("Someone deleted this record after you opened it; nothing was saved."))
    for version in (*expected, record.version):
        if version is not None:
            check_version(current, version, lambda: _stale_message(model.objects.get(pk=record.pk)))
    record.version = current
