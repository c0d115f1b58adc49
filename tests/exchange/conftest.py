"""A complete interchange file (every list, every field), and helpers to use it."""

import copy
import json

import pytest
from django.utils import translation

from kehoach.orgunits.models import EventUnit, OrgUnit, OrgUnitName, ReorganisationEvent
from kehoach.plans.models import Plan, PlanTenure
from kehoach.registers.models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)
from kehoach.reporting.models import (
    DataValue,
    ReportingPeriod,
    ReportVersion,
    TaskEntry,
    Transition,
    UnitReport,
)

RECORD_MODELS = [DataValue, EventUnit, OrgUnitName, ReorganisationEvent]
RECORD_MODELS += [ReportVersion, Transition, TaskEntry, UnitReport, ReportingPeriod]
RECORD_MODELS += [BudgetLine, IPTitle, Startup, KeyProduct, STProject, QualityInspection]
RECORD_MODELS += [Training, Initiative]

# Canonical form, as export_data writes it: every field, lists in key order.
FULL = {
    "format": "kehoach-data/1",
    "plans": [{"code": "KHCN-2021-2030", "owner": "H"}],
    "org_units": [
        {
            "code": "H",
            "name": "UBND huyện Mẫu",
            "short_name": "Huyện Mẫu",
            "kind": "district",
            "parent": None,
            "valid_from": "2020-01-01",
            "valid_to": "2025-06-30",
            "successor": None,
            "email": "ubnd@mau.gov.vn",
            "admin_code": "",
        },
        {
            "code": "KTHT",
            "name": "Phòng Kinh tế và Hạ tầng",
            "short_name": "",
            "kind": "department",
            "parent": "H",
            "valid_from": None,
            "valid_to": None,
            "successor": None,
            "email": "",
            "admin_code": "",
        },
        {
            "code": "X01",
            "name": "UBND xã A",
            "short_name": "Xã A",
            "kind": "commune",
            "parent": "H",
            "valid_from": "2020-01-01",
            "valid_to": "2025-06-30",
            "successor": "X03",
            "email": "",
            "admin_code": "",
        },
        {
            "code": "X02",
            "name": "UBND xã B",
            "short_name": "",
            "kind": "commune",
            "parent": "H",
            "valid_from": None,
            "valid_to": "2025-06-30",
            "successor": "X03",
            "email": "",
            "admin_code": "",
        },
        {
            "code": "X03",
            "name": "UBND xã Mới",
            "short_name": "",
            "kind": "commune",
            "parent": None,
            "valid_from": "2025-07-01",
            "valid_to": None,
            "successor": None,
            "email": "xamoi@mau.gov.vn",
            "admin_code": "19999",
        },
    ],
    "events": [
        {
            "id": "E-2025-X03",
            "kind": "merge",
            "date": "2025-07-01",
            "legal_basis": {
                "doc_type": "Nghị quyết",
                "number": "1680/NQ-UBTVQH15",
                "issued_on": "2025-06-16",
                "issuer": "Ủy ban Thường vụ Quốc hội",
            },
            "from": ["X01", "X02"],
            "to": ["X03"],
            "main": None,
            "new_name": "",
            "new_parent": None,
            "plan_successor": None,
            "name_before": "",
            "moved": [],
            "note": "Sáp nhập xã A và xã B thành xã Mới",
            "applied": True,
        }
    ],
    "budget": [
        {
            "org_unit": "H",
            "year": 2025,
            "kind": "science_technology",
            "source": "local",
            "amount": 300000000,
            "note": "Dự toán",
        },
        {
            "org_unit": "H",
            "year": 2025,
            "kind": "total",
            "source": "",
            "amount": 500000000000,
            "note": "",
        },
        {
            "org_unit": "X01",
            "year": 2024,
            "kind": "science_technology",
            "source": "central",
            "amount": 0,
            "note": "",
        },
    ],
    "startups": [
        {
            "id": "S1",
            "org_unit": "X01",
            "name": "Ứng dụng truy xuất nguồn gốc",
            "kind": "idea",
            "founder": "Nguyễn Văn A",
            "supported_on": "2023-03-01",
            "support": "Vốn mồi",
            "support_amount": 50000000,
            "note": "Cuộc thi khởi nghiệp",
        },
        {
            "id": "S2",
            "org_unit": "X02",
            "name": "Trà thảo mộc",
            "kind": "project",
            "founder": "",
            "supported_on": None,
            "support": "",
            "support_amount": None,
            "note": "",
        },
    ],
    "key_products": [
        {
            "id": "K1",
            "org_unit": "X01",
            "name": "Mè đen",
            "kind": "key",
            "ocop_stars": 4,
            "recognised_on": "2022-01-01",
            "ended_on": None,
            "value_chain_since": "2024-05-01",
            "note": "OCOP 4 sao",
        },
        {
            "id": "K2",
            "org_unit": "X02",
            "name": "Nước mắm",
            "kind": "specialty",
            "ocop_stars": None,
            "recognised_on": None,
            "ended_on": "2024-12-31",
            "value_chain_since": None,
            "note": "",
        },
    ],
    "ip_titles": [
        {
            "id": "IP1",
            "org_unit": "X01",
            "kind": "collective_mark",
            "name": "Mè đen Mẫu",
            "number": "4-0123456-000",
            "holder": "Hợp tác xã A",
            "product": "K1",
            "filed_on": "2021-04-01",
            "granted_on": "2022-08-01",
            "expires_on": "2032-04-01",
            "note": "",
        },
        {
            "id": "IP2",
            "org_unit": "X02",
            "kind": "patent",
            "name": "",
            "number": "",
            "holder": "",
            "product": None,
            "filed_on": "2023-01-01",
            "granted_on": None,
            "expires_on": None,
            "note": "Đang thẩm định",
        },
    ],
    "st_projects": [
        {
            "id": "P1",
            "org_unit": "X01",
            "name": "Nhà màng trồng dưa lưới",
            "year": 2024,
            "field": "nông nghiệp",
            "implementer": "HTX A",
            "amount": 750000000,
            "source": "local",
            "note": "",
        },
        {
            "id": "P2",
            "org_unit": "KTHT",
            "name": "Chuyển đổi số",
            "year": 2025,
            "field": "",
            "implementer": "",
            "amount": None,
            "source": "",
            "note": "",
        },
    ],
    "quality_inspections": [
        {
            "id": "Q1",
            "org_unit": "KTHT",
            "inspected_on": "2024-06-01",
            "subject": "Xăng dầu",
            "partner": "Quản lý thị trường",
            "facilities": 12,
            "violations": 1,
            "note": "",
        }
    ],
    "trainings": [
        {
            "id": "T1",
            "org_unit": "X01",
            "title": "Tập huấn VietGAP",
            "held_on": "2024-03-15",
            "organiser": "KTHT",
            "participants": 40,
            "note": "",
        }
    ],
    "initiatives": [
        {
            "id": "I1",
            "org_unit": "KTHT",
            "title": "Một cửa điện tử",
            "year": 2024,
            "authors": "Trần B; Lê C",
            "recognised_by": "UBND huyện",
            "note": "",
        }
    ],
    "reports": [
        {
            "plan": "KHCN-2021-2030",
            "org_unit": "X01",
            "year": 2024,
            "state": "accepted",
            "submitted_at": "2024-11-20T09:15:00+07:00",
            "last_submitted_at": "2024-11-22T16:00:00+07:00",
            "unit_name": "UBND xã A (tên cũ)",
            "general_assessment": "Cơ bản hoàn thành kế hoạch năm.",
            "return_reason": "Bổ sung số liệu nhiệm vụ 1.1",
            "tasks": [
                {
                    "task": "1.1",
                    "status": "done",
                    "result": "Tuyên truyền 3 đợt",
                    "difficulties": "Kinh phí hạn chế",
                    "proposals": "",
                },
                {
                    "task": "4.2",
                    "status": "in_progress",
                    "result": "Hỗ trợ 1 ý tưởng khởi nghiệp",
                    "difficulties": "",
                    "proposals": "Tăng kinh phí hỗ trợ",
                },
            ],
        }
    ],
    "values": [],
}


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids); the product speaks Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture
def full():
    return copy.deepcopy(FULL)


@pytest.fixture
def write_file(tmp_path):
    """write_file(data, name="data.json") -> the path of a JSON file holding ``data``."""

    def write(data, name="data.json"):
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    return write


@pytest.fixture
def dump_db():
    """dump_db() -> everything the import may touch, with primary keys and timestamps:
    equal dumps mean nothing was written."""

    def dump() -> dict:
        models = [OrgUnit, Plan, PlanTenure, *RECORD_MODELS]
        return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}

    return dump


@pytest.fixture
def wipe():
    """wipe() -> an empty database but for the plans (the default plan stays loaded)."""

    def empty() -> None:
        for model in RECORD_MODELS:
            model.objects.all().delete()
        PlanTenure.objects.all().delete()
        Plan.objects.update(owner=None)
        OrgUnit.objects.update(parent=None, successor=None)
        OrgUnit.objects.all().delete()

    return empty
