"""Pages: a unit's yearly report — fill it in, save a draft, submit, attach evidence, compare
versions, and work offline with the Excel form. The lead office's review is in reviewing.py.

Every view asks the access rule (kehoach.accounts.access): a unit out of reach or another
unit's draft answers 404, a visible report one may not change answers 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kehoach.accounts import access
from kehoach.exchange import excel
from kehoach.lib.problems import InvalidFile, Problem
from kehoach.plans import scope
from kehoach.reporting import attachments as evidence
from kehoach.reporting import gate
from kehoach.reporting.models import TaskStatus, UnitReport
from kehoach.reporting.workflow import Conflict, IllegalTransition, compare, save_draft, submit

from . import report_values, reviewing
from .plans import plan_of_request, plan_query, plans_of_units
from .report_forms import (
    AttachmentForm,
    ReportForm,
    UploadForm,
    budget_text,
    entry_label,
    explanations_posted,
    load_report,
    missing_statuses,
    register_label,
    report_context,
)


def _url(report: UnitReport) -> str:
    url = reverse("web:report", args=[report.org_unit.code, report.period.year])
    return url + plan_query(report.period.plan)


@login_required
@require_GET
def my_report(request):
    """ "My unit's report": the home unit's report of the year asked (default: this year)."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    unit = access.home_unit(request.user)
    if unit is None:
        return render(request, "web/reports/no_unit.html", status=404)
    if not request.GET.get("plan"):
        plans = plans_of_units({unit.pk})
        if len(plans) > 1:  # the unit reports for several plans: which one?
            links = [
                (p, reverse("web:my_report") + f"?year={year}" + plan_query(p, "&")) for p in plans
            ]
            return render(request, "web/reports/choose_plan.html", {"unit": unit, "links": links})
    plan = plan_of_request(request)
    if unit.valid_to is not None and unit.valid_to < timezone.localdate():
        # the unit has ended: its last year, read-only, and who carries on
        last = UnitReport.objects.filter(org_unit=unit, period__year__lte=year)
        year = last.aggregate(last=Max("period__year"))["last"] or min(year, unit.valid_to.year)
    return redirect(reverse("web:report", args=[unit.code, year]) + plan_query(plan))


def _page(request, plan, report, *, form=None, status=200, typed=None, **extra):
    """Render the report page: the form when the user may edit it, read-only otherwise;
    ``typed``: the values' cells as typed (kept after a refusal)."""
    user = request.user
    context = report_context(report, plan)
    unit = report.org_unit
    if typed is not None:
        context["value_rows"] = report_values.value_rows(plan, unit, report.period.year, typed)
    editable = not report.locked and access.can(user, access.EDIT_REPORT, unit)
    if editable and form is None:
        form = ReportForm(
            tasks=context["tasks"],
            entries={e.task_id: e for e in report.entries.all()},
            initial={"version": report.version, "general_assessment": report.general_assessment},
        )
    context.update(
        editable=editable,
        form=form if editable else None,
        can_submit=editable and access.can(user, access.SUBMIT_REPORT, unit),
        attachment_form=AttachmentForm() if editable else None,
        upload_form=UploadForm() if editable else None,
        years=[y for y in plan.years() if y <= max(timezone.localdate().year, report.period.year)],
        ended_notice=access.ended_text(unit) if context["unit_ended"] else "",
        **extra,
    )
    return render(request, "web/reports/report.html", context, status=status)


def _lead(plan, year: int) -> str:
    """Who receives the units' reports of ``year``: the office that led the plan then."""
    return scope.lead_name_in(plan, year) or _("the lead office")


