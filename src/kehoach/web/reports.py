"""Pages: reports (being built)."""

from django.http import Http404
from django.urls import path


def _todo(request, **kwargs):
    raise Http404


urlpatterns = [
    path("report/", _todo, name="my_report"),
    path("review/", _todo, name="review"),
]
