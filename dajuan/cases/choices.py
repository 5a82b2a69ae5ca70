"""Statuses, verbs and the other enumerations of the loop, declared once (DESIGN §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # 受理
    RETURNED = "returned", _("Returned to dispatcher")  # 退回待处理
    DISPATCHED = "dispatched", _("Dispatched")  # 派发 (waiting for the lead unit to claim)
    IN_PROGRESS = "in_progress", _("In progress")  # 办理中
    SUSPENDED = "suspended", _("Suspended")  # 挂起 (the clock is paused)
    REVIEWING = "reviewing", _("Reply awaiting review")  # 待审核: the reply waits for the unit leader
    REPLIED = "replied", _("Replied")  # 答复 (waiting for the evaluation)
    EVALUATED = "evaluated", _("Evaluated")  # 评价
    CLOSED = "closed", _("Closed")  # 销号
    REJECTED = "rejected", _("Rejected")  # 不予受理
    MERGED = "merged", _("Merged")  # 合并 into another case


# Named once: an open case still needs work from the government side.
# A reply awaiting review (REVIEWING) has not gone out: the case is open and the reply deadline still counts.
OPEN_STATUSES = frozenset({
    CaseStatus.RECEIVED, CaseStatus.RETURNED, CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.SUSPENDED,
    CaseStatus.REVIEWING,
})
# The same in a fixed order, for SQL that must repeat a partial index's condition exactly (cases.Case).
OPEN_STATUS_LIST = tuple(sorted(OPEN_STATUSES))
# With a unit: the statuses in which the lead unit's clock is running or paused.
WITH_UNIT_STATUSES = frozenset({CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.SUSPENDED,
                                CaseStatus.REVIEWING})
ENDED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED})


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")  # 普通
    URGENT = "urgent", _("Urgent")  # 紧急
    CRITICAL = "critical", _("Critical")  # 特急


class Source(models.TextChoices):
    """The channel a case came in through (DESIGN §3)."""

    HOTLINE = "hotline", _("12345 hotline")
    WEB = "web", _("Public web form (H5)")
    ENTERPRISE_PORTAL = "enterprise_portal", _("Enterprise portal")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    IMPORT = "import", _("Excel import")
    BREAKFAST_MEETING = "breakfast_meeting", _("Breakfast meeting")  # 政企早餐会
    WECHAT_GROUP = "wechat_group", _("WeChat group")  # 微信矩阵群
    ENTERPRISE_VISIT = "enterprise_visit", _("Enterprise visit")  # 包保走访
    PETITION = "petition", _("Petition")  # 信访
    GRID = "grid", _("Grid report")  # 网格上报
    DOOR_KNOCK = "door_knock", _("Door-to-door visit")  # 敲门行动
    SUPERVISION = "supervision", _("Supervision task")  # 督查交办
    DISCIPLINE = "discipline", _("Discipline inspection")  # 纪委监委
    WALK_IN = "walk_in", _("Walk-in")  # 窗口来访


class RequesterKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ENTERPRISE = "enterprise", _("Enterprise")
    INTERNAL = "internal", _("Internal unit or leader")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")  # 主办
    ASSIST = "assist", _("Assisting unit")  # 协办


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be claimed")  # 待认领
    CLAIMED = "claimed", _("Claimed")  # 已认领 / 办理中
    REPLIED = "replied", _("Replied")  # lead: 已答复; assist: 已反馈
    RETURNED = "returned", _("Returned")  # 退回
    TRANSFERRED = "transferred", _("Transferred")  # 转办 to another unit
    WITHDRAWN = "withdrawn", _("Withdrawn")  # assisting unit released, or superseded on reopen


ACTIVE_ASSIGNMENT_STATUSES = frozenset({AssignmentStatus.PENDING, AssignmentStatus.CLAIMED})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")  # 基本满意
    UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意


SATISFIED_VALUES = frozenset({Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED})


class EvaluationSource(models.TextChoices):
    REQUESTER = "requester", _("By the requester")  # 本人评价
    CALLBACK = "callback", _("Recorded from a callback")  # 回访录入


class ClosureKind(models.TextChoices):
    """How a closure was earned: only an evaluation or a verified callback counts as satisfied."""

    EVALUATED = "evaluated", _("Evaluated")
    UNEVALUATED = "unevaluated", _("Closed without evaluation")  # 未评价
    ADMINISTRATIVE = "administrative", _("Closed administratively")  # e.g. rejected, merged


class ReopenCause(models.TextChoices):
    """Why a case was reopened (重办), kept in the REOPENED event so figures can tell them apart."""

    UNSATISFIED = "unsatisfied", _("The requester was not satisfied")
    SPOT_CHECK = "spot_check", _("A spot-check callback disputed the resolution")  # 抽查回访
    SUPERVISION = "supervision", _("Supervision found the problem unresolved")  # 督查/暗访
    OTHER = "other", _("Other")


class SupervisionLevel(models.IntegerChoices):
    NONE = 0, _("None")
    REMINDED = 1, _("Reminded")  # 催办
    SUPERVISED = 2, _("Supervised")  # 督办
    LISTED = 3, _("Listed for supervision")  # 挂牌督办


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")


class Verb(models.TextChoices):
    """Ledger verbs, past tense. A shipped value is never renamed: figures are computed from them."""

    REGISTERED = "registered", _("registered")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged")
    DISPATCHED = "dispatched", _("dispatched")
    CLAIMED = "claimed", _("claimed")
    RETURNED = "returned", _("returned")
    TRANSFERRED = "transferred", _("transferred")
    ASSIST_ADDED = "assist_added", _("assisting unit summoned")
    ASSIST_REMOVED = "assist_removed", _("assisting unit released")
    ASSIST_REPORTED = "assist_reported", _("assisting unit reported")
    EXTENSION_REQUESTED = "extension_requested", _("extension requested")
    EXTENSION_APPROVED = "extension_approved", _("extension approved")
    EXTENSION_DENIED = "extension_denied", _("extension denied")
    SUSPENDED = "suspended", _("suspended")
    RESUMED = "resumed", _("resumed")
    PROGRESS_NOTED = "progress_noted", _("progress noted")
    REPLY_SUBMITTED = "reply_submitted", _("reply submitted for review")  # 提交审核
    REPLY_SENT_BACK = "reply_sent_back", _("reply sent back")  # 审核退回
    REPLIED = "replied", _("replied")  # also the approval of a reviewed reply: it goes out then
    EVALUATED = "evaluated", _("evaluated")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")
    SUPERVISED = "supervised", _("supervised")
    COMMENTED = "commented", _("commented")