def _confirm_submit(request, plan, report: UnitReport):
    """Ask before submitting: the draft is saved; "Xác nhận" submits exactly that version.
    What the submission gate would refuse is said now, on the report page, instead."""
    problems = gate.submission_problems(report)
    if problems:
        return _refused(request, plan, report, problems)
    tasks = report_context(report, plan)["tasks"]
    done = report.entries.filter(task__in=tasks).exclude(status="").count()
    lead = _lead(plan, report.period.year)
    context = {
        "report": report,
        "unit": report.org_unit,
        "period": report.period,
        "heading": _("Submit the report?"),
        "question": _("Submit the %(year)s report of %(unit)s to %(lead)s?")
        % {
            "year": report.period.year,
            "unit": report.org_unit.name,
            "lead": _lead(plan, report.period.year),
        },
        "consequences": [
            _("Once submitted, the report is locked until %(lead)s returns it.") % {"lead": lead},
            _("Tasks with a status: %(done)s of %(total)s. Evidence files: %(files)s.")
            % {"done": done, "total": len(tasks), "files": report.attachments.count()},
            _("Your draft has been saved: going back loses nothing."),
        ],
        "fields": {"action": "submit", "saved": "1", "version": report.version},
        "confirm_label": _("Confirm and submit"),
        "back_url": _url(report),
    }
    return render(request, "web/reports/confirm.html", context)


def _submit_saved(request, plan, report: UnitReport):
    """The confirmed submit: the saved draft, if nobody changed it since the question."""
    current = UnitReport.objects.select_for_update().get(pk=report.pk)
    if current.locked:
        messages.error(request, _("This report has been submitted and can no longer be edited."))
        return redirect(_url(report))
    if str(current.version) != request.POST.get("version"):
        messages.error(
            request,
            _("The report changed after you were asked to confirm. Check it, then submit again."),
        )
        return redirect(_url(report))
    if missing_statuses(current, plan):
        messages.error(request, _("Choose a status before submitting."))
        return redirect(_url(report))
    try:
        submit(current, by=request.user)
    except gate.SubmissionRefused as exc:
        return _refused(request, plan, current, exc.problems)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
        return redirect(_url(report))
    messages.success(
        request,
        _("The report was submitted to %(lead)s.") % {"lead": _lead(plan, report.period.year)},
    )
    return redirect(_url(report))


def _refused(request, plan, report: UnitReport, problems: list[gate.GateProblem]):
    """The report page saying why the submission gate refused it (the draft is kept)."""
    report.refresh_from_db()
    messages.error(request, _("The report was not submitted: see the checks of the values."))
    return _page(request, plan, report, gate_problems=problems, status=409)


@login_required
def report_page(request, code: str, year: int):
    """The report: GET shows it; POST saves the draft ("save") or submits ("submit").

    Submitting asks first: a POST without ``confirm=1`` saves the draft and shows what will
    happen; the confirmation page posts ``confirm=1`` with the saved version (``saved=1``), and
    a form posted with ``confirm=1`` is saved and submitted at once.
    """
    plan, _period, _unit, report = load_report(request, code, year)
    if request.method != "POST":
        return _page(request, plan, report)
    submitting = request.POST.get("action") == "submit"
    confirmed = request.POST.get("confirm") == "1"
    report = access.report_or_404(
        request.user, report, access.SUBMIT_REPORT if submitting else access.EDIT_REPORT
    )
    if submitting and confirmed and request.POST.get("saved") == "1":
        return _submit_saved(request, plan, report)
    tasks = report_context(report, plan)["tasks"]
    entries = {e.task_id: e for e in report.entries.all()}
    form = ReportForm(request.POST, tasks=tasks, entries=entries, submitting=submitting)
    unit, year = report.org_unit, report.period.year
    typed = report_values.typed_values(request.POST, plan, unit, year)
    if report.locked:
        messages.error(request, _("This report has been submitted and can no longer be edited."))
        return _page(request, plan, report, unsaved=form, status=409)
    if not form.is_valid():
        messages.error(request, _("Please correct the marked fields; nothing was saved."))
        return _page(request, plan, report, form=form, typed=typed, status=400)
    try:
        with transaction.atomic():
            report = save_draft(
                report,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                general_assessment=form.cleaned_data["general_assessment"],
                entries=form.entries(),
            )
            report_values.store(plan, unit, year, typed)  # all or nothing, with the draft
            gate.save_explanations(report, explanations_posted(request.POST), by=request.user)
        if submitting and confirmed:  # the draft stays saved if the gate refuses
            report = submit(report, by=request.user)
    except gate.SubmissionRefused as exc:
        return _refused(request, plan, report, exc.problems)
    except report_values.Refused as exc:
        report.refresh_from_db()
        messages.error(request, _("Some values were refused; nothing was saved."))
        return _page(
            request, plan, report, form=form, typed=typed, value_problems=exc.messages, status=400
        )
    except Conflict as exc:
        report.refresh_from_db()
        if report.locked:  # someone submitted it meanwhile: keep the text to copy from
            return _page(request, plan, report, unsaved=form, conflict=str(exc), status=409)
        data = request.POST.copy()
        data["version"] = str(report.version)
        form = ReportForm(data, tasks=tasks, entries=entries, submitting=submitting)
        form.is_valid()
        form.show_current(report)
        return _page(request, plan, report, form=form, typed=typed, conflict=str(exc), status=409)
    except IllegalTransition as exc:
        report.refresh_from_db()
        messages.error(request, str(exc))
        return _page(request, plan, report, unsaved=form, status=409)
    if submitting and not confirmed:
        return _confirm_submit(request, plan, report)
    if submitting:
        messages.success(
            request,
            _("The report was submitted to %(lead)s.") % {"lead": _lead(plan, report.period.year)},
        )
    else:
        messages.success(request, _("Draft saved."))
    return redirect(_url(report))


