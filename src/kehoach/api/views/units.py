"""GET /api/org-units/ and /api/org-units/{code}/: the units the user sees."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from .. import permissions
from ..errors import errors
from ..serializers import OrgUnitFilter, OrgUnitSerializer
from .common import PlainNotFound, query


@extend_schema_view(
    list=extend_schema(
        summary="The org units you see",
        parameters=[OrgUnitFilter],
        responses={200: OrgUnitSerializer(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        summary="One org unit", responses={200: OrgUnitSerializer, **errors(404)}
    ),
)
class OrgUnitViewSet(PlainNotFound, viewsets.ReadOnlyModelViewSet):
    serializer_class = OrgUnitSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        units = permissions.visible_units(self.request).select_related("parent", "successor")
        if self.action == "list":
            wanted = query(self.request, OrgUnitFilter)
            if "kind" in wanted:
                units = units.filter(kind=wanted["kind"])
            if "parent" in wanted:
                units = units.filter(parent__code=wanted["parent"])
            if "valid_on" in wanted:
                units = units.valid_on(wanted["valid_on"])
        return units.order_by("code")
