"""The register catalogue: the one list of the evidence registers and what each one is.

Every module that handles "each register" reads :data:`REGISTERS` (in the interchange file's
order: budget lines, start-ups, key products before the IP titles that protect them, S&T
projects, inspections, trainings, initiatives) or looks one up with :func:`by_key` or
:func:`for_model`: the web pages and forms, the API's routes, the interchange lists, search,
the records of a yearly report, the engine's coverage and inputs, the audit trail, the admin.
Adding a register means its model, form, serializer and interchange list spec, and one entry
here.

What an entry says lives here and only here: the register's key (in URLs, API routes and the
interchange file), which field dates a record in a year and how far ahead of today it may be
dated, which dates show a unit kept the register in a year, the span a record is in force,
the columns, year filter, order and purpose of its page, the middle part of generated refs.
What belongs to the model stays on the model and is read through it: its Vietnamese labels
(``_meta.verbose_name_plural``, English msgids translated) and the fields search looks in
(``SEARCH_FIELDS``, which ``Record.save`` needs).

How it avoids import cycles: the catalogue imports only the register models, which read it
only inside their validation (``models.check_dating``, at call time), so any module may import
it at its top (once the apps are loaded, as for any
models module). The form, the API serializer and the
interchange list spec are named by dotted path instead, resolved on first use
(``import_string``) and kept on the entry, because the modules defining them import the
catalogue: ``registers.forms`` (for the ref codes), ``exchange.interchange`` (for the order
of its lists: it resolves its own specs at the end of its import, once they are defined) and
``api.serializers`` (through the interchange module). Importing those modules here would be a
cycle; importing the catalogue late, inside functions, would put the one list behind every
call site instead of at the top of each module that reads it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.expressions import OrderBy
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

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

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from kehoach.api.serializers import RegisterSerializer
    from kehoach.exchange.interchange import ListSpec
    from kehoach.registers.forms import RegisterForm


@dataclass(frozen=True, eq=False)
class Register:
    """One evidence register. Compared by identity: there is one entry per register."""

    key: str  # in URLs, API routes and the interchange file: "startups"
    model: type[models.Model]
    form_path: str  # the web form class (``registers.forms``)
    serializer_path: str  # the API serializer class (``api.serializers``)
    spec_path: str  # the interchange list (``exchange.interchange``)
    purpose: Any  # one line on the registers page: what it holds, which targets it serves
    # The field that dates a record in a year: the API's and the yearly report's year, the
    # exported year (``export --year``; not for registers ``in_force``). A year or a date.
    dated_by: str
    columns: tuple[str, ...]  # the register page's columns; the first links to the record
    # How far ahead of today a record may be dated (by ``dated_by``): through the end of the
    # year ``ahead`` years after this one (0: this year, 1: next year), or, when None, not
    # after today at all (a year: not after this one). See ``dating_errors``.
    ahead: int | None
    ref_code: str = ""  # generated refs are "<UNIT>-<ref_code>-<n>" ("" when keyed otherwise)
    # A record holding over a span (from, until) rather than happening on a day: an export
    # for a year writes these registers whole (their state is a snapshot, not a flow).
    in_force: tuple[str, str] | None = None
    # The register page's year filter: a record shows under year Y when one of these falls in
    # it (default: ``dated_by``).
    year_fields: tuple[str, ...] = ()
    # The dates that show its unit kept the register in a year (``metrics.facts.COVERAGE``;
    # default: ``dated_by``).
    covering: tuple[str, ...] = ()
    related: tuple[str, ...] = ("org_unit",)  # read with each record (select_related)
    order: tuple = ("ref",)  # the register page's order
    api_title: str = ""  # the API's plain English name, when not the model's plural msgid

    def __post_init__(self):
        for name in ("year_fields", "covering"):
            if not getattr(self, name):
                object.__setattr__(self, name, (self.dated_by,))

    def __repr__(self) -> str:
        return f"<Register {self.key}>"

    # ------------------------------------------------------------ labels

    @property
    def label(self) -> str:
        """The model's label, "registers.Startup" (the audit trail's and the engine's)."""
        return self.model._meta.label

    @property
    def title(self) -> _StrOrPromise:
        """Its name as a heading (the model's ``verbose_name_plural``, lazy: in the language
        active when shown): "Ý tưởng, dự án khởi nghiệp"."""
        return cast("_StrOrPromise", capfirst(self.model._meta.verbose_name_plural))

    @cached_property
    def api_name(self) -> str:
        """Its name in the API's summaries, in English whatever the request's language."""
        if self.api_title:
            return self.api_title
        with translation.override("en"):
            return str(self.model._meta.verbose_name_plural)

    # ------------------------------------------------------------ what it is

    @property
    def is_record(self) -> bool:
        """Keyed by ``ref`` (every register but the budget, keyed by unit, year, kind, source)."""
        return issubclass(self.model, Record)

    @property
    def search_fields(self) -> tuple[str, ...]:
        """The record's own text fields search looks in (the model's ``SEARCH_FIELDS``)."""
        return tuple(getattr(self.model, "SEARCH_FIELDS", ()))

    def field(self, name: str) -> models.Field:
        return cast(models.Field, self.model._meta.get_field(name))

    def _in_year(self, name: str, year: int) -> models.Q:
        if isinstance(self.field(name), models.DateField):
            return models.Q(**{f"{name}__year": year})
        return models.Q(**{name: year})

    def dated_in(self, year: int) -> models.Q:
        """Its records dated in ``year`` (by ``dated_by``)."""
        return self._in_year(self.dated_by, year)

    def latest_day(self, today: datetime.date) -> datetime.date:
        """The last day a record may be dated on ``today`` (``ahead``)."""
        if self.ahead is None:
            return today
        return datetime.date(today.year + self.ahead, 12, 31)

    def dating_errors(
        self, record: models.Model, today: datetime.date | None = None
    ) -> dict[str, str]:
        """What is wrong with the day ``record`` is dated (its ``dated_by``), by field: after
        its unit ended (a year: one that begins after the end), or further ahead of
        ``today`` than the register allows (``ahead``). The model's ``clean`` raises these,
        so the web form, the API's serializer and the interchange import all refuse them."""
        value = getattr(record, self.dated_by, None)
        if value is None:
            return {}
        today = today or timezone.localdate()
        by_year = not isinstance(self.field(self.dated_by), models.DateField)
        first = datetime.date(value, 1, 1) if by_year else value
        try:
            unit = getattr(record, "org_unit")  # noqa: B009 (every register has one)
        except ObjectDoesNotExist:
            unit = None
        if unit is not None and unit.ended_before(first):
            return {self.dated_by: unit.ended_text(first)}
        latest = self.latest_day(today)
        if (value > latest.year) if by_year else (value > latest):
            shown = str(value) if by_year else f"{value:%d/%m/%Y}"
            if self.ahead is None:
                message = _("%(value)s is in the future: %(what)s are not dated after today.")
            else:
                message = _("%(value)s is too far ahead: %(what)s are dated up to %(latest)s.")
            return {
                self.dated_by: message
                % {
                    "value": shown,
                    "what": self.model._meta.verbose_name_plural,
                    "latest": latest.year if by_year else f"{latest:%d/%m/%Y}",
                }
            }
        return {}

    def listed_in(self, year: int) -> models.Q:
        """Its records the register page shows under ``year`` (by ``year_fields``)."""
        q = models.Q()
        for name in self.year_fields:
            q |= self._in_year(name, year)
        return q

    # ------------------------------------------------------------ resolved on first use

    @cached_property
    def form(self) -> type[RegisterForm]:
        return import_string(self.form_path)

    @cached_property
    def serializer(self) -> type[RegisterSerializer]:
        return import_string(self.serializer_path)

    @cached_property
    def spec(self) -> ListSpec:
        return import_string(self.spec_path)


