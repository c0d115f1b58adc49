"""Performing a reorganisation: ``apply_event(event)``, one transaction, or nothing at all.

What each kind does is described on :class:`~kehoach.orgunits.models.ReorganisationEvent`.
Every check runs before anything is written; an illegal event raises :class:`IllegalEvent`
listing every reason (a unit that already ended, a successor that does not exist yet, units
still under an abolished one, a move into the unit's own subtree...).

An event whose effect is already in the database (the units ended the day before with that
successor, the unit already carries the new name or sits under the new parent and the event
says what it was before) is *recorded* rather than refused: an interchange file carries units
in their final state together with the events that brought them there.

After the units change, the duties follow them (``reporting.succession.carry_duties``): plans,
implementation plans and open reporting duties of the ending units pass to their successors.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehoach.audit.context import acting

from .models import EventKind, EventUnit, OrgUnit, OrgUnitName, ReorganisationEvent

ONE_DAY = datetime.timedelta(days=1)
# Within one day, the order events are applied in: units below an abolished one must have
# been merged, split or moved first.
KIND_ORDER = {
    EventKind.RENAME: 0,
    EventKind.TRANSFER: 1,
    EventKind.SPLIT: 2,
    EventKind.MERGE: 3,
    EventKind.ABOLISH: 4,
}


class IllegalEvent(ValueError):
    """The event cannot be applied; ``problems`` says every reason. Nothing was changed."""

    def __init__(self, event: ReorganisationEvent, problems: list[str]):
        self.event = event
        self.problems = problems
        super().__init__(f"{event.ref}: " + "; ".join(problems))


def _day(day: datetime.date | None) -> str:
    return "—" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def _exists_on(unit: OrgUnit, day: datetime.date) -> bool:
    return unit.is_valid_on(day)


def _label(unit: OrgUnit) -> str:
    return f"{unit.code} ({unit.name})"


class _Plan:
    """What an event will do, worked out (and checked) before anything is written."""

    def __init__(self, event: ReorganisationEvent):
        self.event = event
        self.day = event.effective_on
        self.last = event.effective_on - ONE_DAY
        self.links = list(event.links.select_related("unit", "previous_parent").order_by("order"))
        self.sources = [link for link in self.links if link.role == EventUnit.Role.FROM]
        self.targets = [link for link in self.links if link.role == EventUnit.Role.TO]
        self.moved_before = {
            link.unit_id: link for link in self.links if link.role == EventUnit.Role.MOVED
        }
        self.problems: list[str] = []
        self.create: OrgUnit | None = None

    def fail(self, message: str, **values) -> None:
        self.problems.append(message % values if values else message)

    # ------------------------------------------------------------------ checks

    def check(self) -> None:
        event = self.event
        if not event.basis_number.strip():
            self.fail(_("the legal basis (number and symbol) is missing"))
        if not self.sources:
            self.fail(_("name the unit or units the event changes (from)"))
        count = len(self.sources)
        kind = event.kind
        if kind in (EventKind.SPLIT, EventKind.RENAME) and count > 1:
            self.fail(_("a %(kind)s changes one unit, not %(count)d"), kind=kind, count=count)
        if kind == EventKind.MERGE:
            self._check_merge_target()
        elif kind == EventKind.SPLIT:
            if len(self.targets) < 2:
                self.fail(_("a split needs at least two units it splits into (to)"))
            elif self.main() is None:
                self.fail(_("mark one unit it splits into as the main successor"))
        elif kind == EventKind.ABOLISH:
            if len(self.targets) != 1:
                self.fail(_("an abolished unit needs exactly one successor (to)"))
        elif kind == EventKind.RENAME:
            if not event.new_name.strip():
                self.fail(_("the new name is missing"))
        elif kind == EventKind.TRANSFER:
            self._check_transfer()
        if kind in (EventKind.MERGE, EventKind.SPLIT, EventKind.ABOLISH):
            self._check_endings()
        elif kind == EventKind.RENAME and self.sources:
            self._check_rename(self.sources[0])
        for link in self.targets:
            if not _exists_on(link.unit, self.day):
                self.fail(
                    _("%(unit)s does not exist on %(day)s, when the event takes effect"),
                    unit=_label(link.unit),
                    day=_day(self.day),
                )
        if event.plan_successor is not None and not _exists_on(event.plan_successor, self.day):
            self.fail(
                _("%(unit)s, who is to take over the plans, does not exist on %(day)s"),
                unit=_label(event.plan_successor),
                day=_day(self.day),
            )

    def _check_merge_target(self) -> None:
        event = self.event
        if len(self.targets) > 1:
            self.fail(_("a merge has one unit it merges into (to), not %d") % len(self.targets))
        elif not self.targets:
            if not (event.new_code and event.new_name and event.new_kind):
                self.fail(
                    _("name the unit they merge into (to), or the code, name and kind of a new one")
                )
            elif OrgUnit.objects.filter(code=event.new_code).exists():
                self.fail(
                    _("the code %(code)s is taken: codes are never reused"), code=event.new_code
                )
            elif event.new_parent is not None and not _exists_on(event.new_parent, self.day):
                self.fail(
                    _("the new parent %(unit)s does not exist on %(day)s"),
                    unit=_label(event.new_parent),
                    day=_day(self.day),
                )

    def _check_endings(self) -> None:
        ending = {link.unit_id for link in self.sources}
        for link in self.targets:
            if link.unit_id in ending:
                self.fail(_("%(unit)s cannot succeed itself"), unit=_label(link.unit))
        successor = self.main()
        for link in self.sources:
            unit = link.unit
            if unit.valid_from and unit.valid_from > self.last:
                self.fail(
                    _("%(unit)s begins on %(start)s: it cannot end on %(end)s"),
                    unit=_label(unit),
                    start=_day(unit.valid_from),
                    end=_day(self.last),
                )
            elif unit.valid_to is not None and unit.valid_to != self.last:
                self.fail(
                    _("%(unit)s already ends on %(day)s"),
                    unit=_label(unit),
                    day=_day(unit.valid_to),
                )
            elif (
                unit.successor_id is not None
                and successor is not None
                and unit.successor_id != successor.pk
            ):
                self.fail(
                    _("%(unit)s already has another successor, %(other)s"),
                    unit=_label(unit),
                    other=_label(unit.successor),
                )
            if self.event.kind == EventKind.ABOLISH:
                below = self.children_left(unit)
                if below:
                    self.fail(
                        _(
                            "%(unit)s still has units under it on %(day)s (%(codes)s): merge, "
                            "move or abolish them first"
                        ),
                        unit=_label(unit),
                        day=_day(self.day),
                        codes=", ".join(u.code for u in below),
                    )

    def _check_rename(self, link: EventUnit) -> None:
        unit, new = link.unit, self.event.new_name.strip()
        if not _exists_on(unit, self.day):
            self.fail(
                _("%(unit)s does not exist on %(day)s"), unit=_label(unit), day=_day(self.day)
            )
        if unit.name == new and not link.previous_name:
            self.fail(_("%(unit)s already has this name"), unit=_label(unit))

    def _check_transfer(self) -> None:
        parent = self.event.new_parent
        if parent is None:
            self.fail(_("a transfer needs the new parent"))
            return
        if not _exists_on(parent, self.day):
            self.fail(
                _("the new parent %(unit)s does not exist on %(day)s"),
                unit=_label(parent),
                day=_day(self.day),
            )
        for link in self.sources:
            unit = link.unit
            if not _exists_on(unit, self.day):
                self.fail(
                    _("%(unit)s does not exist on %(day)s"), unit=_label(unit), day=_day(self.day)
                )
            if parent.pk == unit.pk or unit.pk in {u.pk for u in _ancestors(parent)}:
                self.fail(
                    _("%(unit)s cannot move under %(parent)s, which is inside its own subtree"),
                    unit=_label(unit),
                    parent=_label(parent),
                )
            elif unit.parent_id == parent.pk and link.previous_parent_id is None:
                self.fail(
                    _("%(unit)s is already under %(parent)s"),
                    unit=_label(unit),
                    parent=_label(parent),
                )

    # ------------------------------------------------------------------ helpers

    def main(self) -> OrgUnit | None:
        if self.create is not None:
            return self.create
        flagged = [link.unit for link in self.targets if link.main]
        if len(flagged) == 1:
            return flagged[0]
        if len(self.targets) == 1:
            return self.targets[0].unit
        return None

    def children_left(self, unit: OrgUnit) -> list[OrgUnit]:
        """Units under ``unit`` that still exist on the event's day and are not ending too."""
        ending = {link.unit_id for link in self.sources}
        return [
            child
            for child in unit.children.order_by("code")
            if _exists_on(child, self.day) and child.pk not in ending
        ]

    # ------------------------------------------------------------------ doing

    def perform(self) -> None:
        event, kind = self.event, self.event.kind
        if kind == EventKind.MERGE and not self.targets:
            self.create = OrgUnit.objects.create(
                code=event.new_code,
                name=event.new_name,
                kind=event.new_kind,
                parent=event.new_parent,
                valid_from=self.day,
            )
            EventUnit.objects.create(event=event, unit=self.create, role="to", main=True)
        if kind in (EventKind.MERGE, EventKind.SPLIT, EventKind.ABOLISH):
            successor = self.main()
            for link in self.sources:
                self._end(link.unit, successor)
        elif kind == EventKind.RENAME:
            self._rename(self.sources[0])
        elif kind == EventKind.TRANSFER:
            for link in self.sources:
                if link.unit.parent_id != event.new_parent_id:
                    link.previous_parent = link.unit.parent
                    link.save(update_fields=["previous_parent"])
                    link.unit.parent = event.new_parent
                    link.unit.save()

    def _end(self, unit: OrgUnit, successor: OrgUnit) -> None:
        if self.event.kind != EventKind.ABOLISH:
            for child in self.children_left(unit):
                if child.pk == successor.pk:
                    continue
                if child.pk not in self.moved_before:
                    EventUnit.objects.create(
                        event=self.event, unit=child, role="moved", previous_parent=unit
                    )
                child.parent = successor
                child.save()
        unit.valid_to = self.last
        unit.successor = successor
        unit.save()

    def _rename(self, link: EventUnit) -> None:
        from kehoach.registers.search import refresh_all

        unit, new = link.unit, self.event.new_name.strip()
        old = unit.name if unit.name != new else link.previous_name
        if not OrgUnitName.objects.filter(unit=unit, valid_to=self.last).exists():
            latest = unit.former_names.filter(valid_to__lt=self.last).order_by("valid_to").last()
            OrgUnitName.objects.create(
                unit=unit,
                name=old,
                valid_from=latest.valid_to + ONE_DAY if latest else unit.valid_from,
                valid_to=self.last,
                event=self.event,
            )
        link.previous_name = old
        link.save(update_fields=["previous_name"])
        if unit.name != new:
            unit.name = new
            unit.save()
            refresh_all([unit.pk])


