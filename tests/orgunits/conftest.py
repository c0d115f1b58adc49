import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids); the product speaks Vietnamese."""
    with translation.override("en"):
        yield
