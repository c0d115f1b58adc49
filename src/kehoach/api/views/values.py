"""/api/values/: the values units report for a plan's data elements (issue 15).

GET lists them (the units the user sees); POST takes a list in the interchange file's shape
(``{"values": [{"plan", "data_element", "org_unit", "period", "value", "comment"}]}``) and
stores it through the same checks and the same all-or-nothing import as ``kehoach
import_data`` (``exchange.values``): nothing is checked twice in other words here. A unit
the user does not see answers 404, one they may not report for 403; a value the import
refuses answers 400 naming the entry and the field.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kehoach.accounts import access
from kehoach.exchange.importing import import_data
from kehoach.exchange.interchange import FORMAT
from kehoach.exchange.values import export_values
from kehoach.lib.problems import InvalidFile
from kehoach.orgunits.models import OrgUnit

from .. import permissions
from ..errors import errors
from ..serializers import YEAR_MAX, YEAR_MIN
from .common import plan_of, query


class ValueSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text="Plan code (`default`: the default plan).")
    data_element = serializers.CharField(help_text="The data element's code in the plan.")
    org_unit = serializers.CharField(help_text="The reporting unit's code.")
    period = serializers.CharField(help_text="DHIS2 form: 2025, 2025S1, 2025Q3, 202507.")
    value = serializers.DecimalField(max_digits=24, decimal_places=6, coerce_to_string=False)
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class ValuesSerializer(serializers.Serializer):
    values = ValueSerializer(many=True)


class ValueParams(serializers.Serializer):
    plan = serializers.CharField(required=False, help_text="Plan code (default plan).")
    org_unit = serializers.CharField(required=False, help_text="Only this unit's values.")
    year = serializers.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)


class SavedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class Values(APIView):
    @extend_schema(
        summary="Reported values",
        description="The values of the plan's data elements reported by the units you see.",
        parameters=[ValueParams],
        responses={200: ValuesSerializer, **errors(400, 404)},
    )
    def get(self, request):
        wanted = query(request, ValueParams)
        plan = plan_of(wanted.get("plan"))
        ids = permissions.visible_unit_ids(request)
        if "org_unit" in wanted:
            unit = permissions.unit_or_404(request, wanted["org_unit"])
            ids = {unit.pk}
        rows = export_values(wanted.get("year"), plan, ids)
        return Response({"values": rows})

    @extend_schema(
        summary="Report values",
        description="Stores the values as `kehoach import_data` does: every value is checked "
        "(plan, data element, unit, period form and type, value type) and either all are "
        "stored or none. Needs the right to report for each unit.",
        request=ValuesSerializer,
        responses={200: SavedSerializer, **errors(400, 403, 404)},
    )
    def post(self, request):
        if not isinstance(request.data, dict) or not isinstance(request.data.get("values"), list):
            raise ValidationError({"values": [_("Send a list of values.")]})
        entries = request.data["values"]
        codes = {
            e["org_unit"]
            for e in entries
            if isinstance(e, dict) and isinstance(e.get("org_unit"), str)
        }
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
        for i, entry in enumerate(entries):
            code = entry.get("org_unit") if isinstance(entry, dict) else None
            unit = units.get(code) if isinstance(code, str) else None
            if unit is None:
                continue  # the import names an unknown unit with the others' problems
            if not access.can_see(request.user, unit):
                raise NotFound()
            if not access.can(request.user, access.EDIT_REPORT, unit):
                message = _("values[%(i)s]: you may not report for %(unit)s.") % {
                    "i": i,
                    "unit": unit.name,
                }
                raise PermissionDenied(f"{message} {access.ended_notice(request.user)}".strip())
        try:
            summary = import_data({"format": FORMAT, "values": entries}, "API")
        except InvalidFile as exc:
            raise ValidationError({"values": [str(p) for p in exc.problems]}) from None
        counts = summary.counts.get("values")
        return Response(
            {
                "created": counts.created if counts else 0,
                "updated": counts.updated if counts else 0,
                "unchanged": counts.unchanged if counts else 0,
            }
        )
