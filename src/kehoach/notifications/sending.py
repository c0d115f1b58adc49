"""Telling people: the one way an event a user must act on reaches them.

``notify`` writes an inbox row for each user, sends one email to all their addresses (and any
other address given: a unit's own mailbox), and queues the event for the webhook when one is
configured (``KEHOACH_WEBHOOK_URL``): a JSON POST signed with HMAC-SHA256 of the body under
``KEHOACH_WEBHOOK_SECRET``, header ``X-Kehoach-Signature: sha256=<hex>``, which a province can
point at its SMS or Zalo OA gateway (docs/notifications.md). The webhook is posted after the
transaction commits; a delivery that fails stays "failed" with its error, and
``kehoach send_webhooks`` tries it again.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kehoach.lib.periods import iso_local

from .models import Notification, WebhookDelivery

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
_MUTED: contextvars.ContextVar[bool] = contextvars.ContextVar("notifications_muted", default=False)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """Inbox rows only: no email, no webhook (the demo writes years of past events)."""
    token = _MUTED.set(True)
    try:
        yield
    finally:
        _MUTED.reset(token)


@dataclass(frozen=True)
class Sent:
    event: uuid.UUID
    users: int
    addresses: tuple[str, ...]
    webhook: bool


def _absolute(link: str) -> str:
    base = getattr(settings, "SITE_URL", "")
    return f"{base.rstrip('/')}{link}" if base and link.startswith("/") else link


def notify(
    kind: str,
    subject: str,
    body: str,
    *,
    users: Iterable[Any],
    emails: Iterable[str] = (),
    org_unit: Any = None,
    link: str = "",
    data: dict | None = None,
    at: datetime.datetime | None = None,
    raise_errors: bool = False,
) -> Sent:
    """Tell ``users`` (inbox and email), ``emails`` (email) and the webhook about one event.

    With ``raise_errors`` a failed email raises (a reminder's record then rolls back, and the
    next run tries again); without, it is logged and the inbox rows stay."""
    at = at or timezone.now()
    event = uuid.uuid4()
    people = [u for u in users if u.is_active]
    Notification.objects.bulk_create(
        Notification(
            user=user,
            event=event,
            kind=kind,
            org_unit=org_unit,
            subject=subject[:255],
            body=body,
            link=link,
            created_at=at,
        )
        for user in people
    )
    addresses = tuple(sorted({u.email for u in people if u.email} | set(filter(None, emails))))
    if _MUTED.get():
        return Sent(event, len(people), (), False)
    if addresses:
        text = f"{body}\n\n{_absolute(link)}" if link else body
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, list(addresses))
        except Exception:
            if raise_errors:
                raise
            log.exception("notification %s: the email to %s failed", event, addresses)
    webhook = bool(getattr(settings, "WEBHOOK_URL", ""))
    if webhook:
        payload = {
            "event": str(event),
            "kind": kind,
            "created_at": iso_local(at),
            "org_unit": {"code": org_unit.code, "name": org_unit.name} if org_unit else None,
            "subject": subject,
            "body": body,
            "link": _absolute(link),
            "recipients": [
                {"username": u.get_username(), "name": u.get_full_name(), "email": u.email}
                for u in people
            ]
            + [{"username": None, "name": "", "email": e} for e in emails if e],
            "data": data or {},
        }
        delivery = WebhookDelivery.objects.create(
            event=event, url=settings.WEBHOOK_URL, payload=payload, created_at=at
        )
        transaction.on_commit(lambda: deliver(delivery.pk))
    return Sent(event, len(people), addresses, webhook)


def signature(body: bytes, secret: str) -> str:
    """What ``X-Kehoach-Signature`` carries: "sha256=" and the HMAC of the body, in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(pk: int) -> bool:
    """POST one queued event to the webhook; True once it is sent. Safe to call twice."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=pk).first()
        if delivery is None or delivery.status == WebhookDelivery.Status.SENT:
            return delivery is not None
        body = json.dumps(delivery.payload, ensure_ascii=False).encode()
        request = urllib.request.Request(
            delivery.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "kehoach-webhook/1",
                "X-Kehoach-Event": delivery.payload.get("kind", ""),
                "X-Kehoach-Delivery": str(delivery.event),
                "X-Kehoach-Signature": signature(body, getattr(settings, "WEBHOOK_SECRET", "")),
            },
        )
        delivery.attempts += 1
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
                answer.read(1024)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = str(exc)[:2000]
            delivery.save(update_fields=["status", "attempts", "last_error"])
            log.warning("webhook %s to %s failed: %s", delivery.event, delivery.url, exc)
            return False
        delivery.status = WebhookDelivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["status", "attempts", "last_error", "sent_at"])
        return True


def deliver_pending() -> tuple[int, int]:
    """Try every delivery not yet sent; (sent, still failing)."""
    sent = failed = 0
    waiting = WebhookDelivery.objects.exclude(status=WebhookDelivery.Status.SENT)
    for pk in waiting.order_by("created_at").values_list("pk", flat=True):
        if deliver(pk):
            sent += 1
        else:
            failed += 1
    return sent, failed


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
