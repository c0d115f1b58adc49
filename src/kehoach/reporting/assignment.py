"""Who carries which task: from the plan's wording to the owner's units, and back.

A plan names its units as text ("Phòng Kinh tế và Hạ tầng", "UBND các xã, thị trấn"). Under the
plan's owner, a name matches the unit whose name is it or starts with it ("Ủy ban MTTQ Việt Nam
huyện" matches "Ủy ban MTTQ Việt Nam huyện Sông Mây"); the collective "UBND các xã, thị trấn"
means every commune, ward and township. Each unit's implementation plan (UnitPlan) records the
tasks it carries; the expected reporters of a period are the units carrying tasks.
"""

import datetime

from django.db import transaction

from kehoach.lib.text import fold
from kehoach.orgunits.models import OrgUnit, OrgUnitKind

from .models import UnitPlan, UnitPlanTask

COMMUNE_KINDS = (OrgUnitKind.COMMUNE, OrgUnitKind.WARD, OrgUnitKind.TOWNSHIP)
COLLECTIVE_COMMUNES = ("ubnd cac xa, thi tran", "ubnd cac xa, phuong, thi tran", "ubnd cac xa")


def resolve(name: str, units: list[OrgUnit]) -> list[OrgUnit]:
    """The units a plan's wording names, among ``units``."""
    key = fold(name)
    if key in COLLECTIVE_COMMUNES:
        return [u for u in units if u.kind in COMMUNE_KINDS]
    exact = [u for u in units if fold(u.name) == key]
    return exact or [u for u in units if fold(u.name).startswith(key)]


@transaction.atomic
def assign_from_plan(plan, day: datetime.date | None = None) -> dict[str, list[str]]:
    """Give every unit under the owner a UnitPlan with the tasks the plan names it for.

    Idempotent; keeps tasks a unit added itself. Returns unit code → task codes added.
    """
    if plan.owner is None:
        return {}
    units = [plan.owner, *plan.owner.descendants(day)]
    added: dict[str, list[str]] = {}
    for task in plan.tasks.select_related("group"):
        for name in [task.lead, *task.coordinating]:
            for unit in resolve(name, units):
                unit_plan, _ = UnitPlan.objects.get_or_create(plan=plan, org_unit=unit)
                _, created = UnitPlanTask.objects.get_or_create(unit_plan=unit_plan, task=task)
                if created:
                    added.setdefault(unit.code, []).append(task.code)
    return added


def carried_tasks(plan, org_unit) -> list:
    """The plan's tasks the unit carries (its implementation plan), in plan order."""
    return [
        upt.task
        for upt in UnitPlanTask.objects.filter(unit_plan__plan=plan, unit_plan__org_unit=org_unit)
        .select_related("task__group")
        .order_by("task__group__order", "task__order")
    ]
