from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceAttribute(models.Model):
    """An extra question a category asks when a request comes in through Open311 (GeoReport v2
    service definition). A category with attributes is listed with `metadata: true`."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Text (one line)")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Text (several lines)")
        SINGLEVALUELIST = "singlevaluelist", _("One of a list")
        MULTIVALUELIST = "multivaluelist", _("Several of a list")

    category = models.ForeignKey("cases.Category", models.CASCADE, related_name="open311_attributes",
                                 verbose_name=_("category"))
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    values = models.JSONField(_("values"), default=list, blank=True,
                              help_text=_('For list types: [{"key": "k", "name": "shown name"}, …].'))

    class Meta:
        verbose_name = _("Open311 attribute")
        verbose_name_plural = _("Open311 attributes")
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique")]

    def __str__(self) -> str:
        return f"{self.category} · {self.code}"

    def value_keys(self) -> set[str]:
        return {str(v.get("key")) for v in self.values if isinstance(v, dict)}
