"""The plan file (kehoach-plan/1): read, validate, load into the models, export.

One format for ``load_plan``, ``export_plan`` and ``parse_plan``; its schema is
``schema/plan.schema.json`` and docs/plan-file.md explains every key. Loading is all or
nothing and idempotent: a plan is keyed by its code, its parts by theirs, so loading the same
file twice changes nothing and load → export → load gives the same plan.
"""

import datetime
import json
import unicodedata
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from kehoach.audit import bulk as audit_bulk
from kehoach.audit.context import acting
from kehoach.lib import duedates
from kehoach.lib.problems import InvalidFile, Problem, read_text, schema_problems
from kehoach.lib.reasons import translated
from kehoach.metrics import expressions
from kehoach.metrics.facts import REGISTER_FACTS
from kehoach.orgunits.models import OrgUnitKind

from . import rules as validation_rules
from .links import export_links, link_problems, save_links
from .models import (
    DataElement,
    Duty,
    FundingSource,
    Indicator,
    LegalBasis,
    Objective,
    Plan,
    Recipient,
    ReportingRule,
    Target,
    Task,
    TaskGroup,
    ValidationRule,
)

FORMAT = "kehoach-plan/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "plan.schema.json"
DEFAULT_PLAN_PATH = Path(__file__).parent / "data" / "khcn-2021-2030.yaml"
DEFAULT_PLAN_CODE = "KHCN-2021-2030"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- reading


def read_plan_file(path: str | Path) -> dict:
    """Parse a YAML or JSON plan file and validate it; raise InvalidFile naming every problem."""
    path = Path(path)
    name = str(path)
    text = read_text(path)
    data = parse_plan_text(text, name, as_json=path.suffix.lower() == ".json")
    validate_or_raise(data, name)
    return data


def parse_plan_text(text: str, name: str, as_json: bool = False) -> Any:
    try:
        data = json.loads(text) if as_json else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        msg = _("not valid JSON at line %(line)d, column %(col)d: %(msg)s")
        problem = Problem((), msg % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg})
        raise InvalidFile(name, [problem]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _("at line %(line)d, column %(col)d") % {"line": mark.line + 1, "col": mark.column + 1}
            if mark
            else ""
        )
        problem = Problem(
            (),
            _("not valid YAML %(where)s: %(msg)s")
            % {
                "where": where,
                "msg": getattr(exc, "problem", None) or exc,
            },
        )
        raise InvalidFile(name, [problem]) from exc
    return _normalise(data)


def _normalise(value: Any) -> Any:
    """Dates (YAML reads them natively) become ISO strings; all text becomes NFC."""
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def validate(data: Any) -> list[Problem]:
    """Every problem of a plan file: its schema first, then the rules a schema cannot say."""
    if not isinstance(data, dict):
        return [Problem((), _("a plan file must be an object (keys and values)"))]
    problems = schema_problems(_validator(), data)
    if problems:
        return problems
    return _semantic_problems(data)


def validate_or_raise(data: Any, name: str) -> None:
    problems = validate(data)
    if problems:
        raise InvalidFile(name, problems)


def _duplicates(items: list[dict], key: str, path: tuple) -> list[Problem]:
    counts = Counter(item[key] for item in items)
    return [
        Problem((*path, i, key), _("%(value)r appears more than once") % {"value": item[key]})
        for i, item in enumerate(items)
        if counts[item[key]] > 1
    ]


def _date_problem(value: str | None, path: tuple) -> list[Problem]:
    if value is None:
        return []
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return [Problem(path, _("%r is not a real date") % value)]
    return []


def _due_problem(value: str | None, path: tuple) -> list[Problem]:
    try:
        duedates.parse_due(value)
    except duedates.DueDateError as exc:
        return [Problem(path, translated(exc.reason))]
    return []


