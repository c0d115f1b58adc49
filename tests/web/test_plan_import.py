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
