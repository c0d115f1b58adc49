"""What the API reads and writes, in the same vocabulary as the interchange and plan files.

Registers: a record looks the same here as in an interchange file (``id`` is the record's
``ref``, ``org_unit`` a unit code, ``product`` a key product's ``id``, dates ISO, amounts whole
đồng); their fields come from the interchange tables (``exchange.interchange.LISTS``), and
``null`` and ``""`` are read alike as a field's empty value, text in NFC, as an import reads
them. Budget lines, which have no ``id`` in the file, carry their database id. Each register's
serializer is named in the register catalogue (``registers.catalogue``), which the routes read.

The plan, indicators and reporting status are returned exactly as the plan file,
``kehoach indicators --format json`` and ``kehoach reporting_status --format json`` write them;
the serializers here for them only describe that JSON for the OpenAPI schema.
"""

import copy
import unicodedata

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kehoach.exchange import interchange
from kehoach.lib.text import MAX_TEXT, clean_text
from kehoach.orgunits.models import OrgUnit, OrgUnitKind
from kehoach.plans.models import Plan
from kehoach.registers import refs
from kehoach.registers.models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)
from kehoach.reporting.models import ReportState, TaskStatus, UnitReport

from . import permissions

YEAR_MIN, YEAR_MAX = 1900, 2200  # as the interchange file
AMOUNT_MAX = 2**63 - 1  # whole đồng in a 64-bit integer
COUNT_MAX = 2**31 - 1

# ---------------------------------------------------------------- query parameters


class YearField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class OrgUnitFilter(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=OrgUnitKind.choices, required=False, help_text="Only units of this kind."
    )
    parent = serializers.CharField(
        required=False, max_length=32, help_text="Only the units directly below this unit (code)."
    )
    valid_on = serializers.DateField(
        required=False, help_text="Only units that exist on this day (YYYY-MM-DD)."
    )


class RegisterFilter(serializers.Serializer):
    org_unit = serializers.CharField(
        required=False, max_length=32, help_text="Only this unit's records (code)."
    )
    year = YearField(
        required=False,
        help_text="Only records dated in this year: budget lines and S&T projects and "
        "initiatives by `year`, start-ups by `supported_on`, key products by "
        "`recognised_on`, IP titles by `granted_on`, inspections by `inspected_on`, "
        "trainings by `held_on`.",
    )


class PlanParam(serializers.Serializer):
    plan = serializers.CharField(
        required=False, max_length=64, help_text="Plan code (default: the default plan)."
    )


class ReportFilter(PlanParam):
    year = YearField(required=False, help_text="Only reports on this year.")
    state = serializers.ChoiceField(
        choices=ReportState.choices, required=False, help_text="Only reports in this state."
    )
    org_unit = serializers.CharField(
        required=False, max_length=32, help_text="Only this unit's reports (code)."
    )


class YearParam(PlanParam):
    year = YearField(required=False, help_text="The year (default: this year in Vietnam).")


class IndicatorParams(YearParam):
    org_unit = serializers.CharField(
        required=False,
        max_length=32,
        help_text="Unit code (its whole subtree is counted); default: the plan's owner if "
        "you see it, else your own unit.",
    )


# ---------------------------------------------------------------- org units


class OrgUnitSerializer(serializers.ModelSerializer):
    """As in the interchange file's ``org_units``."""

    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, help_text="An email address, or empty.")

    class Meta:
        model = OrgUnit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
            "email",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------- plans


class PlanSummarySerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Plan
        fields = [
            "code",
            "doc_type",
            "number",
            "issued_on",
            "issuer",
            "title",
            "period",
            "start_date",
            "owner",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "from": {"type": "integer"},
                "to": {"type": "integer"},
                "vision": {"type": "integer", "nullable": True},
            },
            "required": ["from", "to", "vision"],
        }
    )
    def get_period(self, plan: Plan) -> dict:
        return {"from": plan.period_start, "to": plan.period_end, "vision": plan.vision_year}


def _object(name: str, fields: dict) -> type[serializers.Serializer]:
    """A serializer class with fields whose names may be Python keywords ("from")."""
    return type(name, (serializers.Serializer,), dict(fields))


def _text(**kwargs):
    return serializers.CharField(allow_blank=True, **kwargs)


