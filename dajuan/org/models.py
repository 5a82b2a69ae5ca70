from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from dajuan.org.choices import Role, UnitKind

unit_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
    _("Use 1–40 letters, digits, '-', '_' or '.', starting with a letter or digit."),
)


class Unit(MP_Node):
    """单位: a node of the tree 区 → 部门/乡镇街道 → 村/社区 → 网格 (and service centres).

    The materialised path (treebeard) makes a subtree one indexed prefix query:
    `Unit.objects.filter(path__startswith=unit.path)`, which the access scopes and the figures use.
    """

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[unit_code_validator])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # 答复审核: a handler's reply is submitted to the unit's leader, who sends it out or sends it back
    # (cases.transitions.review). Changed only through org.services.unit_set_reply_review (audited).
    reply_review = models.BooleanField(
        _("replies need the leader's review"), default=False,
        help_text=_("When on, a handler's reply to a case this unit leads waits for the unit leader's approval "
                    "before it goes out."))

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def subtree(self) -> models.QuerySet["Unit"]:
        """This unit and every unit below it."""
        return Unit.objects.filter(path__startswith=self.path)


class Membership(models.Model):
    """任职: a person holds a role in a unit. Several rows for several roles or units."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="memberships", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("title"), max_length=50, blank=True)  # 职务, e.g. 副局长
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
        ]
        indexes = [
            # access.scope.memberships_of(user): loaded once per request.
            models.Index(fields=["user", "role"], name="membership_user_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
