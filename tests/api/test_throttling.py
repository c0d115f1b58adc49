"""Rate limits: 429 with Retry-After past the limit; writes have their own, stricter scope."""

import pytest


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "6/min", "write": "2/min"},
    }


def test_it_limits_each_users_requests(world, low_rates):
    client = world.client("x01")
    codes = [client.get("/api/org-units/").status_code for _ in range(7)]
    assert codes == [200] * 6 + [429]
    throttled = client.get("/api/org-units/")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert "detail" in throttled.json()
    assert world.client("x02").get("/api/org-units/").status_code == 200  # per user


def test_it_limits_writes_more_strictly(world, low_rates):
    client = world.client("ktht")
    url = "/api/registers/trainings/"
    body = {"org_unit": "X01", "title": "Lớp", "held_on": "2025-01-02"}
    codes = [client.post(url, {**body, "id": f"T{n}"}, format="json").status_code for n in range(3)]
    assert codes == [201, 201, 429]
    assert client.get(url).status_code == 200  # reading is still allowed


def test_it_limits_anonymous_callers(db, client, low_rates):
    codes = [client.get("/api/schema/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
