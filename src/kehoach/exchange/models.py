"""Values received from other systems, kept exactly as they came."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalValue(models.Model):
    """One DHIS2 data value (``dhis2.py``), keyed as DHIS2 keys it: data element, period, org
    unit, category option combo and attribute option combo (empty: the default combo). The
    text fields hold what the file wrote, so exporting them again gives the same file; the
    indicator and unit they were matched to are kept beside them."""

    data_element = models.CharField(_("data element"), max_length=64)
    period = models.CharField(_("period"), max_length=16)
    org_unit = models.CharField(_("org unit (as written)"), max_length=64)
    category_option_combo = models.CharField(_("category option combo"), max_length=64, blank=True)
    attribute_option_combo = models.CharField(
        _("attribute option combo"), max_length=64, blank=True
    )
    value = models.CharField(_("value"), max_length=64)
    comment = models.TextField(_("comment"), blank=True)
    indicator = models.CharField(_("indicator code"), max_length=32)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="external_values",
    )
    source = models.CharField(_("imported from"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("external value")
        verbose_name_plural = _("external values")
        ordering = ["data_element", "period", "org_unit"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "data_element",
                    "period",
                    "org_unit",
                    "category_option_combo",
                    "attribute_option_combo",
                ],
                name="externalvalue_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_element} {self.period} {self.org_unit} = {self.value}"
