from django.urls import include, path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("kehoach.web.dashboard")),
    path("", include("kehoach.web.reports")),
    path("", include("kehoach.web.rule_report")),
    path("", include("kehoach.web.registers")),
    path("", include("kehoach.web.documents")),
    path("", include("kehoach.web.plan_import")),
    path("", include("kehoach.web.tasks")),
    path("", include("kehoach.web.scorecard")),
    path("", include("kehoach.web.inbox")),
    path("", include("kehoach.web.explanations")),
    path("", include("kehoach.web.consolidated")),
]
