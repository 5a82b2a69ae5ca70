from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dajuan.enterprise.validation import credit_code_validator


class Enterprise(models.Model):
    """企业: a company the district serves, identified by its unified social credit code."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[credit_code_validator])
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseUser(models.Model):
    """企业用户: an account that acts for one enterprise (submits, sees and evaluates its cases)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="enterprise_link",
                                verbose_name=_("user"))
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="users", verbose_name=_("enterprise"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise user")
        verbose_name_plural = _("enterprise users")

    def __str__(self) -> str:
        return f"{self.user} · {self.enterprise}"
