"""Pages: the evidence registers, their records, the forms that change them, their history.

    /registers/                               the registers, with counts for the units one sees
    /registers/<kind>/?unit=&year=&q=&page=   a register's records (50 a page)
    /registers/<kind>/new/?unit=CODE          add a record
    /registers/<kind>/<pk>/                   a record: the form, or read-only for readers
    /registers/<kind>/<pk>/history/           every change of the record: when, who, what

``kind`` is the register's key in the register catalogue (``registers.catalogue``), its name in
interchange files (budget, startups, key_products, ...); the catalogue gives each register's
columns, year filter, order, purpose and form.
Who sees and edits what is decided by ``kehoach.accounts.access`` alone: a record of a unit
outside one's reach answers 404; one seen but not editable shows no form and refuses POST (403).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kehoach.accounts import access
from kehoach.lib.numbers import MISSING, format_number
from kehoach.lib.periods import VIETNAM, format_local_date, format_local_datetime
from kehoach.lib.text import fold
from kehoach.lib.versions import Conflict
from kehoach.orgunits.models import OrgUnit
from kehoach.registers import versions as record_versions
from kehoach.registers.catalogue import REGISTERS, Register, by_key
from kehoach.registers.forms import editable_units, next_ref
from kehoach.registers.models import IPTitle, KeyProduct, Record
from kehoach.registers.search import search, terms

PAGE_SIZE = 50
MONEY = {"amount", "support_amount"}  # đồng
PLAIN_NUMBERS = {"year", "ocop_stars"}  # no thousands separator: 2025, not 2.025
INITIAL_REASON = "initial version"  # set by migration 0002 on the entries it creates


def _years(register: Register, queryset: models.QuerySet) -> list[int]:
    """The years that have records in ``queryset`` by the register page's year filter, newest
    first (a query per field)."""
    found: set[int] = set()
    for name in register.year_fields:
        if isinstance(register.field(name), models.DateField):
            found |= {day.year for day in queryset.dates(name, "year")}
        else:
            found |= set(queryset.order_by().values_list(name, flat=True).distinct())
    return sorted(found, reverse=True)


def _register(kind: str) -> Register:
    try:
        return by_key(kind)
    except KeyError:
        raise Http404 from None


# ---------------------------------------------------------------- showing values


@dataclass
class Cell:
    text: str
    css: str = ""
    href: str = ""


def show(field: models.Field, value, names: dict | None = None) -> Cell:
    """A field's value as Vietnamese readers write it: 1.250.000.000 đ, 24/11/2025.

    ``value`` is the attribute (a related object) or, with ``names`` (id → label), a raw id.
    """
    if value is None or value == "":
        return Cell(MISSING, "missing")
    if field.is_relation:
        if names is not None:
            return Cell(str(names.get(value, f"#{value}")))
        if isinstance(value, OrgUnit):
            return Cell(value.short_name or value.name)
        return Cell(getattr(value, "name", None) or str(value))
    if field.choices:
        return Cell(str(dict(field.flatchoices).get(value, value)))
    if isinstance(value, datetime.datetime):
        return Cell(format_local_datetime(value), "date")
    if isinstance(value, datetime.date):
        return Cell(format_local_date(value), "date")
    if isinstance(value, bool):
        return Cell(_("yes") if value else _("no"))
    if isinstance(value, int):
        if field.name in MONEY:
            return Cell(f"{format_number(value)} đ", "num")
        if field.name in PLAIN_NUMBERS:
            return Cell(str(value), "num")
        return Cell(format_number(value), "num")
    return Cell(str(value), "ref" if field.name == "ref" else "")


def _css(field: models.Field) -> str:
    """How a column aligns: dates and numbers to the right."""
    if isinstance(field, models.DateField):
        return "date"
    if field.name == "ref":
        return "ref"
    if isinstance(field, models.IntegerField) and not field.choices:
        return "num"
    return ""


def _record_url(register: Register, pk: int) -> str:
    return reverse("web:register_record", args=[register.key, pk])


def _visible(register: Register, ids: set[int] | None) -> models.QuerySet:
    """The register's records of the units ``ids`` (``access.visible_unit_ids``; None: all)."""
    queryset = register.model.objects.all()
    return queryset if ids is None else queryset.filter(org_unit_id__in=ids)


def _unit_query(code: str) -> str:
    return "?" + urlencode({"unit": code})


def _unit_label(unit: OrgUnit) -> str:
    return f"{unit.code} · {unit.name}"


# ---------------------------------------------------------------- pages


@login_required
def index(request):
    may_add = editable_units(request.user).exists()
    ids = access.visible_unit_ids(request.user)
    rows = [
        {
            "register": register,
            "count": _visible(register, ids).count(),
            "url": reverse("web:register", args=[register.key]),
            "new_url": reverse("web:register_new", args=[register.key]) if may_add else "",
        }
        for register in REGISTERS
    ]
    return render(request, "web/registers/index.html", {"rows": rows, "may_add": may_add})


