"""Pages: the consolidated report's downloads.

    /review/report/<year>.docx | .pdf | .xlsx   [?unit=CODE]

For the lead office (and admins): ``access`` decides, "build_report" on the unit (default:
the plan's owner in that year, ``scope.owner_in``: the report of the plan's whole scope); a
unit out of the user's sight answers 404, one in sight but not theirs to report on 403. The
file comes as an attachment with an ASCII file name ("bao-cao-KHCN-2025.docx"), so every
browser and mail client keeps it intact.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import re_path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from kehoach.accounts import access
from kehoach.documents import DocumentError
from kehoach.documents.pdf import ConversionError
from kehoach.documents.report import CONTENT_TYPES, build_report, filename
from kehoach.plans import scope
from kehoach.web.plans import plan_of_request


@require_GET
@login_required
def report_file(request, year: str, fmt: str):
    plan = plan_of_request(request)
    year = int(year)
    if not plan.period_start <= year <= plan.last_year:
        raise Http404
    code = request.GET.get("unit")
    owner = scope.owner_in(plan, year)
    if code:
        unit = access.unit_or_404(request.user, code, access.BUILD_REPORT)
    elif owner is None:
        raise Http404
    else:
        unit = access.check(request.user, access.BUILD_REPORT, owner)
    try:
        data = build_report(plan, year, unit.code, fmt)
    except ConversionError as exc:  # no LibreOffice on the server: say so, plainly
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    except DocumentError as exc:
        return HttpResponse(str(exc), status=500, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, filename(plan, year, fmt, unit.code)
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    re_path(
        r"^review/report/(?P<year>\d{4})\.(?P<fmt>docx|pdf|xlsx)$",
        report_file,
        name="report_file",
    ),
]
