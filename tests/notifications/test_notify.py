"""Telling people: inbox rows, one email (through a real SMTP server), a signed webhook."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command

from kehoach.notifications.models import Notification, WebhookDelivery
from kehoach.notifications.sending import muted, notify
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, return_report, save_draft, submit


class Mailbox:
    """What the SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(settings, free_tcp_port):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_tcp_port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_tcp_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    controller.stop()


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append((dict(self.headers), body))
        self.send_response(Gateway.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    Gateway.received, Gateway.answer = [], 200
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WEBHOOK_URL = f"http://127.0.0.1:{server.server_address[1]}/hook"
    settings.WEBHOOK_SECRET = "bí-mật-của-tỉnh"
    yield Gateway
    server.shutdown()


def test_it_fills_each_inbox_and_sends_one_email_to_all(cast):
    sent = notify(
        "task_due",
        "Nhiệm vụ 1.1 đến hạn",
        "Nội dung",
        users=[cast.users["x01"], cast.users["x01.head"]],
        emails=["ubnd.xamot@example.vn"],
        org_unit=cast.units["X01"],
        link="/tasks/",
    )
    assert Notification.objects.filter(event=sent.event).count() == 2
    [email] = mail.outbox
    assert set(email.to) == {"x01@example.vn", "x01.head@example.vn", "ubnd.xamot@example.vn"}
    assert "/tasks/" in email.body


def test_the_email_arrives_at_a_real_smtp_server(cast, smtp):
    notify("task_due", "Nhiệm vụ đến hạn", "Xin nhắc", users=[cast.users["x02"]])
    [(to, content)] = smtp.messages
    assert to == ["x02@example.vn"] and "Xin nhắc" in content


def test_the_webhook_gets_signed_json(cast, gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(
            "explanation_requested",
            "Giải trình CT1",
            "Đề nghị giải trình",
            users=[cast.users["x01"]],
            org_unit=cast.units["X01"],
            data={"indicator": "CT1"},
        )
    [(headers, body)] = gateway.received
    expected = hmac.new("bí-mật-của-tỉnh".encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Kehoach-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == str(sent.event) and payload["kind"] == "explanation_requested"
    assert payload["org_unit"] == {"code": "X01", "name": "UBND xã Một"}
    assert payload["recipients"][0]["username"] == "x01"
    assert WebhookDelivery.objects.get().status == "sent"


def test_a_failed_delivery_is_kept_and_sent_again_once(
    cast, gateway, django_capture_on_commit_callbacks
):
    gateway.answer = 503
    with django_capture_on_commit_callbacks(execute=True):
        notify("task_due", "Nhắc", "Nhắc", users=[cast.users["x01"]])
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and "503" in delivery.last_error and delivery.attempts == 1
    gateway.answer = 200
    call_command("send_webhooks")
    call_command("send_webhooks")  # safe to run twice
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2
    assert len(gateway.received) == 2


def test_muted_events_only_reach_the_inbox(cast):
    with muted():
        notify("task_due", "Nhắc", "Nhắc", users=[cast.users["x01"]])
    assert mail.outbox == [] and Notification.objects.count() == 1


def test_a_returned_report_tells_the_unit(cast):
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    report = save_draft(report, expected_version=report.version, general_assessment="Xong")
    submit(report, by=cast.users["x01.head"])
    return_report(report, "Thiếu số liệu nhiệm vụ 1.1", by=cast.users["ktht"])
    told = Notification.objects.filter(kind="report_returned")
    assert {n.user.username for n in told} == {"x01", "x01.head"}
    assert "Thiếu số liệu nhiệm vụ 1.1" in told.first().body
    assert any("Thiếu số liệu nhiệm vụ 1.1" in m.body for m in mail.outbox)


def test_the_inbox_page_lists_and_marks_read(client, cast):
    notify(
        "task_due", "Nhiệm vụ 1.1 đến hạn", "Xin nhắc", users=[cast.users["x01"]], link="/tasks/"
    )
    client.force_login(cast.users["x01"])
    page = client.get("/inbox/").content.decode()
    assert "Nhiệm vụ 1.1 đến hạn" in page and 'class="badge"' in page
    note = Notification.objects.get()
    answer = client.post("/inbox/read/", {"id": note.pk, "open": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/tasks/"
    note.refresh_from_db()
    assert note.read_at is not None
    client.force_login(cast.users["x02"])
    assert client.post("/inbox/read/", {"id": note.pk}).status_code == 404  # not theirs
