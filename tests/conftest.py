"""The standard cast for tests: the default plan loaded, and factories for the rest."""

import pytest

from kehoach.plans.planfile import load_default_plan


@pytest.fixture(autouse=True)
def _fast_and_self_contained(settings):
    """Tests hash passwords quickly and serve static files without a collectstatic run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def default_plan(db):
    return load_default_plan()
