from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("kehoach.accounts.urls")),
    path("api/", include("kehoach.api.urls")),
    path("", include("kehoach.web.urls")),
]