PlanTarget = _object(
    "PlanTarget",
    {
        "year": serializers.IntegerField(),
        "op": serializers.ChoiceField(choices=[">=", ">", "<=", "<", "==", "between", "approx"]),
        "value": serializers.FloatField(),
        "max": serializers.FloatField(required=False),
        "tolerance": serializers.FloatField(required=False),
        "note": _text(required=False),
    },
)
PlanIndicator = _object(
    "PlanIndicator",
    {
        "code": serializers.CharField(),
        "name": _text(),
        "text": _text(),
        "measure": serializers.ChoiceField(choices=["ratio", "count", "value"]),
        "unit": _text(),
        "basis": serializers.ChoiceField(choices=["annual", "cumulative", "snapshot"]),
        "numerator": _text(required=False),
        "denominator": _text(required=False),
        "factor": serializers.FloatField(required=False),
        "baseline": _object(
            "PlanBaseline",
            {
                "year": serializers.IntegerField(),
                "value": serializers.FloatField(allow_null=True),
            },
        )(required=False),
        "targets": PlanTarget(many=True),
    },
)
PlanTask = _object(
    "PlanTask",
    {
        "code": serializers.CharField(),
        "text": _text(),
        "lead": _text(),
        "coordinating": serializers.ListField(child=serializers.CharField()),
    },
)
PlanTaskGroup = _object(
    "PlanTaskGroup",
    {"code": serializers.CharField(), "title": _text(), "tasks": PlanTask(many=True)},
)
PlanDetailSerializer = _object(
    "PlanDetail",
    {
        "format": serializers.CharField(help_text='"kehoach-plan/1"'),
        "code": serializers.CharField(),
        "doc_type": _text(),
        "number": _text(),
        "issued_on": serializers.DateField(allow_null=True),
        "issuer": _text(),
        "issuer_superior": _text(),
        "title": _text(),
        "summary": _text(),
        "preamble": _text(),
        "period": _object(
            "PlanPeriod",
            {
                "from": serializers.IntegerField(),
                "to": serializers.IntegerField(),
                "vision": serializers.IntegerField(allow_null=True),
            },
        )(),
        "start_date": serializers.DateField(allow_null=True),
        "legal_bases": _object(
            "PlanLegalBasis",
            {
                "doc_type": _text(),
                "number": _text(),
                "issued_on": serializers.DateField(allow_null=True),
                "issuer": _text(),
                "title": _text(),
            },
        )(many=True),
        "signer": _object(
            "PlanSigner", {"authority": _text(), "title": _text(), "name": _text()}
        )(),
        "objectives": _object(
            "PlanObjective",
            {
                "code": serializers.CharField(),
                "kind": serializers.ChoiceField(choices=["general", "specific"]),
                "text": _text(),
            },
        )(many=True),
        "indicators": PlanIndicator(many=True),
        "task_groups": PlanTaskGroup(many=True),
        "funding": _object(
            "PlanFunding",
            {
                "text": _text(),
                "sources": _object(
                    "PlanFundingSource", {"code": serializers.CharField(), "name": _text()}
                )(many=True),
            },
        )(),
        "reporting": _object(
            "PlanReporting",
            {
                "frequency": serializers.CharField(),
                "deadline": serializers.CharField(help_text='month-day, e.g. "11-25"'),
                "lead_unit": _text(),
                "receiver": _text(),
                "upward_receivers": serializers.ListField(child=_text()),
                "reporters": serializers.ListField(child=_text()),
                "duties": _object(
                    "PlanDuty",
                    {"code": serializers.CharField(), "party": _text(), "text": _text()},
                )(many=True),
            },
        )(),
        "recipients": _object("PlanRecipient", {"name": _text(), "note": _text()})(many=True),
        "owner": serializers.CharField(
            allow_null=True, help_text="The code of the unit that owns the plan."
        ),
    },
)

# ---------------------------------------------------------------- registers


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


class CleanTextField(serializers.CharField):
    """Text as every way in stores it (``lib.text.clean_text``: NFC, one kind of line break,
    no surrounding blanks); free text holds at most ``MAX_TEXT`` characters, like the forms."""

    def __init__(self, **kwargs):
        if kwargs.get("max_length") is None:
            kwargs["max_length"] = MAX_TEXT
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        return clean_text(super().to_internal_value(data))


@extend_schema_field(OpenApiTypes.STR)
class UnitCodeField(serializers.Field):
    """An org unit by its code. Writing a record for a unit needs ``edit_registers`` on it:
    a unit the user cannot see (or that does not exist) answers 404, one they see but may
    not edit 403, as the access rule says."""

    default_error_messages = {"invalid": _("Enter the code of an org unit.")}

    def to_representation(self, unit: OrgUnit) -> str:
        return unit.code

    def to_internal_value(self, data) -> OrgUnit:
        if not isinstance(data, str) or not data:
            self.fail("invalid")
        unit = OrgUnit.objects.filter(code=data).first()
        if unit is None:
            raise Http404
        return permissions.check(self.context["request"], "edit_registers", unit)


