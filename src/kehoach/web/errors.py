"""The answers to errors raised outside a view's own handling (the URL resolver's 404, a
``BadRequest`` from a middleware, a crash): JSON ``{"detail": "message"}`` under /api/, as every
API answer is (``kehoach.api.errors``), the site's error pages elsewhere (templates 400.html,
403.html, 404.html, 500.html). Set as ``handler400`` … ``handler500`` in ``kehoach.urls``.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions

from kehoach.lib.problems import RefusedInput

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400; a ``RefusedInput``'s message is shown (it was written for the user), any other
    bad request's is not (it may be Django's own, in English, naming internals)."""
    message = exception.message if isinstance(exception, RefusedInput) else ""
    if is_api(request):
        return _json(message or exceptions.ParseError.default_detail, 400)
    # plain.html needs no request (the 400 may come before the user is known)
    body = loader.get_template("400.html").render({"message": message})
    return HttpResponse(body, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json(exceptions.PermissionDenied.default_detail, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json(exceptions.NotFound.default_detail, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return _json(_("Something went wrong on the server. What you just did was not saved."), 500)
    return defaults.server_error(request)