@login_required
def record_list(request, kind: str):
    register = _register(kind)
    user = request.user
    ids = access.visible_unit_ids(user)
    visible = _visible(register, ids)
    queryset = visible.select_related(*register.related)

    unit = None
    code = request.GET.get("unit", "").strip()
    if code:
        unit = access.unit_or_404(user, code, access.VIEW)
        queryset = queryset.filter(org_unit=unit)
    year_text = request.GET.get("year", "").strip()
    year = (
        int(year_text)
        if len(year_text) == 4 and year_text.isascii() and year_text.isdigit()
        else None
    )
    if year is not None:
        queryset = queryset.filter(register.listed_in(year))
    query = request.GET.get("q", "").strip()
    if query:
        if register.is_record:
            queryset = search(queryset, query)
        else:
            queryset = queryset.filter(org_unit_id__in=_units_matching(user, query))

    page = Paginator(queryset.order_by(*register.order), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    fields = [register.field(name) for name in register.columns]
    rows = []
    for obj in page.object_list:
        cells = [show(field, getattr(obj, field.name)) for field in fields]
        cells[0].href = _record_url(register, obj.pk)
        rows.append(cells)

    units = OrgUnit.objects.all() if ids is None else OrgUnit.objects.filter(pk__in=ids)
    units = units.order_by("code").only("code", "name")
    may_add = editable_units(user)
    new_url = ""
    if may_add.exists():
        new_url = reverse("web:register_new", args=[register.key])
        if unit is not None and access.can(user, access.EDIT_REGISTERS, unit):
            new_url += _unit_query(unit.code)
    return render(
        request,
        "web/registers/list.html",
        {
            "register": register,
            "headers": [(capfirst(field.verbose_name), _css(field)) for field in fields],
            "rows": rows,
            "page": page,
            "units": [(u.code, _unit_label(u)) for u in units],
            "years": sorted({*_years(register, visible), *([year] if year else [])}, reverse=True),
            "unit": unit,
            "year": year,
            "query": query,
            "filtered": bool(unit or year or query),
            "new_url": new_url,
        },
    )


def _units_matching(user, query: str) -> list[int]:
    """The visible units whose code or name holds every word of ``query`` (folded)."""
    words = terms(query)
    units = access.visible_units(user).values_list("pk", "code", "name", "short_name")
    return [
        pk
        for pk, *names in units
        if all(word in fold(" ".join(n for n in names if n)) for word in words)
    ]


def _save(form, register: Register):
    """Save the form; a generated ref taken meanwhile by someone else gets the next number."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return form.save()
        except IntegrityError:
            if not getattr(form, "ref_generated", False):
                raise
            form.instance.ref = next_ref(register.model, form.instance.org_unit, skip=attempt + 1)
    raise IntegrityError("no free ref")


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request, kind: str):
    register = _register(kind)
    user = request.user
    units = editable_units(user)
    code = request.GET.get("unit", "").strip()
    initial = {}
    if code:
        initial["org_unit"] = access.unit_or_404(user, code, access.EDIT_REGISTERS)
    elif not units.exists():
        raise PermissionDenied
    else:
        first_two = list(units[:2])
        if len(first_two) == 1:
            initial["org_unit"] = first_two[0]
    if request.method == "POST":
        form = register.form(request.POST, user=user)
        if form.is_valid():
            access.check(user, access.EDIT_REGISTERS, form.cleaned_data["org_unit"])
            try:
                obj = _save(form, register)
            except IntegrityError:
                form.add_error(None, _("Someone saved the same record at the same time; retry."))
            else:
                messages.success(
                    request,
                    _("%(register)s: %(record)s added.")
                    % {"register": register.title, "record": _name(obj)},
                )
                return redirect(_record_url(register, obj.pk))
    else:
        form = register.form(user=user, initial=initial)
    return render(
        request,
        "web/registers/record.html",
        {
            "register": register,
            "form": form,
            "record": None,
            "title": _("New record"),
            "list_url": reverse("web:register", args=[register.key])
            + (_unit_query(code) if code else ""),
        },
    )


def _name(obj) -> str:
    if isinstance(obj, Record):
        return " · ".join(part for part in (obj.ref, obj.label) if part)
    unit = obj.org_unit
    return f"{unit.short_name or unit.name} · {obj.year} · {obj.get_kind_display()}" + (
        f" · {obj.get_source_display()}" if obj.source else ""
    )


def _record_or_404(register: Register, user, pk: int):
    obj = get_object_or_404(register.model.objects.select_related(*register.related), pk=pk)
    access.check(user, access.VIEW, obj.org_unit)
    return obj


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, kind: str, pk: int):
    register = _register(kind)
    user = request.user
    obj = _record_or_404(register, user, pk)
    may_edit = access.can(user, access.EDIT_REGISTERS, obj.org_unit)
    form = None
    conflict = ""
    status = 200
    if request.method == "POST":
        access.check(user, access.EDIT_REGISTERS, obj.org_unit)
        form = register.form(request.POST, instance=obj, user=user)
        if form.is_valid():
            access.check(user, access.EDIT_REGISTERS, form.cleaned_data["org_unit"])
            if not form.has_changed():
                messages.info(request, _("Nothing changed."))
                return redirect(_record_url(register, obj.pk))
            try:
                with transaction.atomic():
                    record_versions.locked(obj, form.cleaned_data.get("version"))
                    obj = form.save()
            except Conflict as exc:
                conflict, status = str(exc), 409
                obj = _record_or_404(register, user, pk)  # as saved now, for the page's head
                _offer_current_version(form, obj)
            else:
                messages.success(request, _("Saved: %(record)s.") % {"record": _name(obj)})
                return redirect(_record_url(register, obj.pk))
    elif may_edit:
        form = register.form(instance=obj, user=user)
    details = []
    if form is None:
        for name in register.form._meta.fields:
            field = register.field(name)
            details.append((capfirst(field.verbose_name), show(field, getattr(obj, name))))
    return render(
        request,
        "web/registers/record.html",
        {
            "register": register,
            "form": form,
            "record": obj,
            "title": _name(obj),
            "details": details,
            "conflict": conflict,
            "updated": show(register.field("updated_at"), obj.updated_at),
            "history_url": reverse("web:register_history", args=[register.key, obj.pk]),
            "list_url": reverse("web:register", args=[register.key])
            + _unit_query(obj.org_unit.code),
        },
        status=status,
    )


def _offer_current_version(form, saved) -> None:
    """After a conflict: the form keeps what was typed and now carries the saved version, so
    saving it again (after a look at the record's history) writes it over what is saved."""
    data = form.data.copy()
    data["version"] = str(saved.version)
    form.data = data


@login_required
def record_history(request, kind: str, pk: int):
    register = _register(kind)
    obj = _record_or_404(register, request.user, pk)
    versions = list(obj.history.select_related("history_user").order_by("history_date", "pk"))
    order = [name for name in register.form._meta.fields if name != "ref"]
    if register.is_record:
        order.insert(0, "ref")
    fields = {name: register.field(name) for name in order}
    names = _related_names(register, versions)

    entries = []
    previous = None
    for version in versions:
        changes = []
        if version.history_type == "+":
            changes = [
                (name, None, getattr(version, fields[name].attname))
                for name in order
                if getattr(version, fields[name].attname) not in (None, "")
            ]
        elif version.history_type == "~" and previous is not None:
            delta = version.diff_against(previous, included_fields=order)
            changed = {change.field: change for change in delta.changes}
            changes = [
                (name, changed[name].old, changed[name].new) for name in order if name in changed
            ]
        entries.append(
            {
                "when": version.history_date.astimezone(VIETNAM),
                "when_text": format_local_datetime(version.history_date),
                "who": _who(version.history_user),
                "action": _action(version, previous),
                "changes": [
                    {
                        "field": capfirst(fields[name].verbose_name),
                        "before": show(fields[name], old, names.get(name))
                        if old is not None
                        else None,
                        "after": show(fields[name], new, names.get(name)),
                    }
                    for name, old, new in changes
                ],
                "first": version.history_type == "+",
                "unknown_before": version.history_type == "~" and previous is None,
            }
        )
        previous = version
    entries.reverse()
    return render(
        request,
        "web/registers/history.html",
        {
            "register": register,
            "record": obj,
            "title": _name(obj),
            "entries": entries,
            "record_url": _record_url(register, obj.pk),
            "list_url": reverse("web:register", args=[register.key])
            + _unit_query(obj.org_unit.code),
        },
    )


def _related_names(register: Register, versions) -> dict[str, dict]:
    """id → label of the units (and products) the versions name: one query each."""
    names: dict[str, dict] = {}
    unit_ids = {v.org_unit_id for v in versions if v.org_unit_id}
    names["org_unit"] = {
        pk: f"{code} · {name}"
        for pk, code, name in OrgUnit.objects.filter(pk__in=unit_ids).values_list(
            "pk", "code", "name"
        )
    }
    if register.model is IPTitle:
        product_ids = {v.product_id for v in versions if v.product_id}
        names["product"] = {
            pk: f"{name} ({ref})"
            for pk, name, ref in KeyProduct.objects.filter(pk__in=product_ids).values_list(
                "pk", "name", "ref"
            )
        }
    return names


def _who(user) -> str:
    if user is None:
        return _("the system (import or script)")
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def _action(version, previous) -> str:
    if version.history_type == "+":
        if version.history_change_reason == INITIAL_REASON:
            return _("State when the history began")
        return _("Created")
    if version.history_type == "-":
        return _("Deleted")
    return _("Changed")


urlpatterns = [
    path("registers/", index, name="registers"),
    path("registers/<slug:kind>/", record_list, name="register"),
    path("registers/<slug:kind>/new/", record_new, name="register_new"),
    path("registers/<slug:kind>/<int:pk>/", record_edit, name="register_record"),
    path("registers/<slug:kind>/<int:pk>/history/", record_history, name="register_history"),
]
