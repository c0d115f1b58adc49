from django.conf import settings
from django.utils import translation


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose another language (the language cookie).

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to
    a commune clerk whose browser happens to be in English; the product speaks Vietnamese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class AtomicWritesMiddleware:
    """Every request that may write (POST, PUT, PATCH, DELETE) runs in one transaction, so a
    change and its audit entry are kept together or not at all, and its audit entries are
    appended together when the view is done (``trail.holding``: one append per request).
    Reads stay outside transactions (on SQLite a write transaction would serialise them)."""

    WRITES = {"POST", "PUT", "PATCH", "DELETE"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.WRITES:
            return self.get_response(request)
        from django.db import transaction

        from kehoach.audit import trail

        with transaction.atomic():
            with trail.holding():
                response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response


class RefuseUnstorableTextMiddleware:
    """A request whose address, query string or form (field names, values, file names) holds
    a character no database text column can keep (NUL, a lone surrogate; ``lib.text.storable``)
    is answered 400 with a message naming where (``RefusedInput``: JSON under /api/, the 400
    page elsewhere) before any view runs. On PostgreSQL such text would otherwise reach a query
    and fail there (a 500). JSON bodies are checked where they are parsed
    (``kehoach.api.parsers.JSONParser``)."""

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.translation import gettext as _

        from kehoach.lib.problems import RefusedInput
        from kehoach.lib.text import shown_safely, storable

        if not storable(request.path_info):
            raise RefusedInput(_("The address holds a character the system cannot store."))
        fields = list(request.GET.lists())
        if request.method == "POST" and request.content_type in self.FORMS:
            fields += request.POST.lists()
            fields += [
                (name, [f.name or "" for f in files]) for name, files in request.FILES.lists()
            ]
        for name, values in fields:
            if not storable(name) or not all(storable(value) for value in values):
                raise RefusedInput(
                    _("The field “%(field)s” holds a character the system cannot store.")
                    % {"field": shown_safely(name)}
                )
        return self.get_response(request)


# The templates whose inline <style> blocks the policy allows by their hash: the error pages'
# (they need no static files), the admin's change list and the API docs page.
STYLED_TEMPLATES = (
    "errors/plain.html",
    "admin/change_list.html",
    "drf_spectacular/swagger_ui.html",
)


def inline_style_hashes(template_names=STYLED_TEMPLATES) -> list[str]:
    """CSP sources ``'sha256-…'`` for the ``<style>`` blocks of these templates, read from
    their sources (a block holding template syntax is left out: it renders differently)."""
    import base64
    import hashlib
    import re

    from django.template import TemplateDoesNotExist, loader

    found = []
    for name in template_names:
        try:
            source = loader.get_template(name).template.source
        except TemplateDoesNotExist:
            continue
        for block in re.findall(r"<style>(.*?)</style>", source, flags=re.S):
            if "{%" in block or "{{" in block or "{#" in block:
                continue
            digest = hashlib.sha256(block.encode()).digest()
            found.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return found


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every answer: scripts only from our own files (no inline
    script, no eval), nothing in frames, no plugins, forms posted only to us. Inline styles
    only where a template needs one (``inline_style_hashes``). The site has no script of its
    own; the admin's and the API docs' come from static files."""

    def __init__(self, get_response):
        self.get_response = get_response
        styles = " ".join(["'self'", *inline_style_hashes()])
        self.policy = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                f"style-src {styles}",
                "img-src 'self' data:",
                "object-src 'none'",
                "base-uri 'self'",
                "frame-ancestors 'none'",
                "form-action 'self'",
            ]
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