def _semantic_problems(data: dict) -> list[Problem]:
    problems: list[Problem] = []
    period = data["period"]
    if period["to"] < period["from"]:
        problems.append(Problem(("period", "to"), _("the period ends before it begins")))
    if period.get("vision") is not None and period["vision"] < period["to"]:
        problems.append(
            Problem(("period", "vision"), _("the vision year is before the period's end"))
        )
    problems += _date_problem(data.get("issued_on"), ("issued_on",))
    problems += _date_problem(data.get("start_date"), ("start_date",))
    for i, basis in enumerate(data.get("legal_bases", [])):
        problems += _date_problem(basis.get("issued_on"), ("legal_bases", i, "issued_on"))
    problems += _duplicates(data.get("objectives", []), "code", ("objectives",))
    problems += _data_element_problems(data.get("data_elements", []))
    problems += _duplicates(data["indicators"], "code", ("indicators",))
    declared = {element["code"] for element in data.get("data_elements", [])}
    for i, indicator in enumerate(data["indicators"]):
        path = ("indicators", i, "targets")
        problems += _duplicates(indicator["targets"], "year", path)
        for j, target in enumerate(indicator["targets"]):
            problems += _target_problems(target, (*path, j))
        problems += _expression_problems(indicator, declared, ("indicators", i))
    rules = data.get(validation_rules.KEY, [])
    problems += _duplicates(rules, "code", (validation_rules.KEY,))
    problems += validation_rules.rule_problems(data, declared)
    problems += _duplicates(data["task_groups"], "code", ("task_groups",))
    task_codes = Counter(t["code"] for g in data["task_groups"] for t in g["tasks"])
    for i, group in enumerate(data["task_groups"]):
        for j, task in enumerate(group["tasks"]):
            if task_codes[task["code"]] > 1:
                msg = _("%(value)r appears more than once") % {"value": task["code"]}
                problems.append(Problem(("task_groups", i, "tasks", j, "code"), msg))
            problems += _due_problem(task.get("due"), ("task_groups", i, "tasks", j, "due"))
    problems += _duplicates(
        data.get("funding", {}).get("sources", []), "code", ("funding", "sources")
    )
    month, day = map(int, data["reporting"]["deadline"].split("-"))
    try:
        datetime.date(2001, month, day)
    except ValueError:
        msg = _("%r is not a day of the year") % data["reporting"]["deadline"]
        problems.append(Problem(("reporting", "deadline"), msg))
    problems += _duplicates(data["reporting"].get("duties", []), "code", ("reporting", "duties"))
    problems += _scorecard_problems(data.get("scorecard", {}))
    return problems


def _scorecard_problems(scorecard: dict) -> list[Problem]:
    problems = []
    weights = scorecard.get("weights")
    if weights is not None and weights and not any(weights.values()):
        problems.append(Problem(("scorecard", "weights"), _("at least one weight must be above 0")))
    thresholds = scorecard.get("thresholds", {})
    if thresholds.get("yellow", 0) > thresholds.get("green", 1):
        msg = _("the yellow threshold is above the green one")
        problems.append(Problem(("scorecard", "thresholds", "yellow"), msg))
    return problems


def _data_element_problems(elements: list[dict]) -> list[Problem]:
    problems = _duplicates(elements, "code", ("data_elements",))
    kinds = OrgUnitKind.values
    for i, element in enumerate(elements):
        seen: set[str] = set()
        for j, kind in enumerate(element.get("reported_by", [])):
            path = ("data_elements", i, "reported_by", j)
            if kind not in kinds:
                msg = _("%(value)r is not a kind of unit; use one of: %(allowed)s")
                problems.append(Problem(path, msg % {"value": kind, "allowed": ", ".join(kinds)}))
            elif kind in seen:
                problems.append(
                    Problem(path, _("%(value)r appears more than once") % {"value": kind})
                )
            seen.add(kind)
    return problems


def expression_error_text(exc: expressions.ExpressionError) -> str:
    """An expression's error in the user's language (the pure module speaks English)."""
    return _(exc.message) % exc.params


def _expression_problems(indicator: dict, declared: set[str], path: tuple) -> list[Problem]:
    """An indicator's ``numerator``, ``denominator`` and ``factor``: expressions that read,
    over this plan's data elements and the known register facts, fitting the measure."""
    if "formula" in indicator:
        msg = _(
            "'formula' is no longer used: define the indicator by a 'numerator' (and "
            "'denominator', 'factor') over data elements and register facts (docs/plan-file.md)"
        )
        return [Problem((*path, "formula"), msg)]
    if "numerator" not in indicator:
        return [
            Problem(
                (*path, key),
                _("'%(key)s' belongs only to an indicator with a 'numerator'") % {"key": key},
            )
            for key in ("denominator", "factor")
            if key in indicator
        ]
    problems = []
    for key in ("numerator", "denominator"):
        if key not in indicator:
            continue
        where = (*path, key)
        try:
            expression = expressions.parse(indicator[key])
        except expressions.ExpressionError as exc:
            problems.append(Problem(where, expression_error_text(exc)))
            continue
        for code in sorted(expression.elements - declared):
            msg = _("#{%(code)s} is not one of this plan's data_elements")
            problems.append(Problem(where, msg % {"code": code}))
        for name in sorted(expression.facts):
            fact = REGISTER_FACTS.get(name)
            if fact is None:
                msg = _("register.%(name)s is not a register fact; use one of: %(allowed)s")
                allowed = ", ".join(f"register.{known}" for known in REGISTER_FACTS)
                problems.append(Problem(where, msg % {"name": name, "allowed": allowed}))
            elif fact.state and indicator.get("basis") == "cumulative":
                msg = _(
                    "register.%(name)s is counted at 31 December: it cannot be added up over "
                    "the years of a cumulative indicator (use basis snapshot)"
                )
                problems.append(Problem(where, msg % {"name": name}))
    measure = indicator["measure"]
    if measure == "ratio" and "denominator" not in indicator:
        msg = _(
            "a ratio needs a 'denominator' (numerator and denominator are each summed over the "
            "units before dividing)"
        )
        problems.append(Problem((*path, "denominator"), msg))
    elif measure == "count" and "denominator" in indicator:
        msg = _("a count has no 'denominator'; make the measure ratio or value")
        problems.append(Problem((*path, "denominator"), msg))
    return problems


