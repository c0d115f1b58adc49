"""Pages: read a plan text (.txt, .docx, .pdf) into a draft plan, review it, then load it.

The draft travels between the two steps signed (django.core.signing), so what is loaded is
exactly what the person reviewed. Only the lead office and administrators load plans.
"""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kehoach.accounts import access
from kehoach.lib.numbers import format_percent
from kehoach.lib.problems import InvalidFile
from kehoach.plans.parsing import parse_plan_bytes
from kehoach.plans.planfile import dump, load_plan, validate

MAX_BYTES = 5 * 1024 * 1024
SALT = "kehoach.plan-draft"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Plan text (.txt, .docx or .pdf)"),
        help_text=gettext_lazy("Up to 5 MB. Legacy TCVN3 and VNI texts are converted."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".txt", ".docx", ".pdf")):
            raise forms.ValidationError(_("Only .txt, .docx and .pdf files can be read."))
        return upload


# Where the reader placed a line (plans.parsing: "tasks[1.1]", "section (funding)", "title"),
# in words: "Nhiệm vụ 1.1", "Phần kinh phí", "Trích yếu".
PLACES = {
    "header": pgettext_lazy("plan part", "Document header"),
    "number": pgettext_lazy("plan part", "Number and symbol"),
    "issued_on": pgettext_lazy("plan part", "Date issued"),
    "issuer": pgettext_lazy("plan part", "Issuing body"),
    "issuer_superior": pgettext_lazy("plan part", "Body above the issuer"),
    "doc_type": pgettext_lazy("plan part", "Document type"),
    "title": pgettext_lazy("plan part", "Title"),
    "preamble": pgettext_lazy("plan part", "Legal bases of the plan"),
    "recipients": pgettext_lazy("plan part", "Recipients"),
    "signer": pgettext_lazy("plan part", "Signer"),
    "heading": pgettext_lazy("plan part", "Heading"),
    "funding": pgettext_lazy("plan part", "Funding"),
}
NUMBERED_PLACES = {
    "objectives": pgettext_lazy("plan part", "Objective %(code)s"),
    "indicators": pgettext_lazy("plan part", "Indicator %(code)s"),
    "data_elements": pgettext_lazy("plan part", "Proposed data element %(code)s"),
    "task_groups": pgettext_lazy("plan part", "Task group %(code)s"),
    "tasks": pgettext_lazy("plan part", "Task %(code)s"),
    "reporting.duties": pgettext_lazy("plan part", "Duty %(code)s"),
    "recipients": pgettext_lazy("plan part", "Recipients"),
}
SECTIONS = {
    "purpose": pgettext_lazy("plan part", "Section: purpose and requirements"),
    "objectives": pgettext_lazy("plan part", "Section: objectives"),
    "tasks": pgettext_lazy("plan part", "Section: tasks and solutions"),
    "funding": pgettext_lazy("plan part", "Section: funding"),
    "organisation": pgettext_lazy("plan part", "Section: organisation"),
}
_NUMBERED = re.compile(r"^(?P<place>[a-z_.]+)\[(?P<code>[^\]]+)\]$")
_SECTION = re.compile(r"^section \((?P<kind>[a-z_]+)\)$")


def place_text(placed_as: str) -> str:
    """Where a line went, in words: "tasks[1.1]" -> "Nhiệm vụ 1.1"; an unknown place as is."""
    if placed_as in PLACES:
        return str(PLACES[placed_as])
    if (found := _NUMBERED.match(placed_as)) and found["place"] in NUMBERED_PLACES:
        return str(NUMBERED_PLACES[found["place"]]) % {"code": found["code"]}
    if (found := _SECTION.match(placed_as)) and found["kind"] in SECTIONS:
        return str(SECTIONS[found["kind"]])
    return placed_as


def placement_text(placed_as: str, confidence: float) -> str:
    """ "Nhiệm vụ 1.1 (độ tin cậy 30%)"."""
    return _("%(place)s (confidence %(percent)s)") % {
        "place": place_text(placed_as),
        "percent": format_percent(round(confidence * 100)),
    }


def _indicator_rows(result) -> list[tuple[dict, list[str], list[str], list[int], float]]:
    """Each drafted indicator with the names of the data elements its numerator and
    denominator read (proposed by the reader), the lines it came from and the confidence."""
    plan = result.plan
    names = {e["code"]: e["name"] for e in plan.get("data_elements", [])}
    sources = result.indicator_sources()

    def read(text: str) -> list[str]:
        return [names.get(code, code) for code in re.findall(r"#\{([A-Z][A-Z0-9_]*)\}", text)]

    return [
        (
            ind,
            read(ind.get("numerator", "")),
            read(ind.get("denominator", "")),
            *sources.get(ind["code"], ([], 0.0)),
        )
        for ind in plan["indicators"]
    ]


def _may_load(user) -> None:
    if not access.may(user, access.LOAD_PLAN):
        raise PermissionDenied(access.ended_notice(user))


@login_required
def plan_import(request):
    _may_load(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = parse_plan_bytes(upload.read(), upload.name)
        except (ValueError, UnicodeError) as exc:
            form.add_error("file", _("The file could not be read: %s") % exc)
        else:
            placed = [item for item in result.review if item.placed_as]
            context.update(
                result=result,
                yaml=dump(result.plan, "yaml"),
                problems=validate(result.plan),
                placed=placed,
                indicator_rows=_indicator_rows(result),
                unplaced=result.unplaced_quantified_first(),
                low=[
                    (item, placement_text(item.placed_as, item.confidence))
                    for item in placed
                    if item.confidence < 0.6
                ],
                token=signing.dumps(result.plan, salt=SALT, compress=True),
                filename=upload.name,
            )
    return render(request, "web/plan_import.html", context)


@login_required
def plan_import_load(request):
    _may_load(request.user)
    if request.method != "POST":
        return redirect("web:plan_import")
    try:
        data = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, _("The draft expired or was altered; upload the text again."))
        return redirect("web:plan_import")
    try:
        plan = load_plan(data, request.POST.get("filename", "draft"))
    except InvalidFile as exc:
        messages.error(request, str(exc))
        return redirect("web:plan_import")
    messages.success(
        request,
        _("Plan %(code)s loaded: %(ind)d indicators, %(tasks)d tasks.")
        % {"code": plan.code, "ind": plan.indicators.count(), "tasks": plan.tasks.count()},
    )
    return redirect("web:plan")


urlpatterns = [
    path("plan/import/", plan_import, name="plan_import"),
    path("plan/import/load/", plan_import_load, name="plan_import_load"),
]
