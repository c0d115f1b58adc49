"""/api/reports/: unit reports and their workflow (docs/reporting.md).

Reading follows the access rule for reports: a draft (or a report not started) belongs to its
unit alone and answers 404 to anyone else; a submitted, returned or accepted report is read by
whoever sees the unit. Saving needs ``edit_report``, submitting ``submit_report``, returning
and accepting ``review_report``. Every change goes through ``reporting.workflow``.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kehoach.accounts import access
from kehoach.metrics.engine import json_number
from kehoach.reporting import gate, workflow
from kehoach.reporting.models import ReportState, TaskEntry, Transition, UnitReport

from .. import permissions
from ..errors import Conflict, errors
from ..serializers import (
    AcceptSerializer,
    PlanParam,
    ReportDraftSerializer,
    ReportFilter,
    ReportSerializer,
    ReturnSerializer,
)
from .common import period_of, plan_of, query


def _with_content(reports):
    return reports.select_related("org_unit", "period__plan").prefetch_related(
        Prefetch("entries", queryset=TaskEntry.objects.select_related("task__group")),
        Prefetch("transitions", queryset=Transition.objects.select_related("by")),
    )


def _plain(detail) -> dict:
    """A gate problem's detail as JSON: numbers as numbers."""
    return {
        key: json_number(value) if isinstance(value, Decimal) else value
        for key, value in (detail or {}).items()
    }