def _target_problems(target: dict, path: tuple) -> list[Problem]:
    op = target["op"]
    problems = []
    if op == "between":
        if "max" not in target:
            problems.append(Problem((*path, "max"), _("a 'between' target needs 'max'")))
        elif target["max"] < target["value"]:
            problems.append(Problem((*path, "max"), _("'max' is smaller than 'value'")))
    elif "max" in target:
        problems.append(Problem((*path, "max"), _("'max' belongs only to a 'between' target")))
    if op == "approx":
        if "tolerance" not in target:
            msg = _("an 'approx' target needs 'tolerance' (how far from the value still counts)")
            problems.append(Problem((*path, "tolerance"), msg))
    elif "tolerance" in target:
        msg = _("'tolerance' belongs only to an 'approx' target")
        problems.append(Problem((*path, "tolerance"), msg))
    return problems


# ---------------------------------------------------------------- loading


def _reported_value_problems(data: dict) -> list[Problem]:
    """A new version of a plan keeps what units reported: a data element with reported
    values stays in the file, with the same period type."""
    in_file = {
        e["code"]: (i, e.get("period", "yearly"))
        for i, e in enumerate(data.get("data_elements", []))
    }
    reported = (
        DataElement.objects.filter(plan__code=data["code"], values__isnull=False)
        .values_list("code", "period")
        .distinct()
    )
    problems = []
    for code, period in sorted(reported):
        if code not in in_file:
            msg = _("%(code)s has reported values: it stays in the plan (delete its values first)")
            problems.append(Problem(("data_elements",), msg % {"code": code}))
        elif in_file[code][1] != period:
            msg = _(
                "%(code)s already has values reported with period %(period)r: its period "
                "cannot change"
            )
            where = ("data_elements", in_file[code][0], "period")
            problems.append(Problem(where, msg % {"code": code, "period": period}))
    return problems


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _due_text(value: str | None) -> str:
    """A due date in its canonical text ("thường xuyên" → "ongoing"); empty when none."""
    due = duedates.parse_due(value)
    return due.text if due else ""


