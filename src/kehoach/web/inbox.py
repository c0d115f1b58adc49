"""Pages: a user's inbox of notifications.

/inbox/              the notifications, newest first, 30 a page; unread ones marked
/inbox/read/ (POST)  mark one (``id``) or all of them read; opening one's link marks it too
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kehoach.notifications.models import Notification

PAGE_SIZE = 30


def _user(request: HttpRequest) -> Any:
    return request.user  # logged in: @login_required


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(user=_user(request)).select_related("org_unit")
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/inbox.html",
        {
            "page": page,
            "pages_query": request.GET,
            "unread": mine.filter(read_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(user=_user(request), read_at__isnull=True)
    if request.POST.get("id"):
        note = get_object_or_404(Notification, pk=request.POST["id"], user=_user(request))
        mine = mine.filter(pk=note.pk)
        mine.update(read_at=timezone.now())
        if request.POST.get("open") and url_has_allowed_host_and_scheme(
            note.link, allowed_hosts={request.get_host()}
        ):
            return redirect(note.link)
    else:
        mine.update(read_at=timezone.now())
    return redirect("web:inbox")


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/read/", mark_read, name="inbox_read"),
]
