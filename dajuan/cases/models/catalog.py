from django.db import models
from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import LimitUnit, Priority


class Category(models.Model):
    """诉求分类: a two- or three-level tree (e.g. 城乡建设 → 物业管理) with the unit that usually leads."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    default_lead_unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+",
                                          verbose_name=_("default lead unit"))
    external_code = models.CharField(_("external code"), max_length=40, blank=True,
                                     help_text=_("Code in another system, e.g. the 12345 hotline or Open311."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def lineage(self) -> list["Category"]:
        """This category and its ancestors, nearest first (a few rows: the tree is shallow)."""
        chain, node = [], self
        while node is not None and len(chain) < 10:
            chain.append(node)
            node = node.parent
        return chain


class DeadlinePolicy(models.Model):
    """办理时限: the reply limit for a category and priority. A category without its own row uses its
    parent's, then the row with no category (the district default)."""

    category = models.ForeignKey(Category, models.CASCADE, null=True, blank=True, related_name="deadline_policies",
                                 verbose_name=_("category"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    reply_limit = models.DecimalField(_("reply limit"), max_digits=6, decimal_places=2)
    limit_unit = models.CharField(_("limit unit"), max_length=16, choices=LimitUnit.choices,
                                  default=LimitUnit.WORKING_DAYS)
    assist_report_limit = models.DecimalField(
        _("assisting units report within"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("In the same unit as the reply limit; empty means half of the reply limit."),
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="deadline_policy_unique"),
            models.UniqueConstraint(fields=["priority"], condition=models.Q(category=None),
                                    name="deadline_policy_default_unique"),
            models.CheckConstraint(condition=models.Q(reply_limit__gt=0), name="deadline_policy_positive"),
        ]

    def __str__(self) -> str:
        scope = self.category or _("Default")
        return f"{scope} · {self.get_priority_display()} · {self.reply_limit} {self.get_limit_unit_display()}"