@extend_schema_field({"type": "string", "nullable": True})
class ProductRefField(serializers.Field):
    """A key product by its ``id`` (ref), among the products of the units the user sees."""

    default_error_messages = {
        # DRF fills messages with str.format: "{value}", not "%(value)r".
        "unknown": _("unknown key product “{value}”: none of the units you see has it")
    }

    def to_representation(self, product: KeyProduct) -> str:
        return product.ref

    def to_internal_value(self, data) -> KeyProduct:
        if not isinstance(data, str):
            self.fail("unknown", value=data)
        found = KeyProduct.objects.filter(ref=data)
        found = permissions.only_visible(self.context["request"], found).first()
        if found is None:
            self.fail("unknown", value=data)
        return found


class RegisterSerializer(serializers.ModelSerializer):
    """A register record in the interchange file's vocabulary; see the module docstring."""

    spec: interchange.ListSpec
    org_unit = UnitCodeField()
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="Raised by one on every save; also the `ETag`. Send it back (or `If-Match`) "
        "when writing: a stale version is refused (409), one never issued too (400).",
    )
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CleanTextField,
        models.TextField: CleanTextField,
    }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = {name: _nfc(value) for name, value in data.items()}
            for name, value in data.items():
                known = self.spec.by_name.get(name)
                if (
                    known is not None
                    and value in ("", None)
                    and known.empty is not interchange.MISSING
                ):
                    data[name] = known.empty
        return super().to_internal_value(data)

    def validate(self, attrs):
        record = copy.copy(self.instance) if self.instance else self.Meta.model()
        for name, value in attrs.items():
            setattr(record, name, value)
        problems = self.cross_field_problems(record)
        if problems:
            raise serializers.ValidationError(problems)
        try:
            record.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(self.in_file_vocabulary(exc)) from None
        return attrs

    def cross_field_problems(self, record) -> dict:
        """The checks an interchange import makes across fields (and the forms' own)."""
        return {}

    def in_file_vocabulary(self, exc: DjangoValidationError) -> dict:
        names = {f.model_attr: f.name for f in self.spec.fields}
        found = {}
        for attr, messages in exc.message_dict.items():
            key = "non_field_errors" if attr == NON_FIELD_ERRORS else names.get(attr, attr)
            found.setdefault(key, []).extend(messages)
        return found


class RecordSerializer(RegisterSerializer):
    id = serializers.CharField(
        source="ref", max_length=64, help_text="The record's id (its key in interchange files)."
    )

    def validate_id(self, value: str) -> str:
        if self.instance is not None and value != self.instance.ref:
            raise serializers.ValidationError(_("A record's id cannot be changed."))
        return value

    def validate(self, attrs):
        ref = attrs.get("ref")
        if self.instance is None and ref is not None:  # a new record: nothing on unseen ones
            request = self.context["request"]
            problem = refs.unusable(self.Meta.model, ref, permissions.visible_unit_ids(request))
            if problem:
                raise serializers.ValidationError({"id": [problem]})
        return super().validate(attrs)


def _amount(**kwargs) -> dict:
    return {"min_value": 0, "max_value": AMOUNT_MAX, **kwargs}


def _count() -> dict:
    return {"min_value": 0, "max_value": COUNT_MAX}


def _year() -> dict:
    return {"min_value": YEAR_MIN, "max_value": YEAR_MAX}


def _fields(spec: interchange.ListSpec) -> list[str]:
    """The list's fields in the file, and the record's ``version``."""
    return [*(f.name for f in spec.fields), "version"]


class BudgetLineSerializer(RegisterSerializer):
    """A budget line: spending of a unit in a year, by kind and funding source (CT1). Its
    key (org_unit, year, kind, source) is unique; `id` is its database id."""

    spec = interchange.BUDGET

    class Meta:
        model = BudgetLine
        fields = ["id", *_fields(interchange.BUDGET)]
        read_only_fields = ["id"]
        extra_kwargs = {"year": _year(), "amount": _amount()}
        validators = []  # the model's own checks (full_clean) name the key once


class StartupSerializer(RecordSerializer):
    """An innovative start-up idea or project and the support it received (CT2)."""

    spec = interchange.STARTUPS

    class Meta:
        model = Startup
        fields = _fields(interchange.STARTUPS)
        extra_kwargs = {"support_amount": _amount()}


