"""Vietnamese names for the third-party apps that bring none of their own.

The admin shows every app's name as a heading ("AXES", "SIMPLE_HISTORY" otherwise). These
configurations differ from the apps' own only by a translatable ``verbose_name``; settings'
INSTALLED_APPS names them. Apps whose name is already a gettext string (Django's sessions and
messages, DRF's authtoken "Auth Token") and their models are translated in locale/vi.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from drf_spectacular.apps import SpectacularConfig
from drf_spectacular_sidecar.apps import SpectacularSidecarConfig
from rest_framework.apps import RestFrameworkConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection")


class SimpleHistoryConfig(AppConfig):
    name = "simple_history"
    verbose_name = _("Change history")


class WhiteNoiseRunserverConfig(AppConfig):
    name = "whitenoise.runserver_nostatic"
    verbose_name = _("Static files in development")


class RestFramework(RestFrameworkConfig):
    verbose_name = _("REST API")


class Spectacular(SpectacularConfig):
    verbose_name = _("API description (OpenAPI)")


class SpectacularSidecar(SpectacularSidecarConfig):
    verbose_name = _("API documentation pages")
