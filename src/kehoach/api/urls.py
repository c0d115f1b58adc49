"""/api/: the REST API's routes (docs/api.md), its OpenAPI schema and its docs page."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from .views import explanations, indicators, plans, registers, reports, units, values

app_name = "api"

router = SimpleRouter()
router.register("org-units", units.OrgUnitViewSet, basename="org-unit")
router.register("plans", plans.PlanViewSet, basename="plan")
for kind, viewset in registers.VIEWSETS.items():
    router.register(f"registers/{kind}", viewset, basename=f"register-{kind}")

REPORT = "reports/<str:org_unit>/<int:year>/"

urlpatterns = [
    *router.urls,
    path("reports/", reports.ReportList.as_view(), name="reports"),
    path(REPORT, reports.ReportDetail.as_view(), name="report"),
    path(f"{REPORT}submit/", reports.ReportSubmit.as_view(), name="report-submit"),
    path(f"{REPORT}return/", reports.ReportReturn.as_view(), name="report-return"),
    path(f"{REPORT}accept/", reports.ReportAccept.as_view(), name="report-accept"),
    path(
        "explanations/<str:org_unit>/<int:year>/",
        explanations.Explanations.as_view(),
        name="explanations",
    ),
    path("indicators/", indicators.Indicators.as_view(), name="indicators"),
    path("values/", values.Values.as_view(), name="values"),
    path("reporting-status/", indicators.ReportingStatus.as_view(), name="reporting-status"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view loads its start-up script as a file (?script): no inline script for CSP
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
