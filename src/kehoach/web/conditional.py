"""Conditional GET: a page or an API answer whose data did not change is answered 304 Not
Modified before its view runs.

The entity tag of a read names everything its answer depends on, all known before the view
runs and read in two small queries (the same marks the engine and the kept page bodies use,
``fragments``):

- the address with its query string, and the language;
- who asks: the user, the units they see (``access.visibility_key``), their session and CSRF
  cookie (the page carries a token and the menu their name), and their unread notifications
  (the menu's badge);
- the database's state: ``facts.change_marks`` (the audit trail's head: every save and delete
  through the ORM moves it; the highest id of each input table: bulk inserts);
- the day (a deadline passes, a task falls due) and the code's version.

So any committed change, a new day or another user gives another tag, and the full answer.
No tag is given inside a transaction, while the audit trail is not readable, or when a message
waits to be shown (a 304 would hide it). Answers carry ``Cache-Control: private, no-cache``:
a browser keeps them for this user only and asks again each time, with ``If-None-Match``.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connections, router
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import condition

from kehoach.accounts import access
from kehoach.metrics.facts import change_marks
from kehoach.orgunits.models import OrgUnit


@functools.cache
def code_version() -> str:
    """The code's version, the same in every worker: the newest change to the package's
    modules and templates (so a deployment gives new tags)."""
    root = Path(__file__).resolve().parent.parent
    newest = max(
        (f.stat().st_mtime_ns for pattern in ("*.py", "*.html") for f in root.rglob(pattern)),
        default=0,
    )
    return str(newest)


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # reading them does not use them up


def request_marks(request: HttpRequest, using: str) -> tuple | None:
    """``facts.change_marks`` for this GET: read once, by its tag, and reused by the page's
    kept body (``fragments.kept``), so the tag and the body name the same state."""
    found = getattr(request, "_change_marks", None)
    if found is None or found[0] != using:
        found = (using, change_marks(using))
        request._change_marks = found  # type: ignore[attr-defined]
    return found[1]


def request_unread(request: HttpRequest) -> int:
    """The user's unread notifications for this request: counted once, by its tag, and
    reused by the menu's badge (``context.navigation``)."""
    from kehoach.notifications.sending import unread_count

    found = getattr(request, "_unread_count", None)
    if found is None:
        found = request._unread_count = unread_count(request.user)  # type: ignore[attr-defined]
    return found


def data_etag(request: HttpRequest, *args: object, **kwargs: object) -> str | None:
    """The entity tag of a GET by a signed-in user, or None (then no 304 and no tag)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    using = router.db_for_read(OrgUnit)
    if connections[using].in_atomic_block:
        return None
    marks = request_marks(request, using)
    if marks is None or _messages_waiting(request):
        return None
    session = getattr(request, "session", None)
    what = (
        request.get_full_path(),
        get_language(),
        user.pk,
        access.visibility_key(user),
        getattr(session, "session_key", None),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request_unread(request),
        marks,
        timezone.localdate().isoformat(),
        code_version(),
    )
    return hashlib.sha256(repr(what).encode()).hexdigest()[:32]


def revalidated(view: Callable) -> Callable:
    """A GET view answered 304 when the client holds the current answer (``data_etag``);
    otherwise run, with the tag and ``Cache-Control: private, no-cache`` on its answer."""
    conditional = condition(etag_func=data_etag)(view)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapper
