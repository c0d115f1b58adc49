"""Report states: every group of states has one home (``ReportState``), and the rules that use
the groups agree with it: who reads a report, what is locked, what a file may still change."""

import json

import pytest

from kehoach.accounts import access
from kehoach.exchange.interchange import SCHEMA_PATH
from kehoach.reporting.models import ReportingPeriod
from kehoach.reporting.models import ReportState as S
from kehoach.reporting.workflow import (
    ALLOWED_MOVES,
    IllegalTransition,
    accept,
    check_arrival,
    reachable,
    report_for,
    return_report,
    save_draft,
    submit,
)

GROUPS = ("PRIVATE", "READABLE", "LOCKED", "OPEN", "COUNTED")
MEMBERSHIP = {
    S.NOT_STARTED: {"PRIVATE", "OPEN"},
    S.DRAFT: {"PRIVATE", "OPEN"},
    S.SUBMITTED: {"READABLE", "LOCKED", "COUNTED"},
    S.RETURNED: {"READABLE", "OPEN", "COUNTED"},
    S.ACCEPTED: {"READABLE", "LOCKED", "COUNTED"},
}


def _in_state(cast, state: S):
    """X01's 2025 report brought to ``state`` by the people who make those moves."""
    report = report_for(ReportingPeriod.open(cast.plan, 2025), cast.units["X01"])
    if state == S.NOT_STARTED:
        return report
    report = save_draft(report, expected_version=report.version, general_assessment="Nội dung")
    if state == S.DRAFT:
        return report
    report = submit(report, by=cast.users["x01.head"])
    if state == S.SUBMITTED:
        return report
    if state == S.ACCEPTED:
        return accept(report, by=cast.users["ktht"])
    return return_report(report, "Bổ sung số liệu", by=cast.users["ktht"])


def test_it_puts_every_state_in_exactly_its_groups():
    assert set(MEMBERSHIP) == set(S)
    for state, groups in MEMBERSHIP.items():
        assert {name for name in GROUPS if state in getattr(S, name)} == groups, state


def test_it_splits_the_states_two_ways():
    assert set(S) == S.PRIVATE | S.READABLE and not S.PRIVATE & S.READABLE
    assert set(S) == S.LOCKED | S.OPEN and not S.LOCKED & S.OPEN
    assert S.COUNTED == S.READABLE  # a consolidated report counts what others may read


def test_it_keeps_the_groups_out_of_the_choices():
    assert S.values == ["not_started", "draft", "submitted", "returned", "accepted"]
    assert all(isinstance(getattr(S, name), frozenset) for name in GROUPS)


def test_it_leaves_a_submission_to_come_exactly_in_the_open_states():
    """The unit's own moves (drafting, submitting) lead on to a submission only from an open
    state: those are the reports reminders chase and a successor inherits."""
    own = {(a, b) for a, b in ALLOWED_MOVES if b in (S.DRAFT, S.SUBMITTED)}
    for state in S:
        found, todo = set(), [state]
        while todo:
            here = todo.pop()
            for a, b in own:
                if a == here and b not in found:
                    found.add(b)
                    todo.append(b)
        assert (S.SUBMITTED in found) == (state in S.OPEN), state


@pytest.mark.parametrize("state", list(S))
def test_it_lets_others_read_only_the_readable_states(cast, state):
    report = _in_state(cast, state)
    assert access.can_read_report(cast.users["x01"], report)  # the unit's own clerk
    assert access.can_read_report(cast.users["lanhdao"], report) == (state in S.READABLE)
    assert not access.can_read_report(cast.users["x02"], report)  # does not see the unit


@pytest.mark.parametrize("state", list(S))
def test_it_locks_the_locked_states_only(cast, state):
    report = _in_state(cast, state)
    assert report.locked == (state in S.LOCKED)
    if state in S.LOCKED:
        with pytest.raises(IllegalTransition):
            save_draft(report, expected_version=report.version, general_assessment="Sửa")
    else:
        report = save_draft(report, expected_version=report.version, general_assessment="Sửa")
        assert (report.state, report.general_assessment) == (S.DRAFT, "Sửa")


def test_it_reaches_every_state_but_not_started_once_begun():
    assert reachable(S.NOT_STARTED) == set(S)
    for begun in (S.DRAFT, S.SUBMITTED, S.RETURNED):
        assert reachable(begun) == set(S) - {S.NOT_STARTED}
    assert reachable(S.ACCEPTED) == {S.ACCEPTED}  # final


@pytest.mark.parametrize("here", list(S))
@pytest.mark.parametrize("there", list(S))
def test_it_lets_a_file_bring_a_report_only_where_the_moves_reach(here, there):
    history = {"submitted": there in S.READABLE, "reason": "Bổ sung"}
    legal = here in S.OPEN and (there == here or there != S.NOT_STARTED)
    if legal:
        check_arrival(here, there, **history)
    else:
        with pytest.raises(IllegalTransition) as refused:
            check_arrival(here, there, **history)
        assert refused.value.field == "state"


def test_it_wants_from_a_file_the_history_the_moves_leave():
    for there in S.READABLE:
        with pytest.raises(IllegalTransition) as refused:
            check_arrival(S.NOT_STARTED, there, submitted=False, reason="Bổ sung")
        assert refused.value.field == "first_submitted_at"
    with pytest.raises(IllegalTransition) as refused:
        check_arrival(S.NOT_STARTED, S.NOT_STARTED, submitted=True)
    assert refused.value.field == "first_submitted_at"
    with pytest.raises(IllegalTransition) as refused:
        check_arrival(S.DRAFT, S.RETURNED, submitted=True, reason="  ")
    assert refused.value.field == "return_reason"
    # a draft may or may not have been submitted before (returned, then taken back)
    check_arrival(S.NOT_STARTED, S.DRAFT, submitted=False)
    check_arrival(S.RETURNED, S.DRAFT, submitted=True)


def test_it_publishes_the_same_states_in_the_file_format():
    """The interchange schema is a published contract, so it spells the states out; it
    must spell the same ones."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    state = schema["properties"]["reports"]["items"]["properties"]["state"]
    assert state["enum"] == S.values
