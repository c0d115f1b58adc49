from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "kehoach.followup"
    verbose_name = _("Task follow-up")
