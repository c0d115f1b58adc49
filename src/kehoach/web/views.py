from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render

from kehoach.plans.models import Plan


def home(request):
    """The landing page for visitors; a logged-in user goes straight to the dashboard."""
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    plans = Plan.objects.select_related("owner", "reporting_rule").prefetch_related(
        "indicators__targets", "task_groups"
    )
    return render(request, "web/home.html", {"plans": plans})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
