"""Who is acting and how, for the audit trail: one context, kept in a ``ContextVar``.

Set by ``AuditContextMiddleware`` for web, API and admin requests (the request's user is read
when an entry is written, after DRF's token authentication has run), by ``kehoach``'s command
line for every management command, and by the entry points that write in bulk (an import, a
restore, the demo) to say so more precisely::

    with acting(via="import plan.json"):
        ...

Nested contexts keep what they do not set (an import inside a command keeps the command's
user) and add to ``via`` ("web > import ..."). Outside any context an entry says
``via="system"`` (code run from a test or an embedding script).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    via: str = SYSTEM
    user: Any = None  # a user, when known without a request
    request: Any = None  # a request, whose user is read when an entry is written
    name: str = ""  # who, when there is no user: the operating-system account of a command

    def user_or_none(self):
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None

    def username(self) -> str:
        user = self.user_or_none()
        return getattr(user, "username", "") if user is not None else self.name


_NOBODY = Actor()
_current: ContextVar[Actor | None] = ContextVar("kehoach_audit_actor", default=None)


def current() -> Actor:
    return _current.get() or _NOBODY


def current_user():
    return current().user_or_none()


@contextmanager
def acting(
    *, via: str | None = None, user: Any = None, request: Any = None, name: str | None = None
) -> Iterator[Actor]:
    outer = current()
    changes: dict[str, Any] = {}
    if via is not None:  # nested: "command import_data > import plan.json"
        changes["via"] = (via if outer.via == SYSTEM else f"{outer.via} > {via}")[:255]
    if user is not None:
        changes["user"] = user
    if request is not None:
        changes["request"] = request
    if name is not None:
        changes["name"] = name
    token = _current.set(replace(outer, **changes))
    try:
        yield current()
    finally:
        _current.reset(token)


def os_account() -> str:
    """``os:<login>``: who ran a command, in a form no Django username can take."""
    try:
        return "os:" + getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "os:?"


def via_of_path(path: str) -> str:
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "web"


class AuditContextMiddleware:
    """Every request acts as its user, ``via`` web, api or admin (by its path)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(via=via_of_path(request.path_info), request=request, name=""):
            return self.get_response(request)