class ReportList(generics.ListAPIView):
    serializer_class = ReportSerializer

    @extend_schema(
        summary="The reports you may read",
        description="Submitted, returned and accepted reports of the units you see; drafts "
        "only of your own unit.",
        parameters=[ReportFilter],
        responses={200: ReportSerializer(many=True), **errors(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        wanted = query(self.request, ReportFilter)
        reports = UnitReport.objects.filter(period__plan=plan_of(wanted.get("plan")))
        if "year" in wanted:
            reports = reports.filter(period__year=wanted["year"])
        if "state" in wanted:
            reports = reports.filter(state=wanted["state"])
        if "org_unit" in wanted:
            reports = reports.filter(org_unit__code=wanted["org_unit"])
        reports = permissions.readable_reports(self.request, reports)
        return _with_content(reports).order_by("-period__year", "org_unit__code")


UNIT = OpenApiParameter(
    "org_unit", OpenApiTypes.STR, OpenApiParameter.PATH, description="Unit code"
)
YEAR = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="Year")
ADDRESS = [UNIT, YEAR, PlanParam]


class ReportView(APIView):
    """One unit's report of one year."""

    def report(self, org_unit: str, year: int, action: str = "view") -> UnitReport:
        """The report, or an unsaved one not started yet; 404/403 by the access rule. Read
        with its tasks and moves only to be shown (``view``): a change reads the report again
        locked, and answers with it read afresh (``answer``)."""
        unit = permissions.unit_or_404(self.request, org_unit)
        plan = plan_of(query(self.request, PlanParam).get("plan"))
        period = period_of(plan, year)
        reports = UnitReport.objects.filter(period=period, org_unit=unit)
        if action == "view":
            reports = _with_content(reports)
        else:
            reports = reports.select_related("org_unit", "period__plan")
        found = reports.first()
        report = found or UnitReport(period=period, org_unit=unit, unit_name=unit.name)
        return permissions.report_or_404(self.request, report, action)

    def answer(self, report: UnitReport) -> Response:
        fresh = _with_content(UnitReport.objects.filter(pk=report.pk)).first()
        return Response(ReportSerializer(fresh or report).data)

    def move(self, report: UnitReport, to_state: str, do) -> Response:
        if report.pk is None:  # not started: nothing to submit, return or accept
            raise Conflict(
                _("A report cannot go from “%(from)s” to “%(to)s”.")
                % {"from": ReportState.NOT_STARTED.label, "to": ReportState(to_state).label}
            )
        try:
            do(report)
        except gate.SubmissionRefused as exc:  # the detail, and each problem on its own
            problems = [
                {"check": p.check, "code": p.code, "message": p.message, **_plain(p.detail)}
                for p in exc.problems
            ]
            # answered here: an APIException would turn the numbers into text
            body = {"detail": str(exc), "problems": problems}
            return Response(body, status=status.HTTP_409_CONFLICT)
        except workflow.IllegalTransition as exc:
            raise Conflict(str(exc)) from None
        return self.answer(report)


class ReportDetail(ReportView):
    @extend_schema(
        summary="One report",
        parameters=ADDRESS,
        responses={200: ReportSerializer, **errors(400, 404)},
    )
    def get(self, request, org_unit: str, year: int):
        return Response(ReportSerializer(self.report(org_unit, year)).data)

    @extend_schema(
        summary="Save the report's draft",
        description="Needs the `version` you loaded: if someone saved since, 409 with who and "
        "when, and nothing is saved; a version higher than the saved one was never issued "
        "(400). A submitted or accepted report is locked (409). Tasks "
        "and fields left out keep their saved values. A report not started or returned "
        "becomes a draft.",
        parameters=ADDRESS,
        request=ReportDraftSerializer,
        responses={200: ReportSerializer, **errors(400, 403, 404, 409)},
    )
    def put(self, request, org_unit: str, year: int):
        report = self.report(org_unit, year, access.EDIT_REPORT)
        tasks = set(report.period.plan.tasks.values_list("code", flat=True))
        body = ReportDraftSerializer(data=request.data, context={"task_codes": tasks})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if report.pk is None:
            report = workflow.report_for(report.period, report.org_unit)
        entries = {
            entry["task"]: {k: v for k, v in entry.items() if k != "task"}
            for entry in data.get("tasks", [])
        }
        explained = {e["rule"]: e["text"] for e in data.get("explanations", [])}
        rules = (
            set(report.period.plan.validation_rules.values_list("code", flat=True))
            if explained
            else set()
        )
        unknown = sorted(set(explained) - rules)
        if unknown:
            message = _("Unknown validation rule: %s") % ", ".join(unknown)
            raise ValidationError({"explanations": [message]})
        try:
            with transaction.atomic():
                workflow.save_draft(
                    report,
                    expected_version=data["version"],
                    by=request.user,
                    general_assessment=data.get("general_assessment"),
                    entries=entries or None,
                )
                gate.save_explanations(report, explained, by=request.user)
        except workflow.UnknownVersion as exc:  # a version never issued: the body is wrong
            raise ValidationError({"version": [str(exc)]}) from None
        except (workflow.Conflict, workflow.IllegalTransition) as exc:
            raise Conflict(str(exc)) from None
        return self.answer(report)


class ReportSubmit(ReportView):
    @extend_schema(
        summary="Submit the report (the unit's head)",
        description="Refused (409) while the unit's values break an `error` validation rule "
        "of the plan, or a `warning` rule not explained yet (`explanations` when saving): "
        '`{"detail": "...", "problems": [{"check": "validation_rule", "code": "R1", '
        '"message": "...", "severity": "error", "name": "...", "left": 120, "right": 100}]}`.',
        parameters=ADDRESS,
        request=None,
        responses={200: ReportSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, org_unit: str, year: int):
        report = self.report(org_unit, year, access.SUBMIT_REPORT)
        return self.move(
            report, ReportState.SUBMITTED, lambda r: workflow.submit(r, by=request.user)
        )


class ReportReturn(ReportView):
    @extend_schema(
        summary="Return the report with a reason (the lead office)",
        parameters=ADDRESS,
        request=ReturnSerializer,
        responses={200: ReportSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, org_unit: str, year: int):
        report = self.report(org_unit, year, access.REVIEW_REPORT)
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["reason"]
        return self.move(
            report,
            ReportState.RETURNED,
            lambda r: workflow.return_report(r, reason, by=request.user),
        )


class ReportAccept(ReportView):
    @extend_schema(
        summary="Accept the report (the lead office)",
        parameters=ADDRESS,
        request=AcceptSerializer,
        responses={200: ReportSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request, org_unit: str, year: int):
        report = self.report(org_unit, year, access.REVIEW_REPORT)
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = body.validated_data.get("comment", "")
        return self.move(
            report,
            ReportState.ACCEPTED,
            lambda r: workflow.accept(r, comment=comment, by=request.user),
        )
