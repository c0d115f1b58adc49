"""Targets, placements and titles read as Vietnamese: "từ 1 đến 2", "khoảng 100% (± 5)",
"Nhiệm vụ 1.2 (độ tin cậy 30%)", and a report's year after a title that ends in a year is
set apart ("… tầm nhìn đến năm 2030 — năm 2025", never "… đến năm 2030 năm 2025")."""

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from kehoach.documents.content import report_content
from kehoach.lib.text import of_year
from kehoach.metrics.core import Target
from kehoach.metrics.labels import format_target

CORPUS = Path(__file__).resolve().parents[1] / "data" / "plans"
SYMBOLS = ("≈", "between", "approx", "tasks[", "indicators[", "(0,")


def test_it_words_ranges_and_approximations_in_vietnamese():
    assert format_target(Target(2025, "between", 1, max=2), "sản phẩm") == "từ 1 đến 2 (2025)"
    assert format_target(Target(2030, "approx", 100, tolerance=5), "%") == (
        "khoảng 100% (± 5) (2030)"
    )
    assert format_target(Target(2025, ">=", "0.05"), "%") == "≥ 0,05% (2025)"


def test_it_shows_the_drafts_targets_and_placements_in_words(cast, client):
    client.force_login(cast.users["ktht"])
    text = CORPUS / "tinh-son-ha-chuyen-doi-so-2022.txt"
    upload = SimpleUploadedFile(text.name, text.read_bytes(), content_type="text/plain")
    response = client.post("/plan/import/", {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    draft = html.split('id="draft-h"')[1].split("<details>")[0]  # not the YAML below
    assert re.search(r"từ [\d.,]+%? đến [\d.,]+", draft)
    assert re.search(r"khoảng [\d.,]+%? \(± [\d.,]+\)", draft)
    assert re.search(r"Nhiệm vụ \d+\.\d+ \(độ tin cậy \d+%\)", draft)
    assert [symbol for symbol in SYMBOLS if symbol in draft] == []


def test_it_shows_the_home_pages_targets_as_the_dashboard_does(client, default_plan):
    html = client.get("/").content.decode()
    assert "từ 1 đến 2 (2025)" in html and "khoảng 100% (± 5) (2030)" in html
    assert "≈" not in html


def test_it_sets_the_reports_year_apart_from_a_title_ending_in_a_year():
    vision = "Kế hoạch phát triển khoa học và công nghệ, tầm nhìn đến năm 2030"
    assert of_year(vision, 2026) == f"{vision} — năm 2026"
    assert of_year("Kế hoạch số 12/KH-UBND ngày 05/01/2022", 2026).endswith("2022 — năm 2026")
    assert of_year("Kế hoạch số 12/KH-UBND của UBND huyện", 2026).endswith("huyện năm 2026")


def test_it_titles_the_consolidated_report_with_one_year_phrase(cast):
    plan = cast.plan
    plan.number = ""  # the report then names the plan by its title
    plan.title = "Kế hoạch phát triển khoa học và công nghệ, tầm nhìn đến năm 2030"
    plan.save()
    content = report_content(plan, 2025)
    assert content["summary"] == f"Kết quả thực hiện {plan.title} — năm 2025"
    assert "2030 năm 2025" not in content["closing"]
