"""push_dhis2 and pull_dhis2 against a stand-in DHIS2 that answers as DHIS2 does (issue 18)."""

import io

import pytest
from django.core.management import CommandError, call_command

from kehoach.orgunits.models import OrgUnit
from kehoach.reporting.models import DataValue

from .dhis2_standin import StandIn, serve
from .test_dhis2_export import plan  # noqa: F401  (the fixture)

TOKEN = "d2pat_standin0000000000000000000000000000"


@pytest.fixture
def dhis2():
    standin = StandIn(TOKEN)
    server, url = serve(standin)
    standin.url = url
    yield standin
    server.shutdown()


def _push(dhis2, token=TOKEN):
    out = io.StringIO()
    call_command("push_dhis2", "--url", dhis2.url, "--token", token, "--year", "2025",
                 "--plan", "YT-2025", stdout=out)  # fmt: skip
    return out.getvalue()


def test_it_sends_the_metadata_then_the_values_and_is_safe_to_repeat(plan, dhis2):  # noqa: F811
    out = _push(dhis2)
    assert [r for r in dhis2.requests] == [
        ("POST", "/api/metadata"),
        ("POST", "/api/dataValueSets"),
    ]
    assert "dataValueSets: SUCCESS" in out and "imported 9" in out
    assert dhis2.values[("SO_CA", "2025Q1", "XA")] == "0"  # zero-significant, so kept
    assert dhis2.values[("CO_TRAM", "2025", "T")] == "false"
    again = _push(dhis2)
    assert "ignored 9" in again and "imported 0" in again


def test_it_shows_dhis2s_conflicts_and_fails(plan, dhis2):  # noqa: F811
    _push(dhis2)
    dhis2.units["XA"]["openingDate"] = "2025-04-01"  # DHIS2's XA opened later than ours
    dhis2.data_sets["YT-2025_QUARTERLY"]["dataSetElements"] = []  # and SO_CA in no data set
    dhis2.values.clear()
    dhis2.metadata = lambda package: (200, {"status": "OK", "response": {"status": "OK"}})
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("push_dhis2", "--url", dhis2.url, "--token", TOKEN, "--year", "2025",
                     "--plan", "YT-2025", stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "E8031" in text and "E8003" in text


def test_it_pulls_a_years_values_back_into_the_plan(plan, dhis2):  # noqa: F811
    _push(dhis2)

    def stored():
        rows = DataValue.objects.select_related("element", "org_unit")
        return {(v.element.code, v.org_unit.code, v.period): v.value for v in rows}

    # what DHIS2 holds: the Sở's count and XB's quarter before it opened under T; the yes/no
    # of both, which cannot be added to T's own, not at all
    before = {k: v for k, v in stored().items() if k[1] not in ("SYT", "XB") or k[2] == "2025Q3"}
    before |= {("TRE5", "T", "2025"): 7, ("SO_CA", "T", "2025Q2"): 3}
    DataValue.objects.all().delete()
    out = io.StringIO()
    for data_set in ("YT-2025_YEARLY", "YT-2025_QUARTERLY"):
        args = ["--url", dhis2.url, "--token", TOKEN, "--year", "2025", "--data-set", data_set]
        call_command("pull_dhis2", *args, "--org-unit", "T", "--plan", "YT-2025", stdout=out)
    after = stored()
    assert after == before
    assert len(after) == 9


def test_a_wrong_token_or_address_is_said_plainly(plan, dhis2):  # noqa: F811
    with pytest.raises(CommandError, match="401"):
        _push(dhis2, token="wrong")
    with pytest.raises(CommandError, match="http"):
        call_command("push_dhis2", "--url", "ftp://x", "--token", TOKEN, "--year", "2025",
                     "--plan", "YT-2025", stdout=io.StringIO())  # fmt: skip
    OrgUnit.objects.count()  # the database is still there
