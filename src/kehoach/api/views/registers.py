"""/api/registers/{kind}/: the evidence registers, one endpoint per kind (per register of the
catalogue, ``registers.catalogue``; the kind is its key).

Records are addressed by their ``id`` (the interchange file's id, the model's ``ref``); budget
lines by their database id. Lists hold only the records of units the user sees; writing needs
``edit_registers`` on the record's unit, and on the new unit when it changes.

Each record carries its ``version`` (raised on every save), also sent as the ``ETag`` of a
record read or written. PUT, PATCH and DELETE honour ``If-Match`` (and a ``version`` in the
body): a stale one answers 409 and writes nothing, one never issued 400. A write without
either is allowed (older clients), checked against the record as loaded for the write.
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS

from kehoach.lib.versions import Conflict as VersionConflict
from kehoach.lib.versions import UnknownVersion
from kehoach.registers import versions
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

    def retrieve(self, request, *args, **kwargs):
        return _tagged(super().retrieve(request, *args, **kwargs))

    def create(self, request, *args, **kwargs):
        return _tagged(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        return _tagged(super().update(request, *args, **kwargs))

    def perform_create(self, serializer):
        serializer.validated_data.pop("version", None)  # a new record starts its own count
        self._save(serializer)

    def perform_update(self, serializer):
        sent = serializer.validated_data.pop("version", None)
        expected = if_match(self.request)
        self._save(serializer, lambda: versions.locked(serializer.instance, expected, sent))

    def _save(self, serializer, check=None):
        """The record and its audit entry are written together, or neither is; a changed
        record only over the version its writer loaded (``registers.versions``)."""
        try:
            with transaction.atomic():
                if check is not None:
                    check()
                serializer.save()
        except IntegrityError:
            raise Conflict(
                _("Another record with the same id was saved at the same moment; reload it.")
            ) from None
        except UnknownVersion as exc:
            raise ValidationError({"version": [str(exc)]}) from None
        except VersionConflict as exc:
            raise Conflict(str(exc)) from None

    def perform_destroy(self, record):
        expected = if_match(self.request)
        try:
            with transaction.atomic():
                versions.locked(record, expected)
                record.delete()
        except UnknownVersion as exc:
            raise ValidationError({"version": [str(exc)]}) from None
        except VersionConflict as exc:
            raise Conflict(str(exc)) from None
        except ProtectedError as exc:
            raise Conflict(self._protected(exc.protected_objects)) from None

    def _protected(self, referring) -> str:
        """Why a record cannot go, naming only the records the user sees (the others are
        counted as "records of units you do not see", never named)."""
        visible = permissions.visible_unit_ids(self.request)
        seen = sorted(
            str(getattr(o, "ref", o.pk))
            for o in referring
            if visible is None or getattr(o, "org_unit_id", None) in visible
        )
        hidden = len(list(referring)) > len(seen)
        if seen and hidden:
            message = _(
                "This record is still referred to by %(refs)s and by records of units you "
                "do not see; remove those first (ask the lead office for the others)."
            )
        elif seen:
            message = _("This record is still referred to by %(refs)s; remove those first.")
        else:
            message = _(
                "This record is still referred to by records of units you do not see; ask the "
                "lead office to remove those first."
            )
        return message % {"refs": ", ".join(seen)}


def if_match(request) -> int | None:
    """The version ``If-Match`` names (``"7"``, ``W/"7"``), or None without it (or ``*``);
    400 when it names anything else. Writing without it is allowed: the version in the body,
    if any, is checked, and the record as loaded for the write otherwise."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tag = header.strip().removeprefix("W/")
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        tag = tag[1:-1]
    if not (tag.isascii() and tag.isdigit()):
        raise ValidationError(
            {"If-Match": [_('Send the ETag of the record you loaded, for example "3".')]}
        )
    return int(tag)


def _tagged(response):
    """The record's version as its ``ETag`` (what ``If-Match`` sends back)."""
    version = getattr(response, "data", None) and response.data.get("version")
    if response.status_code in (200, 201) and isinstance(version, int):
        response["ETag"] = f'"{version}"'
    return response


def _schema(register: Register):
    title, serializer = register.api_name, register.serializer
    by_id = OpenApiParameter(
        "id",
        OpenApiTypes.STR if register.is_record else OpenApiTypes.INT,
        OpenApiParameter.PATH,
        description="The record's id" if register.is_record else "The budget line's id",
    )
    one = [by_id]
    guarded = [
        by_id,
        OpenApiParameter(
            "If-Match",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            required=False,
            description='The ETag of the record you loaded ("3"): a stale one answers 409 and '
            "nothing is written. Without it the write is allowed (a `version` in the body is "
            "checked all the same).",
        ),
    ]
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
            parameters=guarded,
            request=serializer,
            responses={200: serializer, **errors(400, 403, 404, 409)},
        ),
        partial_update=extend_schema(
            summary=f"Change one of the {title}",
            parameters=guarded,
            request=serializer,
            responses={200: serializer, **errors(400, 403, 404, 409)},
        ),
        destroy=extend_schema(
            summary=f"Remove one of the {title}",
            parameters=guarded,
            responses={204: None, **errors(400, 403, 404, 409)},
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
