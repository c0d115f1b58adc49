"""Which register records belong to a year: the evidence a unit adds in its yearly report."""

from .catalogue import RECORD_REGISTERS, by_key


def records_of(org_unit, year: int) -> dict[str, list[str]]:
    """The refs of the unit's own records dated in ``year`` (each register's ``dated_by``),
    per register in the catalogue's order; budget lines last, as "kind/source: amount"."""
    found = {
        register.key: sorted(
            register.model.objects.filter(register.dated_in(year), org_unit=org_unit).values_list(
                "ref", flat=True
            )
        )
        for register in RECORD_REGISTERS
    }
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
