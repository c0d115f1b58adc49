"""`kehoach demo`: the fictional district, its users, idempotent."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from kehoach.accounts.models import Membership, Role
from kehoach.orgunits.models import OrgUnit
from kehoach.plans.models import Plan


def test_it_builds_the_demo_district_and_prints_logins(db, capsys):
    call_command("demo", "--password", "thu-nghiem-123")
    out = capsys.readouterr().out
    assert "thu-nghiem-123" in out
    for username in ("admin", "lanhdao", "ktht", "x01", "tt01", "mttq"):
        assert f"  {username} " in out
    district = OrgUnit.objects.get(code="HSM")
    assert "Sông Mây" in district.name
    kinds = list(OrgUnit.objects.filter(parent=district).values_list("kind", flat=True))
    assert kinds.count("commune") >= 10 and kinds.count("township") >= 1
    assert OrgUnit.objects.filter(name="Phòng Kinh tế và Hạ tầng").exists()
    # the 2025 story (tests/demo/test_demo_story.py): the district was abolished on 30/6/2025
    # and its plan passed to the city's Sở Khoa học và Công nghệ
    assert district.valid_to is not None
    assert Plan.objects.get().owner == OrgUnit.objects.get(code="SKHCN") == district.successor


def test_it_gives_every_unit_a_clerk_named_after_its_code(db):
    call_command("demo", "--password", "pw-12345678")
    users = get_user_model().objects
    for unit in OrgUnit.objects.all():
        user = users.get(username=unit.code.lower())
        assert Membership.objects.filter(user=user, org_unit=unit).exists()
        assert user.check_password("pw-12345678")
    assert Membership.objects.filter(user__username="ktht", role=Role.LEAD_OFFICE).exists()
    assert Membership.objects.filter(user__username="lanhdao", role=Role.LEADERSHIP).exists()
    assert users.get(username="admin").is_superuser


def test_it_is_idempotent(db):
    call_command("demo", "--password", "pw-12345678")
    counts = (OrgUnit.objects.count(), get_user_model().objects.count(), Membership.objects.count())
    call_command("demo", "--password", "other-password")
    assert counts == (
        OrgUnit.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )
    assert get_user_model().objects.get(username="x01").check_password("other-password")
