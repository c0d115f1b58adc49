"""Rate limits: anonymous callers, authenticated users, and a stricter scope for writes.

The rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on every request (DRF's
own classes read them once, at import), so a changed setting takes effect at once. Counts are
kept in the default cache: per process with LocMem; several servers need a shared cache.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _RatesFromSettings:
    scope: str

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    """Anonymous callers, by address (60/min)."""


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    """Every request of an authenticated user (600/min)."""


class WriteThrottle(_RatesFromSettings, UserRateThrottle):
    """Writes only (POST, PUT, PATCH, DELETE) of a user or address (120/min)."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