def _ancestors(unit: OrgUnit) -> list[OrgUnit]:
    found, seen = [], set()
    current = unit.parent
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        found.append(current)
        current = current.parent
    return found


def check_event(event: ReorganisationEvent) -> list[str]:
    """Every reason ``event`` cannot be applied now (empty: it can)."""
    if event.applied_at is not None:
        return [_("already applied on %s") % timezone.localtime(event.applied_at).date()]
    plan = _Plan(event)
    plan.check()
    return plan.problems


@transaction.atomic
def apply_event(event: ReorganisationEvent, *, at: datetime.datetime | None = None):
    """Perform ``event`` (see the module): refuse it with every reason, or do all of it."""
    from kehoach.reporting.succession import carry_duties

    event = ReorganisationEvent.objects.select_for_update().get(pk=event.pk)
    problems = check_event(event)
    if problems:
        raise IllegalEvent(event, problems)
    with acting(via=f"event {event.ref or event.pk}"):
        plan = _Plan(event)
        plan.check()
        plan.perform()
        event.applied_at = at or timezone.now()
        event.save(update_fields=["applied_at"])
        event.carried = carry_duties(event)  # what passed on (reporting.succession.Carried)
    return event


def pending_in_order(events) -> list[ReorganisationEvent]:
    """Unapplied events in the order to apply them: by day, then kind (abolish last), ref."""
    return sorted(
        (e for e in events if e.applied_at is None),
        key=lambda e: (e.effective_on, KIND_ORDER.get(e.kind, 9), e.ref),
    )
