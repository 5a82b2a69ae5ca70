from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    CONSOLE = "console", _("System log")  # the default: always available
    EMAIL = "email", _("Email")
    WECOM = "wecom", _("Enterprise WeChat group bot")  # 企业微信群机器人
    SMS = "sms", _("Text message")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed for good")
