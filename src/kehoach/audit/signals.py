"""Every save and delete of the audited models goes into the trail, with who and how
(``context``: the request's user and web/api/admin, or the command, import, restore...).

Code that changes rows with ``QuerySet.update`` (the report workflow) records them itself with
``record``. Bulk writes record through ``record_many`` (when they hold the instances) or
``bulk.watching`` (rows read before and after).

What is audited: every model whose rows are the users' data or decide what they see and may
do (the plan and everything in it, units and their reorganisations, registers, reports and
their assignment, memberships). Left out: the audit trail itself, derived rows (report
versions, search text, indicator caches), the log of reminders sent, DHIS2's mirrored values
(a copy of another system's data, re-read at will), and Django's own tables (sessions, login
attempts, tokens).
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from kehoach.registers.catalogue import REGISTERS

from . import trail

AUDITED = [
    "accounts.Membership",
    "orgunits.OrgUnit",
    "orgunits.OrgUnitName",
    "orgunits.ReorganisationEvent",
    "orgunits.EventUnit",
    "plans.Plan",
    "plans.PlanTenure",
    "plans.LegalBasis",
    "plans.DataElement",
    "plans.Objective",
    "plans.Indicator",
    "plans.IndicatorLink",
    "plans.Target",
    "plans.TaskGroup",
    "plans.Task",
    "plans.FundingSource",
    "plans.ReportingRule",
    "plans.Duty",
    "plans.Recipient",
    "plans.ValidationRule",
    *(register.label for register in REGISTERS),  # every register of the catalogue
    "reporting.ReportingPeriod",
    "reporting.UnitPlan",
    "reporting.UnitPlanTask",
    "reporting.UnitReport",
    "reporting.TaskEntry",
    "reporting.Transition",
    "reporting.Attachment",
    "followup.Assignment",
    "followup.Progress",
    "followup.Explanation",
    "documents.ConsolidatedReport",
    "documents.ConsolidatedMove",
    "reporting.DataValue",
    "reporting.RuleExplanation",
]
SKIP_FIELDS = {"updated_at", "created_at", "search_text"}


def values(instance) -> dict:
    found = {}
    for f in instance._meta.concrete_fields:
        if f.attname in SKIP_FIELDS:
            continue
        value = getattr(instance, f.attname)
        if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file: its path
            value = value.name
        found[f.attname] = value
    return found


def record(instance, before: dict | None, *, user=None, action: str | None = None) -> None:
    after = values(instance)
    if before is not None and trail.plain(before) == trail.plain(after) and action is None:
        return
    trail.append(
        action or ("create" if before is None else "update"),
        instance._meta.label,
        instance.pk,
        before=before,
        after=after,
        user=user,
        object_repr=str(instance),
    )


def record_many(changes: list[tuple], *, user=None) -> int:
    """Record what a bulk write changed, in one go (``trail.append_many``): each change is
    (instance as saved, its values before, or None when it was created). Unchanged ones are
    left out, as ``record`` leaves them out."""
    pending = []
    for instance, before in changes:
        after = values(instance)
        if before is not None and trail.plain(before) == trail.plain(after):
            continue
        pending.append(
            trail.Pending(
                "create" if before is None else "update",
                instance._meta.label,
                instance.pk,
                before=before,
                after=after,
                object_repr=str(instance),
            )
        )
    return trail.append_many(pending, user=user)


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = values(old) if old is not None else None


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    record(instance, None if created else getattr(instance, "_audit_before", None))


def _post_delete(sender, instance, **kwargs):
    trail.append(
        "delete",
        instance._meta.label,
        instance.pk,
        before=values(instance),
        object_repr=str(instance),
    )


def connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit-{label}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-del")
