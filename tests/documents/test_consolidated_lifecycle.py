"""The consolidated report's life: drafted, returned, approved, issued with its number, frozen."""

import hashlib
import io

import docx
import pytest

from kehoach.audit.models import AuditEntry
from kehoach.documents import lifecycle
from kehoach.documents.models import ConsolidatedReport, FrozenReport


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


@pytest.fixture
def draft(cast):
    report = lifecycle.open_draft(cast.plan, 2025, by=cast.users["ktht"])
    return lifecycle.save_draft(
        report,
        assessment="Năm 2025 các đơn vị triển khai đồng bộ các nhiệm vụ.",
        direction="Tập trung hỗ trợ đăng ký nhãn hiệu cho sản phẩm chủ lực.",
        by=cast.users["ktht"],
    )


def test_it_goes_through_its_life_and_is_frozen_once_issued(cast, draft):
    lead, leader = cast.users["ktht"], cast.users["lanhdao"]
    with pytest.raises(lifecycle.IllegalMove):
        lifecycle.move(draft, "approved", by=leader)  # not submitted yet
    lifecycle.move(draft, "submitted", by=lead)
    with pytest.raises(lifecycle.IllegalMove, match=r"lý do|why"):
        lifecycle.move(draft, "returned", by=leader)
    lifecycle.move(draft, "returned", by=leader, reason="Bổ sung số liệu kinh phí")
    lifecycle.save_draft(
        draft, assessment=draft.assessment + "\nĐã bổ sung.", direction=draft.direction, by=lead
    )
    lifecycle.move(draft, "submitted", by=lead)
    lifecycle.move(draft, "approved", by=leader)
    with pytest.raises(lifecycle.IllegalMove):
        lifecycle.save_draft(draft, assessment="khác", direction="", by=lead)
    issued = lifecycle.move(draft, "issued", by=lead, number="15")
    assert issued.state == "issued" and issued.number == "15"
    docx_bytes, pdf_bytes = issued.docx.read(), issued.pdf.read()
    assert pdf_bytes.startswith(b"%PDF")
    assert issued.content_hash == hashlib.sha256(docx_bytes + pdf_bytes).hexdigest()
    text = _text(docx_bytes)
    assert "Báo cáo số 15/BC-UBND" in text and "Đã bổ sung." in text and "Tập trung hỗ trợ" in text
    entry = AuditEntry.objects.filter(model="documents.ConsolidatedReport").order_by("-seq")[0]
    assert issued.content_hash in str(entry.after)
    assert [m.to_state for m in issued.moves.all()] == [
        "submitted", "returned", "submitted", "approved", "issued"
    ]  # fmt: skip
    # frozen: no move, no edit, no write, no delete
    with pytest.raises(lifecycle.IllegalMove):
        lifecycle.move(issued, "returned", by=leader, reason="x")
    issued.assessment = "đổi"
    with pytest.raises(FrozenReport):
        issued.save()
    with pytest.raises(FrozenReport):
        ConsolidatedReport.objects.get(pk=issued.pk).delete()
    assert lifecycle.draft_file(ConsolidatedReport.objects.get(pk=issued.pk), "docx") == docx_bytes


def test_a_second_issue_of_the_year_needs_a_new_number(cast, draft, settings, tmp_path):
    lead, leader = cast.users["ktht"], cast.users["lanhdao"]
    for to in ("submitted", "approved"):
        lifecycle.move(draft, to, by=lead if to == "submitted" else leader)
    lifecycle.move(draft, "issued", by=lead, number="15")
    again = lifecycle.open_draft(cast.plan, 2025, by=lead)
    assert again.pk != draft.pk and again.state == "draft"
    lifecycle.move(again, "submitted", by=lead)
    lifecycle.move(again, "approved", by=leader)
    with pytest.raises(lifecycle.IllegalMove, match="15"):
        lifecycle.move(again, "issued", by=lead, number="15")
    assert ConsolidatedReport.objects.get(pk=again.pk).state == "approved"  # nothing changed
    assert lifecycle.move(again, "issued", by=lead, number="21").number == "21"
    assert [r.number for r in lifecycle.issued(cast.plan, 2025)] == ["15", "21"]


def test_each_move_belongs_to_its_role(cast, draft):
    with pytest.raises(lifecycle.IllegalMove):
        lifecycle.move(draft, "submitted", by=cast.users["x01"])  # a commune clerk
    lifecycle.move(draft, "submitted", by=cast.users["ktht"])
    with pytest.raises(lifecycle.IllegalMove):
        lifecycle.move(draft, "approved", by=cast.users["ktht"])  # the lead office approves not
    assert ConsolidatedReport.objects.get(pk=draft.pk).state == "submitted"


def test_the_page_drafts_and_the_leader_returns_with_a_reason(client, cast):
    client.force_login(cast.users["ktht"])
    client.post("/review/consolidated/", {"year": "2025", "action": "begin"})
    report = ConsolidatedReport.objects.get()
    client.post(
        "/review/consolidated/",
        {"year": "2025", "report": report.pk, "action": "save", "assessment": "Đánh giá A",
         "direction": "Phương hướng B"},
    )  # fmt: skip
    client.post("/review/consolidated/", {"year": "2025", "report": report.pk, "action": "submit"})
    client.force_login(cast.users["lanhdao"])
    page = client.get("/review/consolidated/?year=2025").content.decode()
    assert "Đánh giá A" in page and "Phê duyệt" in page
    client.post(
        "/review/consolidated/",
        {"year": "2025", "report": report.pk, "action": "return", "reason": "Thiếu số liệu"},
    )
    report.refresh_from_db()
    assert report.state == "returned" and report.return_reason == "Thiếu số liệu"
    draft = client.get(f"/review/consolidated/{report.pk}.docx")
    assert draft.status_code == 200 and "Đánh giá A" in _text(draft.content)
    client.force_login(cast.users["x01"])
    assert client.get("/review/consolidated/?year=2025").status_code in (403, 404)


def test_whose_turn_it_is_learns_it(cast, draft):
    from kehoach.notifications.models import Notification

    lifecycle.move(draft, "submitted", by=cast.users["ktht"])
    [asked] = Notification.objects.filter(kind="consolidated")
    assert asked.user == cast.users["lanhdao"] and asked.link == "/review/consolidated/?year=2025"
    lifecycle.move(draft, "returned", by=cast.users["lanhdao"], reason="Thiếu phần kinh phí")
    back = Notification.objects.filter(kind="consolidated").exclude(pk=asked.pk).get()
    assert back.user == cast.users["ktht"] and "Thiếu phần kinh phí" in back.body
