"""Indicators are defined by expressions (issue 15): the five engine formulas of the first
plan become the same computation written as numerator / denominator / factor over register
facts, then the ``formula`` column goes. An indicator whose formula was not one of them had
no value before and has none after (no numerator)."""

from decimal import Decimal

from django.db import migrations

AS_EXPRESSIONS = {
    "st_budget_share": ("register.budget_st", "register.budget_total", Decimal(100)),
    "startups_supported": ("register.startups_supported", "", Decimal(1)),
    "key_products_ip_protected": (
        "register.key_products_protected",
        "register.key_products",
        Decimal(100),
    ),
    "key_products_value_chain": ("register.key_products_on_value_chain", "", Decimal(1)),
    "st_projects": ("register.st_projects", "", Decimal(1)),
}


def formulas_to_expressions(apps, schema_editor):
    Indicator = apps.get_model("plans", "Indicator")
    for indicator in Indicator.objects.exclude(formula="").filter(numerator=""):
        found = AS_EXPRESSIONS.get(indicator.formula)
        if found is not None:
            indicator.numerator, indicator.denominator, indicator.factor = found
            indicator.save(update_fields=["numerator", "denominator", "factor"])


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_data_elements"),
    ]

    operations = [
        migrations.RunPython(formulas_to_expressions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="indicator", name="formula"),
    ]
