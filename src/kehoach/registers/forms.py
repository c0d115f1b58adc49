"""The forms that add and change register records, one per register.

Labels are the models' verbose names (translated through the models' msgids). The org unit
field offers only the units the user may ``edit_registers`` on (the access rule decides); the
protected product only key products of units the user sees. Amounts are written the
Vietnamese way ("1.250.000.000") or as plain digits. A new record left without a ``ref`` gets
"<UNIT CODE>-<REF CODE>-<n>" (the register's ``ref_code`` in ``registers.catalogue``, which also
names each register's form); an existing record's ``ref`` is its key in interchange files and
cannot be changed here.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehoach.accounts import access
from kehoach.lib.forms import TextField
from kehoach.lib.numbers import format_number, parse_number
from kehoach.orgunits.models import OrgUnit

from . import catalogue, refs
from .models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Record,
    Startup,
    STProject,
    Training,
)

YEAR_MIN, YEAR_MAX = 1990, 2100
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]  # 24/11/2025 first


def editable_units(user) -> models.QuerySet:
    """The units whose register records ``user`` may add or change, by code."""
    visible = access.visible_units(user).order_by("code")
    units = list(visible.only("pk", "code", "name", "parent_id"))
    ids = [unit.pk for unit in units if access.can(user, access.EDIT_REGISTERS, unit)]
    if len(ids) == len(units):
        return visible
    return OrgUnit.objects.filter(pk__in=ids).order_by("code")


def next_ref(model: type[Record], unit: OrgUnit, skip: int = 0) -> str:
    """The next free "<UNIT>-<CODE>-<n>" of ``unit`` in ``model`` (one query)."""
    prefix = f"{unit.code}-{catalogue.for_model(model).ref_code}-"
    taken = model.objects.filter(ref__startswith=prefix).values_list("ref", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1 + skip}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.code} · {obj.name}"


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: KeyProduct) -> str:
        return f"{obj.name} ({obj.ref})"


class MoneyField(forms.IntegerField):
    """Whole đồng, written "1.250.000.000", "1250000000" or "1 250 000 000"."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def widget_attrs(self, widget):
        return {}  # no min/max/step: the widget is text

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_number(str(value))
        except ValueError:
            raise ValidationError(
                _("Enter an amount in đồng, for example 1.250.000.000."), code="invalid"
            ) from None
        if number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number of đồng."), code="invalid")
        return int(number)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_number(value)
        return value


