"""The landing page, the admin in Vietnamese, and the language switch."""


def test_it_serves_the_landing_page_with_the_plan(client, default_plan):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "CT1" in html and "CT5" in html
    assert "Nghị quyết số 07-NQ/TU" in html
    assert 'lang="vi"' in html


def test_it_switches_to_english(client, default_plan):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Indicators" in html


def test_it_answers_health_checks(client, db):
    assert client.get("/healthz").content == b"ok"


def test_it_shows_the_admin_in_vietnamese(admin_client, default_plan):
    html = admin_client.get("/admin/").content.decode()
    assert "Kế hoạch" in html
    assert "Đơn vị" in html
    html = admin_client.get("/admin/plans/indicator/").content.decode()
    assert "CT3" in html


def test_it_speaks_vietnamese_whatever_the_browser_says(client, default_plan):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in html


def test_it_writes_targets_in_vietnamese_number_format(client, default_plan):
    html = client.get("/").content.decode()
    assert "0,05" in html and "0.050000" not in html
