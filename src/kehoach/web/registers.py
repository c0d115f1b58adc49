"""Pages: registers (being built)."""

from django.http import Http404
from django.urls import path


def _todo(request, **kwargs):
    raise Http404


urlpatterns = [
    path("registers/", _todo, name="registers"),
]
