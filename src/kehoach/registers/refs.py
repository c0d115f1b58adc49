"""What a new record's id may be, said the same way by the web form and the API.

Ids (``ref``) are unique across all units, so an id held by a record of a unit the user cannot
see cannot be used either; the answer must not tell that such a record exists, nor anything
about it (its unit, its name). It is the same answer as for an id no record could have (one
with a "/", which no address could name): "cannot be used, choose another". An id held by a
record the user sees is answered as usual ("already exists"): they could read it anyway.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _


def unusable(model: type[models.Model], ref: str, visible: set[int] | None) -> str | None:
    """Why ``ref`` cannot be a new record's id for a user who sees the units ``visible``
    (``access.visible_unit_ids``; None: all), or None. Says nothing about unseen records."""
    message = _("The id %(id)s cannot be used; choose another one.") % {"id": ref}
    if "/" in ref:
        return message
    if visible is None:
        return None  # the usual unique check says "already exists"
    taken = model.objects.filter(ref=ref)
    if taken.exists() and not taken.filter(org_unit_id__in=visible).exists():
        return message
    return None
