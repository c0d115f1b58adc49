"""Optimistic locking: the one check of a version a client sends back against the stored one.

Reports (``reporting.workflow.save_draft``) and register records (``registers.versions``)
carry a ``version`` the server raises by one on every save. A client that saves sends back the
version it loaded: the same as stored, the save goes on; lower, someone saved since and the
save is refused with :class:`Conflict` (nothing is overwritten); higher, the server never
issued it (a made-up or mistyped number, or a copy from another database) and the save is
refused with :class:`UnknownVersion`, which says so instead of blaming another editor.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _


class Conflict(Exception):
    """Someone else saved since this editor loaded the version it sends back."""


class UnknownVersion(Conflict):
    """A version higher than the stored one: never issued by the server. A ``Conflict`` for
    callers that only know that kind (nothing is saved either way); the API answers it 400."""


def check_version(current: int, expected: int, stale: Callable[[], str]) -> None:
    """Raise unless ``expected`` (what the client loaded) is ``current`` (what is stored);
    ``stale`` gives the message of a stale version (who saved, when)."""
    if expected == current:
        return
    if expected > current:
        raise UnknownVersion(
            _(
                "Version %(sent)d was never issued: the saved version is %(current)d. Reload "
                "the page (or the record) and enter your changes again."
            )
            % {"sent": expected, "current": current}
        )
    raise Conflict(stale())