class KeyProductSerializer(RecordSerializer):
    """A key or specialty product (CT3, CT4)."""

    spec = interchange.KEY_PRODUCTS

    class Meta:
        model = KeyProduct
        fields = _fields(interchange.KEY_PRODUCTS)

    def cross_field_problems(self, record) -> dict:
        start, end = record.recognised_on, record.ended_on
        if start and end and end <= start:
            message = _(
                "no longer a key product from %(end)s, not after it was recognised on %(start)s"
            ) % {"end": end, "start": start}
            return {"ended_on": [message]}
        return {}


class IPTitleSerializer(RecordSerializer):
    """An IP application or title; `product` is the id of the key product it protects."""

    spec = interchange.IP_TITLES
    product = ProductRefField(required=False, allow_null=True)

    class Meta:
        model = IPTitle
        fields = _fields(interchange.IP_TITLES)

    def cross_field_problems(self, record) -> dict:
        found = {}
        filed, granted, expires = record.filed_on, record.granted_on, record.expires_on
        if filed and granted and granted < filed:
            message = _("granted on %(granted)s, before it was filed on %(filed)s")
            found["granted_on"] = [message % {"granted": granted, "filed": filed}]
        if granted and expires and expires < granted:
            found["expires_on"] = [_("A title cannot expire before it is granted.")]
        return found


class STProjectSerializer(RecordSerializer):
    """A project applying S&T advances in practice (CT5)."""

    spec = interchange.ST_PROJECTS

    class Meta:
        model = STProject
        fields = _fields(interchange.ST_PROJECTS)
        extra_kwargs = {"year": _year(), "amount": _amount()}


class QualityInspectionSerializer(RecordSerializer):
    """A quality inspection of goods or services (task group 5)."""

    spec = interchange.QUALITY_INSPECTIONS

    class Meta:
        model = QualityInspection
        fields = _fields(interchange.QUALITY_INSPECTIONS)
        extra_kwargs = {"facilities": _count(), "violations": _count()}


class TrainingSerializer(RecordSerializer):
    """A training course and its participants (task group 2)."""

    spec = interchange.TRAININGS

    class Meta:
        model = Training
        fields = _fields(interchange.TRAININGS)
        extra_kwargs = {"participants": _count()}


class InitiativeSerializer(RecordSerializer):
    """An initiative or technical improvement (task group 6)."""

    spec = interchange.INITIATIVES

    class Meta:
        model = Initiative
        fields = _fields(interchange.INITIATIVES)
        extra_kwargs = {"year": _year()}


# ---------------------------------------------------------------- reports


class TaskEntrySerializer(serializers.Serializer):
    task = serializers.CharField(max_length=32, help_text="A task code of the plan.")
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    result = CleanTextField(required=False, allow_blank=True)
    difficulties = CleanTextField(required=False, allow_blank=True)
    proposals = CleanTextField(required=False, allow_blank=True)

    def to_representation(self, entry) -> dict:
        return {
            "task": entry.task.code,
            "status": entry.status,
            "result": entry.result,
            "difficulties": entry.difficulties,
            "proposals": entry.proposals,
        }


class TaskEntryOutSerializer(serializers.Serializer):
    """One task as reported (the schema of ``tasks`` in a report)."""

    task = serializers.CharField()
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    result = _text()
    difficulties = _text()
    proposals = _text()


TransitionSerializer = _object(
    "Transition",
    {
        "who": serializers.CharField(allow_null=True, help_text="The user's username."),
        "when": serializers.DateTimeField(),
        "from": serializers.ChoiceField(choices=ReportState.choices),
        "to": serializers.ChoiceField(choices=ReportState.choices),
        "comment": _text(),
    },
)


class ReportSerializer(serializers.Serializer):
    """A unit report: its state, times, content and the audit of its moves."""

    plan = serializers.CharField(source="period.plan.code")
    org_unit = serializers.CharField(source="org_unit.code")
    unit_name = serializers.SerializerMethodField()
    year = serializers.IntegerField(source="period.year")
    state = serializers.ChoiceField(choices=ReportState.choices)
    version = serializers.IntegerField(
        help_text="Send it back when saving: a stale version is refused (409)."
    )
    deadline = serializers.DateTimeField(source="period.deadline")
    submitted_at = serializers.DateTimeField(
        source="first_submitted_at", allow_null=True, help_text="The first submission."
    )
    last_submitted_at = serializers.DateTimeField(source="submitted_at", allow_null=True)
    on_time = serializers.BooleanField(
        allow_null=True, help_text="First submitted before the deadline; null if never."
    )
    general_assessment = _text()
    return_reason = _text()
    tasks = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField()

    def get_unit_name(self, report: UnitReport) -> str:
        return report.unit_name or report.org_unit.name

    @extend_schema_field(TaskEntryOutSerializer(many=True))
    def get_tasks(self, report: UnitReport) -> list[dict]:
        if report.pk is None:
            return []
        entries = sorted(report.entries.all(), key=lambda e: (e.task.group.order, e.task.order))
        return [TaskEntrySerializer().to_representation(e) for e in entries]

    @extend_schema_field(TransitionSerializer(many=True))
    def get_transitions(self, report: UnitReport) -> list[dict]:
        if report.pk is None:
            return []
        field = serializers.DateTimeField()
        return [
            {
                "who": t.by.get_username() if t.by else None,
                "when": field.to_representation(t.at),
                "from": t.from_state,
                "to": t.to_state,
                "comment": t.comment,
            }
            for t in report.transitions.all()
        ]


