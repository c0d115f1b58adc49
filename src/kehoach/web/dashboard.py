"""Pages: dashboard (being built)."""

from django.http import Http404
from django.urls import path


def _todo(request, **kwargs):
    raise Http404


urlpatterns = [
    path("dashboard/", _todo, name="dashboard"),
    path("plan/", _todo, name="plan"),
]
