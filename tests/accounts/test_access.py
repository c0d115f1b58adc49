"""The one access rule: who sees which unit and who may do what there."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kehoach.accounts import access
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.workflow import report_for, save_draft, submit

ACTIONS = ["view", "edit_report", "submit_report", "review_report", "edit_registers"]

# role user → {unit: set of allowed actions}; a unit missing here is invisible (404). Nobody
# reviews their own unit's reports: the lead office's are the leadership's to review.
EXPECTED = {
    "x01": {"X01": {"view", "edit_report", "edit_registers"}},
    "x01.head": {"X01": {"view", "edit_report", "submit_report", "edit_registers"}},
    "ktht": {
        "X01": {"view", "review_report", "edit_registers"},
        "X02": {"view", "review_report", "edit_registers"},
        "KTHT": {"view", "edit_registers"},
        "H": {"view", "review_report", "edit_registers"},
    },
    "lanhdao": {"X01": {"view"}, "X02": {"view"}, "KTHT": {"view", "review_report"}, "H": {"view"}},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
@pytest.mark.parametrize("code", ["X01", "X02", "KTHT", "H"])
@pytest.mark.parametrize("action", ACTIONS)
def test_it_applies_the_matrix(cast, username, code, action):
    user, unit = cast.users[username], cast.units[code]
    allowed = EXPECTED[username].get(code)
    if allowed is None:
        with pytest.raises(Http404):
            access.check(user, action, unit)
    elif action in allowed:
        assert access.check(user, action, unit) == unit
    else:
        with pytest.raises(PermissionDenied):
            access.check(user, action, unit)


def test_it_hides_a_draft_from_everyone_outside_its_unit(cast):
    period = ReportingPeriod.open(cast.plan, 2025)
    report = report_for(period, cast.units["X01"])
    report = save_draft(report, expected_version=report.version, general_assessment="nháp")
    for outsider in ("x02", "ktht", "lanhdao", "tckh"):
        with pytest.raises(Http404):
            access.report_or_404(cast.users[outsider], report)
    assert access.report_or_404(cast.users["x01"], report) == report
    submit(report)
    report.refresh_from_db()
    assert access.report_or_404(cast.users["ktht"], report, "review_report") == report
    assert access.report_or_404(cast.users["lanhdao"], report) == report
    with pytest.raises(PermissionDenied):
        access.report_or_404(cast.users["lanhdao"], report, "review_report")
    with pytest.raises(Http404):
        access.report_or_404(cast.users["x02"], report)


def test_it_lists_visible_units(cast):
    codes = lambda name: set(access.visible_units(cast.users[name]).values_list("code", flat=True))  # noqa: E731
    assert codes("x01") == {"X01"}
    assert codes("ktht") == set(cast.units)
    assert codes("lanhdao") == set(cast.units)


def test_it_gives_nothing_to_a_user_without_membership(cast, django_user_model):
    stranger = django_user_model.objects.create_user("la", password="pw-12345678")
    assert not access.visible_units(stranger).exists()
    with pytest.raises(Http404):
        access.check(stranger, "view", cast.units["H"])