class ExplanationSerializer(serializers.Serializer):
    rule = serializers.CharField(max_length=32, help_text="A validation rule's code.")
    text = CleanTextField(allow_blank=True, help_text="Why the values break it; empty: none.")


class ReportDraftSerializer(serializers.Serializer):
    """Save a draft: the version you loaded, and what changed."""

    version = serializers.IntegerField(
        min_value=0, help_text="The `version` of the report you loaded (optimistic locking)."
    )
    general_assessment = CleanTextField(required=False, allow_blank=True)
    tasks = TaskEntrySerializer(
        many=True,
        required=False,
        help_text="Tasks to write; fields left out keep their saved value.",
    )
    explanations = ExplanationSerializer(
        many=True, required=False, help_text="Why the values break the plan's warning rules."
    )

    def validate_tasks(self, entries: list[dict]) -> list[dict]:
        known = self.context["task_codes"]
        codes = [entry["task"] for entry in entries]
        unknown = sorted({code for code in codes if code not in known})
        if unknown:
            raise serializers.ValidationError(_("Unknown task: %s") % ", ".join(unknown))
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise serializers.ValidationError(
                _("A task is given more than once: %s") % ", ".join(twice)
            )
        return entries


class ReturnSerializer(serializers.Serializer):
    reason = CleanTextField(help_text="Why the report is returned (required).")


class AcceptSerializer(serializers.Serializer):
    comment = CleanTextField(required=False, allow_blank=True, help_text="An optional comment.")


# ---------------------------------------------------------------- indicators, status

INDICATOR_STATUSES = [
    "achieved",
    "not_achieved",
    "on_track",
    "at_risk",
    "off_track",
    "no_target",
    "no_data",
]

IndicatorTarget = _object(
    "IndicatorTarget",
    {
        "year": serializers.IntegerField(),
        "op": serializers.ChoiceField(choices=[">=", ">", "<=", "<", "==", "between", "approx"]),
        "value": serializers.FloatField(),
        "max": serializers.FloatField(required=False),
        "tolerance": serializers.FloatField(required=False),
    },
)
IndicatorValue = _object(
    "IndicatorValue",
    {
        "code": serializers.CharField(),
        "name": _text(),
        "value": serializers.FloatField(allow_null=True, help_text="null: no data (never 0)."),
        "unit": _text(),
        "status": serializers.ChoiceField(choices=INDICATOR_STATUSES),
        "target": IndicatorTarget(allow_null=True),
        "expected": serializers.FloatField(allow_null=True),
        "projected": serializers.FloatField(allow_null=True),
        "required_rate": serializers.FloatField(allow_null=True),
        "stretch_met": serializers.BooleanField(allow_null=True),
    },
)
IndicatorsSerializer = _object(
    "Indicators",
    {
        "year": serializers.IntegerField(),
        "org_unit": serializers.CharField(),
        "indicators": IndicatorValue(many=True),
    },
)

StatusUnit = _object(
    "ReportingStatusUnit",
    {
        "org_unit": serializers.CharField(),
        "state": serializers.ChoiceField(choices=ReportState.choices),
        "submitted_at": serializers.DateTimeField(allow_null=True),
        "on_time": serializers.BooleanField(allow_null=True),
        "name": _text(),
        "expected": serializers.BooleanField(),
        "last_submitted_at": serializers.DateTimeField(allow_null=True),
        "returned": serializers.BooleanField(),
    },
)
StatusSummary = _object(
    "ReportingStatusSummary",
    {
        name: serializers.IntegerField()
        for name in ("expected", "submitted", "on_time", "late", "missing", "returned")
    },
)
ReportingStatusSerializer = _object(
    "ReportingStatus",
    {
        "year": serializers.IntegerField(),
        "deadline": serializers.DateTimeField(),
        "units": StatusUnit(many=True),
        "summary": StatusSummary(),
    },
)
