"""In a real browser: a leader asks a commune to explain a red indicator; the clerk finds it
in the inbox (and the email reaches a real SMTP server), answers, and the leader's dashboard
shows the answer. Screenshots go to test-artifacts/."""

import pytest
from aiosmtpd.controller import Controller

from kehoach.followup import explanations
from kehoach.followup.models import Explanation
from kehoach.registers.models import BudgetLine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-12345678"


class Mailbox:
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


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/dashboard/**")


def test_a_leader_asks_the_clerk_answers_the_dashboard_shows_it(
    cast, live_server, new_page, shot, smtp
):
    x01 = cast.units["X01"]
    BudgetLine.objects.create(org_unit=x01, year=2025, kind="total", amount=10_000_000_000)
    BudgetLine.objects.create(
        org_unit=x01, year=2025, kind="science_technology", source="local", amount=0
    )
    assert [v.code for v in explanations.red_indicators(cast.plan, x01, 2025)] == ["CT1"]
    base = live_server.url

    leader = new_page()
    _login(leader, base, "lanhdao")
    leader.goto(f"{base}/units/X01/?year=2025")
    card = leader.locator("article.card", has_text="CT1")
    assert "cần giải trình" in card.inner_text().lower()
    card.get_by_role("link", name="Giải trình").click()
    leader.wait_for_url(f"{base}/explanations/X01/2025/CT1/")
    leader.fill("textarea[name=request]", "Đề nghị giải trình vì sao chưa chi cho KH&CN năm 2025.")
    shot(leader, "explain-01-leader-asks")
    leader.get_by_role("button", name="Gửi yêu cầu").click()
    leader.wait_for_load_state()
    assert "Đã gửi yêu cầu" in leader.content()

    [(to, content)] = smtp.messages
    assert set(to) == {"x01@example.vn", "x01.head@example.vn"}
    assert "CT1" in content

    clerk = new_page(390, 844)
    _login(clerk, base, "x01")
    clerk.goto(f"{base}/inbox/")
    item = clerk.locator("li.task-item", has_text="CT1")
    assert "Đề nghị giải trình vì sao chưa chi" in item.inner_text()
    shot(clerk, "explain-02-clerk-inbox")
    item.get_by_role("button", name="Mở").click()
    clerk.wait_for_url(f"{base}/explanations/X01/2025/CT1/")
    clerk.fill("textarea[name=why]", "Ngân sách xã năm 2025 dành cho khắc phục hậu quả bão lũ.")
    clerk.fill("textarea[name=action]", "Bố trí 0,1 % chi ngân sách cho KH&CN từ năm 2026.")
    shot(clerk, "explain-03-clerk-answers")
    clerk.get_by_role("button", name="Gửi giải trình").click()
    clerk.wait_for_load_state()
    assert Explanation.objects.get().answered

    leader.goto(f"{base}/dashboard/?unit=X01&year=2025")
    card = leader.locator("article.card", has_text="CT1")
    text = card.inner_text()
    assert "khắc phục hậu quả bão lũ" in text and "cần giải trình" not in text.lower()
    shot(leader, "explain-04-dashboard-shows-the-answer")
    leader.goto(f"{base}/inbox/")
    assert "đã giải trình chỉ tiêu CT1" in leader.content()
