"""Reasons written by pure code (no Django) that a user still reads in Vietnamese.

A :class:`Reason` is the English text itself (a ``str``: compared, embedded and logged as
before) that also keeps its message and parameters, so the Django edge can translate it with
:func:`translated`. A parameter may itself be a Reason (``"… as DHIS2 reads it: %(reason)s"``)
and is translated too. Messages are marked with ``gettext_noop`` where they are written.
"""

from __future__ import annotations

from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a message for extraction; translated later by :func:`translated`."""
    return message


class Reason(str):
    message: str
    params: dict[str, Any]

    def __new__(cls, message: str, **params: Any) -> Reason:
        self = super().__new__(cls, message % params if params else message)
        self.message = message
        self.params = params
        return self


def translated(reason: object) -> str:
    """``reason`` in the active language: a Reason through gettext, parameters included; any
    other object as its text (an exception: its first argument when that is a Reason)."""
    from django.utils.translation import gettext

    if isinstance(reason, BaseException) and reason.args and isinstance(reason.args[0], Reason):
        reason = reason.args[0]
    if not isinstance(reason, Reason):
        return str(reason)
    params = {k: translated(v) if isinstance(v, Reason) else v for k, v in reason.params.items()}
    message = gettext(reason.message)
    return message % params if params else message