@login_required
@require_POST
def attach_file(request, code: str, year: int):
    _plan, _period, _unit, report = load_report(request, code, year, access.EDIT_REPORT)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(_url(report))
    upload = form.cleaned_data["file"]
    if upload.size > evidence.MAX_BYTES:
        messages.error(
            request,
            _("%(name)s is %(size).1f MB; the limit is %(max)d MB.")
            % {
                "name": upload.name,
                "size": upload.size / 1_048_576,
                "max": evidence.MAX_BYTES // 1_048_576,
            },
        )
        return redirect(_url(report))
    try:
        attachment = evidence.attach(report, upload.name, upload.read(), by=request.user)
    except (evidence.RejectedFile, IllegalTransition) as exc:
        messages.error(request, f"{upload.name}: {exc}")
    else:
        messages.success(request, _("%(name)s attached.") % {"name": attachment.name})
    return redirect(_url(report) + "#evidence")


@login_required
@require_GET
def attachment_file(request, code: str, year: int, pk: int):
    _plan, _period, _unit, report = load_report(request, code, year)
    attachment = get_object_or_404(report.attachments, pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


def _where(key: str, task_texts: dict) -> str:
    """A readable name for a place in a report, as workflow.compare names it."""
    if key == "general_assessment":
        return capfirst(UnitReport._meta.get_field("general_assessment").verbose_name)
    if key == "attachments":
        return _("Attachments")
    if key.startswith("records."):
        name = key.split(".", 1)[1]
        try:
            return _("Records: %(register)s") % {"register": register_label(name)}
        except KeyError:
            return key
    task, _dot, name = key.rpartition(".")
    text = task_texts.get(task, "")
    label = entry_label(name) if name in ("status", "result", "difficulties", "proposals") else name
    return _("Task %(code)s%(text)s · %(field)s") % {
        "code": task,
        "text": f" ({text[:80]}…)" if len(text) > 80 else (f" ({text})" if text else ""),
        "field": label,
    }


def _shown(key: str, value: str) -> str:
    if key.endswith(".status") and value in TaskStatus.values:
        return TaskStatus(value).label
    if key == "records.budget" and value:
        return "; ".join(budget_text(ref) for ref in value.split(", "))
    return value


@login_required
@require_GET
def versions(request, code: str, year: int):
    plan, _period, _unit, report = load_report(request, code, year)
    found = {v.number: v for v in report.versions.select_related("submitted_by")}
    numbers = sorted(found)
    asked = {key: request.GET.get(key) for key in ("a", "b")}
    try:
        a = int(asked["a"]) if asked["a"] else (numbers[-2] if len(numbers) > 1 else None)
        b = int(asked["b"]) if asked["b"] else (numbers[-1] if numbers else None)
    except ValueError:
        raise Http404 from None
    if (asked["a"] and a not in found) or (asked["b"] and b not in found):
        raise Http404
    changes = None
    if a in found and b in found:
        texts = {t.code: t.text for t in plan.tasks.all()}
        changes = [
            (_where(key, texts), _shown(key, old), _shown(key, new))
            for key, old, new in compare(found[a].content, found[b].content)
        ]
    context = {
        "report": report,
        "unit": report.org_unit,
        "period": report.period,
        "versions": [found[n] for n in numbers],
        "a": found.get(a),
        "b": found.get(b),
        "changes": changes,
    }
    return render(request, "web/reports/versions.html", context)


@login_required
@require_GET
def form_xlsx(request, code: str, year: int):
    plan, _period, unit, report = load_report(request, code, year, access.EDIT_REPORT)
    tasks = report_context(report, plan)["tasks"]
    with translation.override("vi"):  # the form is in Vietnamese, whatever the interface
        cells = report_values.excel_cells(plan, unit, year)
    data = excel.build_report_form(report, tasks, cells)
    response = HttpResponse(data, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{unit.code}-{year}.xlsx"'
    return response


@login_required
@require_POST
def upload_form(request, code: str, year: int):
    plan, period, unit, report = load_report(request, code, year, access.EDIT_REPORT)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the filled-in Excel form to upload."))
        return redirect(_url(report))
    upload = form.cleaned_data["file"]
    submitting = form.cleaned_data["submit"]
    if submitting:
        access.report_or_404(request.user, report, access.SUBMIT_REPORT)
    if report.locked:
        messages.error(request, _("This report has been submitted and can no longer be edited."))
        return redirect(_url(report))
    tasks = report_context(report, plan)["tasks"]
    data = upload.read(excel.MAX_BYTES + 1)
    try:
        filled = excel.read_report_form(
            data,
            filename=upload.name,
            unit=unit.code,
            year=period.year,
            plan=plan.code,
            tasks=[t.code for t in tasks],
        )
        with transaction.atomic():  # the tasks and the values: all or nothing
            save_draft(
                report,
                expected_version=filled.version,
                by=request.user,
                general_assessment=filled.general_assessment,
                entries=_kept(filled.entries, report),
            )
            report_values.store_cells(plan, unit, filled.values)
            if submitting:
                _submit_upload(request, plan, report, upload.name)
    except InvalidFile as exc:
        return _page(request, plan, report, upload_error=exc, status=400)
    except report_values.Refused as exc:
        report.refresh_from_db()
        refused = InvalidFile(upload.name, exc.problems)
        return _page(request, plan, report, upload_error=refused, status=400)
    except (Conflict, IllegalTransition) as exc:
        report.refresh_from_db()
        return _page(request, plan, report, conflict=str(exc), status=409)
    if submitting:
        messages.success(
            request,
            _("%(name)s was read and the report submitted to %(lead)s.")
            % {"name": upload.name, "lead": _lead(plan, period.year)},
        )
    else:
        messages.success(
            request, _("%(name)s was read and the draft saved.") % {"name": upload.name}
        )
    return redirect(_url(report))


def _submit_upload(request, plan, report: UnitReport, filename: str) -> None:
    """Submit what an uploaded form just saved, or raise InvalidFile (the upload is then
    undone whole): a task without a status, or what the submission gate refuses."""
    report.refresh_from_db()
    if missing_statuses(report, plan):
        raise InvalidFile(filename, [Problem((), _("Choose a status before submitting."))])
    try:
        submit(report, by=request.user)
    except gate.SubmissionRefused as exc:
        raise InvalidFile(filename, [Problem((), p.message) for p in exc.problems]) from None


def _kept(entries: dict, report: UnitReport) -> dict:
    """Leave out the tasks the form left empty and the report never had."""
    known = set(report.entries.values_list("task__code", flat=True))
    return {
        code: values
        for code, values in entries.items()
        if code in known or values.get("status") or any(values.values())
    }


urlpatterns = [
    path("report/", my_report, name="my_report"),
    path("report/<str:code>/<int:year>/", report_page, name="report"),
    path("report/<str:code>/<int:year>/attachments/", attach_file, name="report_attach"),
    path(
        "report/<str:code>/<int:year>/attachments/<int:pk>/",
        attachment_file,
        name="report_attachment",
    ),
    path("report/<str:code>/<int:year>/versions/", versions, name="report_versions"),
    path("report/<str:code>/<int:year>/form.xlsx", form_xlsx, name="report_form_xlsx"),
    path("report/<str:code>/<int:year>/upload/", upload_form, name="report_upload"),
    *reviewing.urlpatterns,
]
