"""The body of a page, kept until something it shows changes.

A dashboard or unit page spends most of its 15–25 ms rendering a template of cards, charts
and a grid that change only when data changes, and at national scale many people ask for
the same few pages. ``kept`` renders a page's body once and keeps the HTML in the cache
(``CACHES``: each process's memory, or Redis shared by every server) under a key made of

- what the page shows: its name and parts (unit, year, page of a list, …);
- who looks: ``access.visibility_key`` (users who see the same units see the same body);
- the language;
- the database's state: ``facts.change_marks``, the audit trail's head (sequence number and
  hash: every save and delete through the ORM moves it, in the writer's transaction) and
  the highest id of each input table (bulk inserts) — the marks the engine reads too.

So a committed change shows on the next request, as it does without the cache. Like the
engine's, nothing is kept or served inside a transaction (it may see writes not yet
committed), and nothing is kept longer than ``engine.CACHE_SECONDS`` (writes that bypass
the ORM and the trail). The parts of a page that differ per user or per request (the
account menu, the CSRF token, messages) are outside the body: the page's outer template
renders them each time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import connections, router
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kehoach.accounts import access
from kehoach.metrics import engine
from kehoach.orgunits.models import OrgUnit
from kehoach.web.conditional import request_marks

PREFIX = "kehoach:page:"


def kept(request, name: str, parts: tuple, build: Callable[[], str]) -> SafeString:
    """The HTML ``build()`` renders for page ``name`` showing ``parts``, from the cache while
    nothing it shows has changed."""
    using = router.db_for_read(OrgUnit)
    marks = None if connections[using].in_atomic_block else request_marks(request, using)
    if marks is None:
        return mark_safe(build())
    what = (name, parts, access.visibility_key(request.user), get_language(), marks)
    key = PREFIX + hashlib.sha256(repr(what).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = str(build())
        cache.set(key, html, engine.CACHE_SECONDS)
    return mark_safe(html)  # rendered by our templates, escaped there
