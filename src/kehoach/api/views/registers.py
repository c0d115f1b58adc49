"""/api/registers/{kind}/: the evidence registers, one endpoint per kind (per register of the
catalogue, ``registers.catalogue``; the kind is its key).

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

from kehoach.registers.catalogue import REGISTERS, Register

from .. import permissions
from ..errors import Conflict, errors
from ..serializers import RegisterFilter
from .common import PlainNotFound, query


class RegisterViewSet(PlainNotFound, viewsets.ModelViewSet):
    register: Register
    lookup_field = "ref"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        register = self.register
        records = register.model.objects.select_related(*register.related)
        records = permissions.only_visible(self.request, records)
        if self.action == "list":
            wanted = query(self.request, RegisterFilter)
            if "org_unit" in wanted:
                records = records.filter(org_unit__code=wanted["org_unit"])
            if "year" in wanted:
                records = records.filter(register.dated_in(wanted["year"]))
        if register.is_record:
            return records.order_by("ref")
        return records.order_by(*register.spec.order, "pk")  # the file's order, by its key

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


def _schema(register: Register):
    title, serializer = register.api_name, register.serializer
    by_id = OpenApiParameter(
        "id",
        OpenApiTypes.STR if register.is_record else OpenApiTypes.INT,
        OpenApiParameter.PATH,
        description="The record's id" if register.is_record else "The budget line's id",
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


def _viewset(register: Register) -> type[RegisterViewSet]:
    name = "".join(part.title() for part in register.key.split("_")) + "ViewSet"
    attrs = {
        "register": register,
        "serializer_class": register.serializer,
        "__doc__": f"The {register.api_name}.",
    }
    if not register.is_record:  # budget lines: by their database id
        attrs.update(lookup_field="pk", lookup_value_regex="[0-9]+")
    return _schema(register)(type(name, (RegisterViewSet,), attrs))


# The API's routes: one viewset per register of the catalogue, at /api/registers/<key>/.
VIEWSETS: dict[str, type[RegisterViewSet]] = {
    register.key: _viewset(register) for register in REGISTERS
}
