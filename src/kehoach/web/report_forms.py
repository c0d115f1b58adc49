"""The forms of the report pages, and what those pages show of a report (shared by the unit's
report page and the lead office's review page)."""

import re

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehoach.accounts import access
from kehoach.lib import forms as lib_forms
from kehoach.lib.numbers import format_number
from kehoach.lib.text import MAX_TEXT
from kehoach.plans import scope
from kehoach.plans.models import FundingSourceKind
from kehoach.registers.catalogue import by_key
from kehoach.registers.dated import records_of
from kehoach.registers.models import BudgetKind
from kehoach.reporting.assignment import carried_tasks
from kehoach.reporting.gate import rule_checks
from kehoach.reporting.models import (
    ReportingPeriod,
    TaskEntry,
    TaskStatus,
    UnitReport,
)
from kehoach.reporting.workflow import ENTRY_FIELDS, report_for
from kehoach.web.plans import plan_of_request
from kehoach.web.report_values import value_rows

TEXT_FIELDS = ("result", "difficulties", "proposals")
EXPLAIN = "explain-"  # an explanation's field on the report page: explain-<rule code>
FILE_KINDS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
}


class TextField(lib_forms.TextField):
    """Free text (``lib.forms.TextField``: the one cleaning and limit), in a text area."""

    widget = forms.Textarea


def entry_label(name: str) -> str:
    return capfirst(TaskEntry._meta.get_field(name).verbose_name)