def _date(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def _sync(model, parent_filter: dict, items: list[dict], key: str) -> dict[str, Any]:
    """Upsert ``items`` (already as field dicts) keyed by ``key``; delete the rest."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**parent_filter)}
    kept = {}
    for fields in items:
        obj = existing.pop(fields[key], None)
        if obj is None:
            obj = model(**parent_filter, **fields)
        else:
            for name, value in fields.items():
                setattr(obj, name, value)
        obj.save()
        kept[fields[key]] = obj
    for obj in existing.values():
        obj.delete()
    return kept


@transaction.atomic
def load_plan(data: dict, name: str = "<plan>") -> Plan:
    """Validate and load a plan file's data; update the plan with the same code in place."""
    data = _normalise(data)
    validate_or_raise(data, name)
    problems = link_problems(data) + _reported_value_problems(data)
    if problems:
        raise InvalidFile(name, problems)
    with acting(via=f"plan file {Path(name).name}"):
        return _load_plan(data)


def _load_plan(data: dict) -> Plan:
    period = data["period"]
    signer = data.get("signer", {})
    funding = data.get("funding", {})
    start = data.get("start_date") or f"{period['from']:04d}-01-01"
    plan, _created = Plan.objects.update_or_create(
        code=data["code"],
        defaults={
            "doc_type": data.get("doc_type", "Kế hoạch"),
            "number": data.get("number", ""),
            "issued_on": _date(data.get("issued_on")),
            "issuer": data["issuer"],
            "issuer_superior": data.get("issuer_superior", ""),
            "title": data["title"],
            "summary": data.get("summary", ""),
            "preamble": data.get("preamble", ""),
            "period_start": period["from"],
            "period_end": period["to"],
            "vision_year": period.get("vision"),
            "start_date": _date(start),
            "signer_authority": signer.get("authority", ""),
            "signer_title": signer.get("title", ""),
            "signer_name": signer.get("name", ""),
            "funding_text": funding.get("text", ""),
            "scorecard": data.get("scorecard", {}),
        },
    )
    of_plan = {"plan": plan}
    LegalBasis.objects.filter(plan=plan).delete()
    audit_bulk.create(
        LegalBasis,
        [
            LegalBasis(
                plan=plan,
                order=i,
                doc_type=b["doc_type"],
                number=b["number"],
                issued_on=_date(b.get("issued_on")),
                issuer=b.get("issuer", ""),
                title=b.get("title", ""),
            )
            for i, b in enumerate(data.get("legal_bases", []))
        ],
    )
    _sync(
        Objective,
        of_plan,
        [
            {"code": o["code"], "order": i, "kind": o["kind"], "text": o["text"]}
            for i, o in enumerate(data.get("objectives", []))
        ],
        "code",
    )
    _sync(
        DataElement,
        of_plan,
        [
            {
                "code": e["code"],
                "order": i,
                "name": e["name"],
                "unit": e.get("unit", ""),
                "type": e["type"],
                "aggregation": e.get("aggregation", DataElement.Aggregation.SUM),
                "period": e.get("period", DataElement.PeriodType.YEARLY),
                "reported_by": list(e.get("reported_by", [])),
            }
            for i, e in enumerate(data.get("data_elements", []))
        ],
        "code",
    )
    indicators = _sync(
        Indicator,
        of_plan,
        [
            {
                "code": ind["code"],
                "order": i,
                "name": ind["name"],
                "text": ind.get("text", ""),
                "measure": ind["measure"],
                "unit": ind.get("unit", ""),
                "basis": ind.get("basis", "annual"),
                "numerator": ind.get("numerator", ""),
                "denominator": ind.get("denominator", ""),
                "factor": _dec(ind.get("factor", 1)),
                "baseline_year": ind.get("baseline", {}).get("year"),
                "baseline_value": _dec(ind.get("baseline", {}).get("value")),
            }
            for i, ind in enumerate(data["indicators"])
        ],
        "code",
    )
    for ind in data["indicators"]:
        indicator = indicators[ind["code"]]
        indicator.targets.all().delete()
        audit_bulk.create(
            Target,
            [
                Target(
                    indicator=indicator,
                    year=t["year"],
                    op=t["op"],
                    value=_dec(t["value"]),
                    max=_dec(t.get("max")),
                    tolerance=_dec(t.get("tolerance")),
                    note=t.get("note", ""),
                )
                for t in ind["targets"]
            ],
        )
    _sync(ValidationRule, of_plan, validation_rules.rule_fields(data), "code")
    groups = _sync(
        TaskGroup,
        of_plan,
        [
            {"code": g["code"], "order": i, "title": g["title"]}
            for i, g in enumerate(data["task_groups"])
        ],
        "code",
    )
    _sync(
        Task,
        of_plan,
        [
            {
                "code": t["code"],
                "group": groups[g["code"]],
                "order": j,
                "text": t["text"],
                "lead": t["lead"],
                "coordinating": list(t.get("coordinating", [])),
                "due": _due_text(t.get("due")),
            }
            for g in data["task_groups"]
            for j, t in enumerate(g["tasks"])
        ],
        "code",
    )
    _sync(
        FundingSource,
        of_plan,
        [
            {"code": s["code"], "order": i, "name": s["name"]}
            for i, s in enumerate(funding.get("sources", []))
        ],
        "code",
    )
    reporting = data["reporting"]
    month, day = map(int, reporting["deadline"].split("-"))
    ReportingRule.objects.update_or_create(
        plan=plan,
        defaults={
            "frequency": reporting["frequency"],
            "deadline_month": month,
            "deadline_day": day,
            "lead_unit": reporting["lead_unit"],
            "receiver": reporting.get("receiver", ""),
            "upward_receivers": list(reporting.get("upward_receivers", [])),
            "reporters": list(reporting.get("reporters", [])),
        },
    )
    _sync(
        Duty,
        of_plan,
        [
            {"code": d["code"], "order": i, "party": d["party"], "text": d["text"]}
            for i, d in enumerate(reporting.get("duties", []))
        ],
        "code",
    )
    Recipient.objects.filter(plan=plan).delete()
    audit_bulk.create(
        Recipient,
        [
            Recipient(plan=plan, order=i, name=r["name"], note=r.get("note", ""))
            for i, r in enumerate(data.get("recipients", []))
        ],
    )
    save_links(plan, data, indicators)
    return plan


def load_plan_file(path: str | Path) -> Plan:
    return load_plan(read_plan_file(path), str(path))


def load_default_plan() -> Plan:
    return load_plan_file(DEFAULT_PLAN_PATH)


# ---------------------------------------------------------------- exporting


def _num(value: Decimal | None) -> int | float | None:
    """A stored number as the plan file writes it: 3, 0.05, 100 (no trailing zeros)."""
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def export_plan(plan: Plan) -> dict:
    """The plan as plan-file data; ``load_plan(export_plan(p))`` reproduces ``p``."""
    rule = plan.reporting_rule
    indicators = []
    for ind in plan.indicators.prefetch_related("targets"):
        item = {
            "code": ind.code,
            "name": ind.name,
            "text": ind.text,
            "measure": ind.measure,
            "unit": ind.unit,
            "basis": ind.basis,
        }
        if ind.numerator:
            item["numerator"] = ind.numerator
            if ind.denominator:
                item["denominator"] = ind.denominator
            if ind.factor != 1:
                item["factor"] = _num(ind.factor)
        if ind.baseline_year is not None:
            item["baseline"] = {"year": ind.baseline_year, "value": _num(ind.baseline_value)}
        item["targets"] = []
        for t in ind.targets.all():
            target = {"year": t.year, "op": t.op, "value": _num(t.value)}
            if t.max is not None:
                target["max"] = _num(t.max)
            if t.tolerance is not None:
                target["tolerance"] = _num(t.tolerance)
            if t.note:
                target["note"] = t.note
            item["targets"].append(target)
        links = export_links(ind)
        if links:
            item["contributes_to"] = links
        indicators.append(item)
    tasks_by_group: dict[int, list] = {}
    for task in plan.tasks.order_by("order", "pk"):
        tasks_by_group.setdefault(task.group_id, []).append(task)
    higher = {"implements": plan.implements.code} if plan.implements_id else {}
    elements = [
        {
            "code": e.code,
            "name": e.name,
            "unit": e.unit,
            "type": e.type,
            "aggregation": e.aggregation,
            "period": e.period,
            "reported_by": list(e.reported_by),
        }
        for e in plan.data_elements.all()
    ]
    reported = {"data_elements": elements} if elements else {}
    checks = validation_rules.export_rules(plan)
    checked = {validation_rules.KEY: checks} if checks else {}
    return {
        "format": FORMAT,
        "code": plan.code,
        **higher,
        "doc_type": plan.doc_type,
        "number": plan.number,
        "issued_on": _iso(plan.issued_on),
        "issuer": plan.issuer,
        "issuer_superior": plan.issuer_superior,
        "title": plan.title,
        "summary": plan.summary,
        "preamble": plan.preamble,
        "period": {"from": plan.period_start, "to": plan.period_end, "vision": plan.vision_year},
        "start_date": _iso(plan.start_date),
        "legal_bases": [
            {
                "doc_type": b.doc_type,
                "number": b.number,
                "issued_on": _iso(b.issued_on),
                "issuer": b.issuer,
                "title": b.title,
            }
            for b in plan.legal_bases.all()
        ],
        "signer": {
            "authority": plan.signer_authority,
            "title": plan.signer_title,
            "name": plan.signer_name,
        },
        "objectives": [
            {"code": o.code, "kind": o.kind, "text": o.text} for o in plan.objectives.all()
        ],
        **reported,
        "indicators": indicators,
        **checked,
        "task_groups": [
            {
                "code": g.code,
                "title": g.title,
                "tasks": [
                    {
                        "code": t.code,
                        "text": t.text,
                        "lead": t.lead,
                        "coordinating": list(t.coordinating),
                        **({"due": t.due} if t.due else {}),
                    }
                    for t in tasks_by_group.get(g.pk, [])
                ],
            }
            for g in plan.task_groups.all()
        ],
        "funding": {
            "text": plan.funding_text,
            "sources": [{"code": s.code, "name": s.name} for s in plan.funding_sources.all()],
        },
        "reporting": {
            "frequency": rule.frequency,
            "deadline": rule.deadline,
            "lead_unit": rule.lead_unit,
            "receiver": rule.receiver,
            "upward_receivers": list(rule.upward_receivers),
            "reporters": list(rule.reporters),
            "duties": [
                {"code": d.code, "party": d.party, "text": d.text} for d in plan.duties.all()
            ],
        },
        **({"scorecard": plan.scorecard} if plan.scorecard else {}),
        "recipients": [{"name": r.name, "note": r.note} for r in plan.recipients.all()],
    }


def dump(data: dict, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