def _formfield(field: models.Field, **kwargs):
    if isinstance(field, models.DateField):
        # A text box in dd/mm/yyyy, not the browser's date picker, which follows the browser's
        # language (mm/dd/yyyy in an English browser) and would make 03/04 ambiguous.
        kwargs["widget"] = forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy"), "autocomplete": "off"}
        )
        kwargs["input_formats"] = DATE_FORMATS
    elif isinstance(field, models.TextField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
        kwargs["form_class"] = TextField
    elif isinstance(field, models.CharField):
        kwargs["form_class"] = TextField  # the one cleaning of text (``lib.text``)
    return field.formfield(**kwargs)


class RegisterForm(forms.ModelForm):
    """What every register form does: units the user may edit, Vietnamese amounts, and the
    version of the record the form was made from (``registers.versions``: a stale save is
    refused, nothing overwritten)."""

    money_fields: tuple[str, ...] = ()
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        unit_field = self.fields["org_unit"]
        self.fields["org_unit"] = UnitChoiceField(
            queryset=editable_units(user),
            label=unit_field.label,
            required=True,
            empty_label=None if self.instance.pk else "—",
        )
        for name in self.money_fields:
            old = self.fields[name]
            self.fields[name] = MoneyField(
                label=old.label, required=old.required, help_text=_("in đồng, e.g. 1.250.000.000")
            )
        if "year" in self.fields:
            old = self.fields["year"]
            self.fields["year"] = forms.IntegerField(
                label=old.label, min_value=YEAR_MIN, max_value=YEAR_MAX
            )


class RecordForm(RegisterForm):
    """A record of one of the registers keyed by ``ref``."""

    ref_generated = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ref = self.fields["ref"]
        if self.instance.pk:
            ref.disabled = True
            ref.help_text = _("The record's key in interchange files; it does not change.")
        else:
            ref.required = False
            ref.help_text = _("Leave empty to number it automatically, e.g. X01-KN-3.")

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("ref") and cleaned.get("org_unit"):
            cleaned["ref"] = next_ref(self._meta.model, cleaned["org_unit"])
            self.ref_generated = True
        ref = cleaned.get("ref")
        if not self.instance.pk and ref and not self.ref_generated:
            problem = refs.unusable(self._meta.model, ref, access.visible_unit_ids(self.user))
            if problem:  # before the unique check, which would say "already exists"
                self.add_error("ref", problem)
        return cleaned


def _order(model: type[models.Model], *own: str) -> list[str]:
    return ["ref", "org_unit", *own, "note"] if issubclass(model, Record) else list(own)


class BudgetLineForm(RegisterForm):
    money_fields = ("amount",)

    class Meta:
        model = BudgetLine
        fields = ["org_unit", "year", "kind", "source", "amount", "note"]
        formfield_callback = _formfield


class StartupForm(RecordForm):
    money_fields = ("support_amount",)

    class Meta:
        model = Startup
        fields = _order(
            Startup, "name", "kind", "founder", "supported_on", "support", "support_amount"
        )
        formfield_callback = _formfield


class KeyProductForm(RecordForm):
    class Meta:
        model = KeyProduct
        fields = _order(
            KeyProduct,
            "name",
            "kind",
            "ocop_stars",
            "recognised_on",
            "ended_on",
            "value_chain_since",
        )
        formfield_callback = _formfield

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("recognised_on"), cleaned.get("ended_on")
        if start and end and end <= start:
            self.add_error("ended_on", _("This date must be after the date it was recognised."))
        return cleaned


class IPTitleForm(RecordForm):
    class Meta:
        model = IPTitle
        fields = _order(
            IPTitle,
            "kind",
            "name",
            "number",
            "holder",
            "product",
            "filed_on",
            "granted_on",
            "expires_on",
        )
        formfield_callback = _formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        products = KeyProduct.objects.select_related("org_unit").order_by("name")
        visible = access.visible_unit_ids(self.user)
        if visible is not None:
            products = products.filter(org_unit_id__in=visible)
        old = self.fields["product"]
        self.fields["product"] = ProductChoiceField(
            queryset=products, label=old.label, required=False
        )

    def clean(self):
        cleaned = super().clean()
        filed, granted, expires = (cleaned.get(n) for n in ("filed_on", "granted_on", "expires_on"))
        if filed and granted and granted < filed:
            self.add_error("granted_on", _("The grant date cannot be before the filing date."))
        if granted and expires and expires < granted:
            self.add_error("expires_on", _("A title cannot expire before it is granted."))
        return cleaned


class STProjectForm(RecordForm):
    money_fields = ("amount",)

    class Meta:
        model = STProject
        fields = _order(STProject, "name", "year", "field", "implementer", "amount", "source")
        formfield_callback = _formfield


class QualityInspectionForm(RecordForm):
    class Meta:
        model = QualityInspection
        fields = _order(
            QualityInspection, "subject", "inspected_on", "partner", "facilities", "violations"
        )
        formfield_callback = _formfield


class TrainingForm(RecordForm):
    class Meta:
        model = Training
        fields = _order(Training, "title", "held_on", "organiser", "participants")
        formfield_callback = _formfield


class InitiativeForm(RecordForm):
    class Meta:
        model = Initiative
        fields = _order(Initiative, "title", "year", "authors", "recognised_by")
        formfield_callback = _formfield