class ReportForm(forms.Form):
    """The general assessment and, per carried task, status, results, difficulties, proposals.

    Field names are ``<task code>-<field>``. ``version`` is the report version the form was
    made from (optimistic locking). A status may stay empty while drafting, not to submit.
    """

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    general_assessment = TextField(
        label=gettext_lazy("General assessment"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, tasks, entries: dict, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        self.existing = entries  # task pk → TaskEntry
        self.submitting = submitting
        self.current: dict[str, str] = {}  # field name → value saved by someone else (conflict)
        status_choices = [("", _("— choose —")), *TaskStatus.choices]
        for task in tasks:
            entry = entries.get(task.pk)
            self.fields[f"{task.code}-status"] = forms.ChoiceField(
                label=entry_label("status"),
                choices=status_choices,
                required=False,
                initial=entry.status if entry else "",
            )
            for name in TEXT_FIELDS:
                self.fields[f"{task.code}-{name}"] = TextField(
                    label=entry_label(name),
                    required=False,
                    max_length=MAX_TEXT,
                    initial=getattr(entry, name) if entry else "",
                    widget=forms.Textarea(attrs={"rows": 4 if name == "result" else 3}),
                )

    def clean(self):
        data = super().clean()
        if self.submitting:
            missing = [t.code for t in self.tasks if not data.get(f"{t.code}-status")]
            for code in missing:
                self.add_error(f"{code}-status", _("Choose a status before submitting."))
        return data

    def rows(self):
        """Per task: the task and its fields, each with the value saved meanwhile (if any)."""
        for task in self.tasks:
            fields = []
            for name in ENTRY_FIELDS:
                key = f"{task.code}-{name}"
                fields.append((name, self[key], self.current.get(key)))
            yield task, fields

    def entries(self) -> dict[str, dict]:
        """What to save: every task with something in it (or saved before); an empty status
        leaves the saved one as it is."""
        found = {}
        known = {t.pk for t in self.tasks if t.pk in self.existing}
        for task in self.tasks:
            values = {name: self.cleaned_data[f"{task.code}-{name}"] for name in TEXT_FIELDS}
            status = self.cleaned_data[f"{task.code}-status"]
            if status:
                values["status"] = status
            if status or any(values.values()) or task.pk in known:
                found[task.code] = values
        return found

    def show_current(self, report: UnitReport) -> None:
        """After a conflict: keep the typed text, note what is saved now, and offer to save
        over it (the form now carries the current version)."""
        saved = {e.task_id: e for e in report.entries.all()}
        typed = self.cleaned_data
        if typed.get("general_assessment", "") != report.general_assessment:
            self.current["general_assessment"] = report.general_assessment or "—"
        for task in self.tasks:
            entry = saved.get(task.pk)
            for name in ENTRY_FIELDS:
                key = f"{task.code}-{name}"
                now = getattr(entry, name) if entry else ""
                if typed.get(key, "") != now:
                    if name == "status":
                        now = TaskStatus(now).label if now else ""
                    self.current[key] = now or "—"


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Evidence file"))


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in Excel form (.xlsx)"))
    submit = forms.BooleanField(required=False)  # and submit it, all or nothing


class ReturnForm(forms.Form):
    reason = TextField(
        label=gettext_lazy("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Say why the report is returned.")},
    )


# ---------------------------------------------------------------- loading and showing


def plan_and_period(request, year: int):
    """The request's plan (``web.plans``) and its period of ``year``; 404 outside the plan's
    years."""
    plan = plan_of_request(request)
    if year not in plan.years():
        raise Http404
    return plan, ReportingPeriod.open(plan, year)


def load_report(request, code: str, year: int, action: str = "view"):
    """(plan, period, unit, report) for a page, through the access rule.

    The unit's own editors get the report (created empty on first use); anybody else only an
    existing one they may read (drafts are private to their unit: 404).
    """
    user = request.user
    plan, period = plan_and_period(request, year)
    unit = access.unit_or_404(user, code, access.VIEW)
    if access.can(user, access.EDIT_REPORT, unit):
        report = report_for(period, unit)
    else:
        report = UnitReport.objects.filter(period=period, org_unit=unit).first()
        if report is None:
            raise Http404
    access.report_or_404(user, report, action)
    return plan, period, unit, report


def register_label(name: str) -> str:
    return by_key(name).title


# A budget line as the report's records name it (kehoach.registers.dated.records_of), and as
# each submitted version keeps it: "science_technology/central: 25000000".
BUDGET_REF = re.compile(r"^(?P<kind>[a-z_]+)/(?P<source>[a-z_]+|-): (?P<amount>\d+)$")


def budget_text(ref: str) -> str:
    """A budget line's ref as people read it: "Chi cho khoa học và công nghệ · Ngân sách
    trung ương: 25.000.000 đồng" (the registers' kinds and the plans' funding sources by
    their labels, the amount grouped); a ref of another shape is shown as it is."""
    found = BUDGET_REF.match(ref)
    if found is None:
        return ref
    kind, source = found["kind"], found["source"]
    what = str(BudgetKind(kind).label) if kind in BudgetKind.values else kind
    if source in FundingSourceKind.values:
        what = f"{what} · {FundingSourceKind(source).label}"
    elif source != "-":
        what = f"{what} · {source}"
    amount = _("%(amount)s VND") % {"amount": format_number(int(found["amount"]))}
    return f"{what}: {amount}"


def report_context(report: UnitReport, plan) -> dict:
    """What every page showing a report needs: its period, entries, evidence and history."""
    period = report.period
    tasks = carried_tasks(plan, report.org_unit)
    entries = {e.task_id: e for e in report.entries.select_related("task")}
    listed = {t.pk for t in tasks}
    extra = [e.task for e in entries.values() if e.task_id not in listed]  # no longer carried
    rows = [(task, entries.get(task.pk)) for task in [*tasks, *extra]]
    records = [
        (register_label(name), [budget_text(ref) for ref in refs] if name == "budget" else refs)
        for name, refs in records_of(report.org_unit, period.year).items()
    ]
    versions = list(report.versions.select_related("submitted_by").order_by("number"))
    files = list(report.attachments.order_by("uploaded_at", "pk"))
    for file in files:
        file.kind = FILE_KINDS.get(file.content_type, file.content_type)
    return {
        "report": report,
        "period": period,
        "unit": report.org_unit,
        "lead_name": scope.lead_name_in(plan, period.year) or _("the lead office"),
        "unit_ended": report.org_unit.valid_to is not None
        and report.org_unit.valid_to < timezone.localdate(),
        "tasks": tasks,
        "rows": rows,
        "attachments": files,
        "records": records,
        "transitions": report.transitions.select_related("by").order_by("at", "pk"),
        "versions": versions,
        "entry_labels": {name: entry_label(name) for name in ENTRY_FIELDS},
        "value_rows": value_rows(plan, report.org_unit, period.year),
        "rule_checks": rule_checks(report),
    }


def explanations_posted(post) -> dict[str, str]:
    """The explanations of warning rules typed on the report page: rule code → text."""
    return {
        name.removeprefix(EXPLAIN): post.get(name, "")
        for name in post
        if name.startswith(EXPLAIN) and len(name) > len(EXPLAIN)
    }


def missing_statuses(report: UnitReport, plan) -> bool:
    """Whether a task the unit carries has no status yet (a report is submitted with all)."""
    chosen = set(report.entries.exclude(status="").values_list("task_id", flat=True))
    return any(task.pk not in chosen for task in carried_tasks(plan, report.org_unit))
