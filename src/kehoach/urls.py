from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

# The admin's own words, in the user's language (Django's are "Django administration").
admin.site.site_header = _("kehoach administration")
admin.site.site_title = _("kehoach administration")
admin.site.index_title = _("Data and accounts")


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever a page says: the site's icon, not a 404."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("kehoach.accounts.urls")),
    path("api/", include("kehoach.api.urls")),
    path("", include("kehoach.web.urls")),
]

# Errors raised outside a view's own handling: JSON under /api/, the site's pages elsewhere.
handler400 = "kehoach.web.errors.bad_request"
handler403 = "kehoach.web.errors.permission_denied"
handler404 = "kehoach.web.errors.page_not_found"
handler500 = "kehoach.web.errors.server_error"
