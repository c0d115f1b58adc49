"""A second plan (tests/data/plan-yt-2025.yaml, owned by the cast's district) next to the
default one, and a third whose values only districts report."""

import copy
from pathlib import Path

from kehoach.plans.planfile import load_plan, read_plan_file

PLAN_FILE = Path(__file__).parents[1] / "data" / "plan-yt-2025.yaml"


def load_second_plan(cast):
    plan = load_plan(read_plan_file(PLAN_FILE), str(PLAN_FILE))
    plan.owner = cast.units["H"]
    plan.save()
    return plan


def load_district_plan(cast):
    """BH-2025: every data element reported by districts only."""
    data = copy.deepcopy(read_plan_file(PLAN_FILE))
    data["code"] = "BH-2025"
    for element in data["data_elements"]:
        element["reported_by"] = ["district"]
    plan = load_plan(data, "BH-2025")
    plan.owner = cast.units["H"]
    plan.save()
    return plan