def _desc(name: str) -> OrderBy:
    return models.F(name).desc(nulls_last=True)


def _entry(key: str, model: type[models.Model], **kwargs: Any) -> Register:
    """An entry whose form, serializer and spec are named after it: ``<Model>Form``,
    ``<Model>Serializer`` and the interchange list ``<KEY>``."""
    name = model.__name__
    return Register(
        key,
        model,
        form_path=f"kehoach.registers.forms.{name}Form",
        serializer_path=f"kehoach.api.serializers.{name}Serializer",
        spec_path=f"kehoach.exchange.interchange.{key.upper()}",
        **kwargs,
    )


REGISTERS: tuple[Register, ...] = (
    _entry(
        "budget",
        BudgetLine,
        purpose=_("S&T and total local budget spending, by funding source (CT1)"),
        dated_by="year",
        ahead=1,  # an estimate (dự toán) for next year
        columns=("org_unit", "year", "kind", "source", "amount"),
        order=("-year", "org_unit__code", "kind", "source"),
    ),
    _entry(
        "startups",
        Startup,
        purpose=_("Innovative start-up ideas and projects supported (CT2)"),
        dated_by="supported_on",
        ahead=None,  # support given, not promised
        columns=("ref", "name", "org_unit", "kind", "supported_on", "support_amount"),
        ref_code="KN",  # khởi nghiệp
        order=(_desc("supported_on"), "ref"),
    ),
    _entry(
        "key_products",
        KeyProduct,
        purpose=_("Key and specialty products, OCOP stars, value chains (CT3, CT4)"),
        dated_by="recognised_on",
        ahead=None,  # recognised by a decision already taken
        columns=(
            "ref",
            "name",
            "org_unit",
            "kind",
            "ocop_stars",
            "recognised_on",
            "value_chain_since",
        ),
        ref_code="SP",  # sản phẩm
        in_force=("recognised_on", "ended_on"),
        covering=("recognised_on", "value_chain_since", "ended_on"),
    ),
    _entry(
        "ip_titles",
        IPTitle,
        purpose=_("IP applications and titles protecting local products (CT3)"),
        dated_by="granted_on",
        ahead=None,  # a title is granted on a day past
        columns=(
            "ref",
            "kind",
            "name",
            "product",
            "org_unit",
            "filed_on",
            "granted_on",
            "expires_on",
        ),
        ref_code="SHTT",  # sở hữu trí tuệ
        in_force=("granted_on", "expires_on"),
        year_fields=("filed_on", "granted_on"),
        covering=("filed_on", "granted_on"),
        related=("org_unit", "product"),
    ),
    _entry(
        "st_projects",
        STProject,
        purpose=_("Projects applying S&T advances in practice (CT5)"),
        dated_by="year",
        ahead=1,  # approved for next year
        columns=("ref", "name", "org_unit", "year", "field", "amount"),
        ref_code="DA",  # dự án
        order=("-year", "ref"),
    ),
    _entry(
        "quality_inspections",
        QualityInspection,
        purpose=_("Quality inspections of goods and services (task group 5)"),
        dated_by="inspected_on",
        ahead=1,  # planned up to next year
        columns=("ref", "subject", "org_unit", "inspected_on", "facilities", "violations"),
        ref_code="KT",  # kiểm tra
        order=("-inspected_on", "ref"),
    ),
    _entry(
        "trainings",
        Training,
        purpose=_("Training courses and participants (task group 2)"),
        dated_by="held_on",
        ahead=1,  # planned up to next year
        columns=("ref", "title", "org_unit", "held_on", "participants"),
        ref_code="DT",  # đào tạo
        order=("-held_on", "ref"),
    ),
    _entry(
        "initiatives",
        Initiative,
        purpose=_("Initiatives and technical improvements (task group 6)"),
        dated_by="year",
        ahead=None,  # recognised, this year at the latest
        columns=("ref", "title", "org_unit", "year", "authors"),
        ref_code="SK",  # sáng kiến
        order=("-year", "ref"),
        api_title="initiatives and technical improvements",
    ),
)

BY_KEY: dict[str, Register] = {register.key: register for register in REGISTERS}
BY_MODEL: dict[type[models.Model], Register] = {register.model: register for register in REGISTERS}
KEYS: tuple[str, ...] = tuple(BY_KEY)
# The registers keyed by ``ref``, in order (all but the budget, keyed by its fields).
RECORD_REGISTERS: tuple[Register, ...] = tuple(r for r in REGISTERS if r.is_record)


def by_key(key: str) -> Register:
    """The register called ``key`` ("startups"); KeyError when there is none."""
    return BY_KEY[key]


def for_model(model: type[models.Model]) -> Register:
    """The register of ``model`` (a class or an instance); KeyError when it is none."""
    if not isinstance(model, type):
        model = type(model)
    return BY_MODEL[model]
