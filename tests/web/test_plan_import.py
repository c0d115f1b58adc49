"""The plan page's upload: a plan text read into a draft, reviewed, then loaded."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from kehoach.plans.models import Plan

CORPUS = Path(__file__).resolve().parents[1] / "data" / "plans"


def _upload(client, path: Path):
    data = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")
    return client.post("/plan/import/", {"file": data})


def test_it_shows_the_draft_for_review_before_loading(cast, client):
    client.force_login(cast.users["ktht"])
    text = next(p for p in sorted(CORPUS.glob("*.txt")) if "giao-duc" in p.name)
    response = _upload(client, text)
    assert response.status_code == 200
    html = response.content.decode()
    assert "CT1" in html and "token" in html
    assert Plan.objects.count() == 1  # nothing loaded yet
    token = response.context["token"]
    loaded = client.post("/plan/import/load/", {"token": token, "filename": text.name})
    assert loaded.status_code == 302
    assert Plan.objects.count() == 2


def test_it_shows_the_data_elements_proposed_for_each_indicator(cast, client):
    client.force_login(cast.users["ktht"])
    text = next(p for p in sorted(CORPUS.glob("*.txt")) if "giao-duc" in p.name)
    html = _upload(client, text).content.decode()
    assert "Chỉ số báo cáo đề xuất" in html
    assert "Số trẻ 5 tuổi ra lớp ÷ Tổng số trẻ 5 tuổi" in html


def test_it_refuses_an_altered_draft(cast, client):
    client.force_login(cast.users["ktht"])
    response = client.post("/plan/import/load/", {"token": "forged:abc", "filename": "x"})
    assert response.status_code == 302
    assert Plan.objects.count() == 1


def test_it_lets_only_the_lead_office_load_plans(cast, client):
    for username in ("x01", "lanhdao"):
        client.force_login(cast.users[username])
        assert client.get("/plan/import/").status_code == 403
        assert client.post("/plan/import/load/", {"token": "x"}).status_code == 403


def test_it_refuses_other_file_types(cast, client):
    client.force_login(cast.users["ktht"])
    bad = SimpleUploadedFile("plan.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post("/plan/import/", {"file": bad})
    assert response.status_code == 200 and "token" not in response.context


def test_it_reads_a_pdf_and_shows_each_target_with_its_line_and_confidence(cast, client):
    client.force_login(cast.users["ktht"])
    pdf = CORPUS / "real" / "c-xa-lo-ku-kbang-ktxh-2025.pdf"
    response = _upload(client, pdf)
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["indicator_rows"]
    assert rows and all(lines and 0 < confidence <= 1 for *_, lines, confidence in rows)
    assert "Từ dòng" in html and "Độ tin cậy" in html


def test_it_lists_the_quantified_lines_not_placed_first(cast, client):
    client.force_login(cast.users["ktht"])
    text = (
        "KẾ HOẠCH\nPhát triển kinh tế năm 2025\n"
        "I. MỤC TIÊU\n1. Mục tiêu cụ thể\n- Tỷ lệ hộ nghèo giảm còn dưới 2%.\n"
        "II. NHIỆM VỤ\n1. Nông nghiệp\n- Trồng mới 30 ha rừng.\n"
        "III. CÁC VẤN ĐỀ KHÁC\nMột đoạn không có số.\nNăm 2024 có 120 hộ thoát nghèo.\n"
    ).encode()
    upload = SimpleUploadedFile("ke-hoach.txt", text, content_type="text/plain")
    response = client.post("/plan/import/", {"file": upload})
    unplaced = response.context["unplaced"]
    flags = [quantified for _, quantified in unplaced]
    assert flags == sorted(flags, reverse=True) and flags[0] and not flags[-1]
    assert "Có vẻ là chỉ tiêu:" in response.content.decode()
