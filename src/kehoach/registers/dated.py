"""Which register records belong to a year: the evidence a unit adds in its yearly report."""

from django.db.models import CharField, Value

from .catalogue import RECORD_REGISTERS, by_key


def records_of(org_unit, year: int) -> dict[str, list[str]]:
    """The refs of the unit's own records dated in ``year`` (each register's ``dated_by``),
    per register in the catalogue's order; budget lines last, as "kind/source: amount"."""
    # one query: the registers' refs as (register, ref) rows, a UNION ALL
    each = [
        register.model.objects.filter(register.dated_in(year), org_unit=org_unit)
        .annotate(register=Value(register.key, output_field=CharField()))
        .values_list("register", "ref")
        .order_by()
        for register in RECORD_REGISTERS
    ]
    found: dict[str, list[str]] = {register.key: [] for register in RECORD_REGISTERS}
    for key, ref in each[0].union(*each[1:], all=True):
        found[key].append(ref)
    for refs in found.values():
        refs.sort()
    budget = by_key("budget")
    found[budget.key] = [
        f"{kind}/{source or '-'}: {amount}"
        for kind, source, amount in budget.model.objects.filter(
            budget.dated_in(year), org_unit=org_unit
        )
        .order_by("kind", "source")
        .values_list("kind", "source", "amount")
    ]
    return {name: refs for name, refs in found.items() if refs}
