"""/api/registers/{kind}/: the evidence registers, one endpoint per kind.

Records are addressed by their ``id`` (the interchange file's id, the model's ``ref``); budget
lines by their database id. Lists hold only the records of units the user sees; writing needs
``edit_registers`` on the record's unit, and on the new unit when it changes.
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS

from kehoach.registers.dated import DATED

from .. import permissions
from ..errors import Conflict, errors
from ..serializers import REGISTERS, RegisterFilter
from .common import PlainNotFound, query

TITLES = {
    "budget": "budget lines",
    "startups": "start-ups",
    "key_products": "key products",
    "ip_titles": "IP titles and applications",
    "st_projects": "S&T application projects",
    "quality_inspections": "quality inspections",
    "trainings": "trainings",
    "initiatives": "initiatives and technical improvements",
}


class RegisterViewSet(PlainNotFound, viewsets.ModelViewSet):
    kind: str
    lookup_field = "ref"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        model = self.serializer_class.Meta.model
        records = permissions.only_visible(self.request, model.objects.select_related("org_unit"))
        if self.kind == "ip_titles":
            records = records.select_related("product")
        if self.action == "list":
            wanted = query(self.request, RegisterFilter)
            if "org_unit" in wanted:
                records = records.filter(org_unit__code=wanted["org_unit"])
            if "year" in wanted:
                year = wanted["year"]
                dated = {"year": year} if self.kind == "budget" else DATED[self.kind][1](year)
                records = records.filter(**dated)
        if self.kind == "budget":
            return records.order_by("org_unit__code", "year", "kind", "source", "pk")
        return records.order_by("ref")

    def get_object(self):
        record = super().get_object()  # 404 outside the units the user sees
        if self.request.method not in SAFE_METHODS:
            permissions.check(self.request, "edit_registers", record.org_unit)  # 403
        return record

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    def _save(self, serializer):
        """The record and its audit entry are written together, or neither is."""
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError:
            raise Conflict(
                _("Another record with the same id was saved at the same moment; reload it.")
            ) from None

    def perform_destroy(self, record):
        try:
            with transaction.atomic():
                record.delete()
        except ProtectedError as exc:
            refs = sorted(str(getattr(o, "ref", o.pk)) for o in exc.protected_objects)
            raise Conflict(
                _("This record is still referred to by %(refs)s; remove those first.")
                % {"refs": ", ".join(refs)}
            ) from None


def _schema(kind: str, serializer):
    title = TITLES[kind]
    by_id = OpenApiParameter(
        "id",
        OpenApiTypes.INT if kind == "budget" else OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description="The budget line's id" if kind == "budget" else "The record's id",
    )
    one = [by_id]
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {title}",
            parameters=[RegisterFilter],
            responses={200: serializer(many=True), **errors(400, 404)},
        ),
        retrieve=extend_schema(
            summary=f"One of the {title}",
            parameters=one,
            responses={200: serializer, **errors(404)},
        ),
        create=extend_schema(
            summary=f"Add to the {title}",
            request=serializer,
            responses={201: serializer, **errors(400, 403, 404)},
        ),
        update=extend_schema(
            summary=f"Replace one of the {title}",
            parameters=one,
            request=serializer,
            responses={200: serializer, **errors(400, 403, 404)},
        ),
        partial_update=extend_schema(
            summary=f"Change one of the {title}",
            parameters=one,
            request=serializer,
            responses={200: serializer, **errors(400, 403, 404)},
        ),
        destroy=extend_schema(
            summary=f"Remove one of the {title}",
            parameters=one,
            responses={204: None, **errors(403, 404, 409)},
        ),
    )


def _viewset(kind: str, serializer) -> type[RegisterViewSet]:
    name = "".join(part.title() for part in kind.split("_")) + "ViewSet"
    attrs = {"kind": kind, "serializer_class": serializer, "__doc__": f"The {TITLES[kind]}."}
    if kind == "budget":
        attrs.update(lookup_field="pk", lookup_value_regex="[0-9]+")
    return _schema(kind, serializer)(type(name, (RegisterViewSet,), attrs))


VIEWSETS: dict[str, type[RegisterViewSet]] = {
    kind: _viewset(kind, serializer) for kind, serializer in REGISTERS.items()
}
