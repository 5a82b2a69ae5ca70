from django.db import models
from django.utils.translation import gettext_lazy as _


class MarkKind(models.TextChoices):
    """What the sweep did to one assignment for one deadline (each at most once: SweepMark)."""

    CLAIM_REMINDER = "claim_reminder", _("Reminded to claim")  # 认领提醒
    REPLY_REMINDER = "reply_reminder", _("Reminded to reply")  # 答复提醒
    CLAIM_MISSED = "claim_missed", _("Not claimed the same working day")  # 未当日认领
    OVERDUE = "overdue", _("Overdue")  # 超期


class CallResolution(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirms the problem was solved")
    DISPUTED = "disputed", _("Says the problem was not solved")


class SpotCheckStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the call")
    UNREACHED = "unreached", _("Not reached yet")
    DONE = "done", _("Called")


class VisitKind(models.TextChoices):
    JOINT = "joint", _("Joint field inspection")  # 联合督查
    UNDERCOVER = "undercover", _("Undercover check")  # 暗访


class NoticeKind(models.TextChoices):
    CRITICISM = "criticism", _("Criticism")  # 通报批评
    TYPICAL = "typical", _("Typical cases")  # 典型案例通报
    COMMENDATION = "commendation", _("Commendation")  # 通报表扬
