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
    change and its audit entry are kept together or not at all. Reads stay outside
    transactions (on SQLite a write transaction would serialise them)."""

    WRITES = {"POST", "PUT", "PATCH", "DELETE"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.WRITES:
            return self.get_response(request)
        from django.db import transaction

        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response
