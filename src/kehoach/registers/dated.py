"""Which register records belong to a year: the evidence a unit adds in its yearly report."""

from .models import (
    BudgetLine,
    Initiative,
    IPTitle,
    KeyProduct,
    QualityInspection,
    Startup,
    STProject,
    Training,
)

# register name → (model, how a record is dated in a year)
DATED = {
    "startups": (Startup, lambda year: {"supported_on__year": year}),
    "key_products": (KeyProduct, lambda year: {"recognised_on__year": year}),
    "ip_titles": (IPTitle, lambda year: {"granted_on__year": year}),
    "st_projects": (STProject, lambda year: {"year": year}),
    "quality_inspections": (QualityInspection, lambda year: {"inspected_on__year": year}),
    "trainings": (Training, lambda year: {"held_on__year": year}),
    "initiatives": (Initiative, lambda year: {"year": year}),
}


def records_of(org_unit, year: int) -> dict[str, list[str]]:
    """The refs of the unit's own records dated in ``year``, per register; budget as keys."""
    found = {
        name: sorted(
            model.objects.filter(org_unit=org_unit, **dated(year)).values_list("ref", flat=True)
        )
        for name, (model, dated) in DATED.items()
    }
    found["budget"] = [
        f"{kind}/{source or '-'}: {amount}"
        for kind, source, amount in BudgetLine.objects.filter(org_unit=org_unit, year=year)
        .order_by("kind", "source")
        .values_list("kind", "source", "amount")
    ]
    return {name: refs for name, refs in found.items() if refs}
