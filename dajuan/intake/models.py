from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dajuan.cases.choices import Source


class PublicRequester(models.Model):
    """公众: the account kept for a citizen who submits without logging in, one per phone number. It has
    no usable password; the public tracking page acts for it after checking a case's tracking code and
    the last four digits of this phone (access: scope.is_public_requester)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="public_requester",
                                verbose_name=_("user"))
    phone = models.CharField(_("phone"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("public requester")
        verbose_name_plural = _("public requesters")

    def __str__(self) -> str:
        return str(self.user)


class MessageGroup(models.Model):
    """政企直通车 group: an enterprise WeChat group whose bot forwards messages to dajuan. Messages
    marked as problems become cases registered by the group's manager (a dispatcher of the unit that
    runs the group); answers are sent back to the group."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                verbose_name=_("manager"))
    secret = models.CharField(_("shared secret"), max_length=128,
                              help_text=_("Signs the bot's requests (HMAC-SHA256); keep it out of chat."))
    is_active = models.BooleanField(_("active"), default=True)
    # 微信矩阵群: a group is organised by industry or by department, and staffed by leaders and units.
    department = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("department"))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="staffed_groups", blank=True,
                                   verbose_name=_("staffing leaders and officers"))
    staff_units = models.ManyToManyField("org.Unit", related_name="staffed_groups", blank=True,
                                         verbose_name=_("staffing units"))

    class Meta:
        verbose_name = _("message group")
        verbose_name_plural = _("message groups")

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A sender in a group, known as one enterprise's contact."""

    group = models.ForeignKey(MessageGroup, models.CASCADE, related_name="members", verbose_name=_("group"))
    sender_id = models.CharField(_("sender id"), max_length=100)
    name = models.CharField(_("name"), max_length=100, blank=True)
    enterprise = models.ForeignKey("enterprise.Enterprise", models.PROTECT, related_name="group_memberships",
                                   verbose_name=_("enterprise"))

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [models.UniqueConstraint(fields=["group", "sender_id"], name="group_member_unique")]

    def __str__(self) -> str:
        return f"{self.name or self.sender_id} · {self.enterprise}"


class Intake(models.Model):
    """受理记录: how a case came in — the channel, the public tracking code, the enterprise and group it
    was raised for, the id it has in the sending system and the link to media the sender attached (an
    Open311 media_url, kept as given and never fetched). Written with the REGISTERED event, in the same
    transaction (intake.receivers)."""

    case = models.OneToOneField("cases.Case", models.PROTECT, related_name="intake", verbose_name=_("case"))
    channel = models.CharField(_("channel"), max_length=24, choices=Source.choices)
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    enterprise = models.ForeignKey("enterprise.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="intakes", verbose_name=_("enterprise"))
    group = models.ForeignKey(MessageGroup, models.PROTECT, null=True, blank=True, related_name="intakes",
                              verbose_name=_("message group"))
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    # No db_default: core.fastwrite compiles a plain INSERT only for models without database defaults.
    media_url = models.URLField(_("media link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("intake record")
        verbose_name_plural = _("intake records")
        constraints = [
            # A 12345 work order, a group message or an import row becomes at most one case.
            models.UniqueConstraint(fields=["channel", "external_id"], condition=~Q(external_id=""),
                                    name="intake_external_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.channel} {self.tracking_code}"


class ImportBatch(models.Model):
    """One committed spreadsheet import; its file digest recognises a second upload of the same file."""

    sha256 = models.CharField(max_length=64, unique=True)
    file_name = models.CharField(_("file name"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return self.file_name


class AnswerPush(models.Model):
    """破解一个问题解决一类问题: a case's answer sent to an enterprise of the same profile in a group."""

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="answer_pushes", verbose_name=_("case"))
    enterprise = models.ForeignKey("enterprise.Enterprise", models.PROTECT, related_name="answer_pushes",
                                   verbose_name=_("enterprise"))
    group = models.ForeignKey(MessageGroup, models.PROTECT, related_name="answer_pushes", verbose_name=_("group"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("answer push")
        verbose_name_plural = _("answer pushes")
        constraints = [models.UniqueConstraint(fields=["case", "enterprise"], name="answer_push_once")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.enterprise}"
