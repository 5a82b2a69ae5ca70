"""微信矩阵群 (政企直通车): the matrix of groups by industry or department — their member enterprises and
staffing leaders and units, problems raised in a group, and "破解一个问题解决一类问题": pushing one
case's answer to every member enterprise of the same profile, with a record of who got it.

Group messages go out through the one group sender (notify.backends.group_message_send), after commit.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases.choices import CaseStatus, Source, Verb
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.intake.models import AnswerPush, GroupMember, Intake, MessageGroup

ANSWERED = (CaseStatus.REPLIED, CaseStatus.EVALUATED, CaseStatus.CLOSED)


@transaction.atomic
def group_member_add(group: MessageGroup, *, enterprise, sender_id: str, name: str = "", by) -> GroupMember:
    """Add an enterprise's contact to a group. Raises NotPermitted, ValidationFailed, Conflict."""
    require(by, Action.MANAGE_POLICIES)
    sender_id = (sender_id or "").strip()
    if not sender_id or len(sender_id) > 100:
        raise ValidationFailed(_("Give the member's WeChat sender id (at most 100 characters)."), field="sender_id")
    if GroupMember.objects.filter(group=group, sender_id=sender_id).exists():
        raise Conflict(_("%(id)s is already a member of this group.") % {"id": sender_id}, field="sender_id")
    member = GroupMember.objects.create(group=group, sender_id=sender_id, name=(name or "").strip()[:100],
                                        enterprise=enterprise)
    audit_record(group, "group_member_added", by=by, after={"enterprise": enterprise.pk, "sender_id": sender_id})
    return member


def group_problem_raise(group: MessageGroup, *, enterprise, problem, by, external_id: str = "",
                        at: datetime | None = None):
    """A problem posted in a group (by a group officer on a member's behalf) becomes a case attached to
    the group. Raises NotPermitted (the enterprise is not a member), CaseInvalid."""
    from dajuan.enterprise.care import problem_register, problems_check

    if not GroupMember.objects.filter(group=group, enterprise=enterprise).exists():
        raise NotPermitted(_("%(name)s is not a member of the group %(group)s; add it to the group first.")
                           % {"name": enterprise, "group": group})
    problems_check([problem], enterprise=enterprise)
    return problem_register(problem, enterprise=enterprise, channel=Source.WECHAT_GROUP, by=by, at=at,
                            group=group, external_id=external_id, link=None)


def same_profile_members(case) -> list[tuple[object, MessageGroup]]:
    """(enterprise, group) for every enterprise of the same profile (industry and kind) as the case's in
    the group the case was raised in (else in every group of its enterprise); the case's own enterprise
    excluded; each enterprise once."""
    intake = Intake.objects.select_related("enterprise").filter(case=case).first()
    if intake is None or intake.enterprise is None:
        return []
    origin = intake.enterprise
    if intake.group_id:  # raised in a group: that group's members
        groups = [intake.group_id]
    else:
        groups = list(GroupMember.objects.filter(enterprise=origin, group__is_active=True)
                      .values_list("group_id", flat=True))
    members = (GroupMember.objects.filter(group__in=groups, enterprise__industry=origin.industry_id,
                                          enterprise__kind=origin.kind, enterprise__is_active=True)
               .exclude(enterprise=origin).select_related("enterprise", "group").order_by("enterprise_id", "group_id"))
    seen, found = set(), []
    for member in members:
        if member.enterprise_id not in seen:
            seen.add(member.enterprise_id)
            found.append((member.enterprise, member.group))
    return found


def answer_push(case, *, by, at: datetime | None = None) -> list[AnswerPush]:
    """Push a case's answer to every member enterprise of the same profile in its groups; enterprises
    already sent this answer are skipped. Returns the new records. Raises NotPermitted, Conflict."""
    require(by, Action.MANAGE_POLICIES)
    if case.status not in ANSWERED:
        raise Conflict(_("The case has no answer yet; push it after the unit replies."), field="case")
    reply = case.events.filter(verb=Verb.REPLIED).order_by("-seq").first()
    text = (reply.payload.get("text", "") if reply else "") or ""
    at = at or timezone.now()
    targets = same_profile_members(case)
    with transaction.atomic():
        known = set(AnswerPush.objects.filter(case=case).values_list("enterprise_id", flat=True))
        rows = [AnswerPush(case=case, enterprise=e, group=g, by=by, at=at) for e, g in targets if e.pk not in known]
        AnswerPush.objects.bulk_create(rows)
        audit_record(case, "answer_pushed", by=by, after={"enterprises": [r.enterprise_id for r in rows]})
        message = f"【同类问题答复】{case.title}\n{text[:500]}"
        for code in sorted({r.group.code for r in rows}):
            transaction.on_commit(lambda code=code: _send(code, message))
    return rows


def _send(code: str, text: str) -> None:
    from dajuan.notify.backends import group_message_send

    group_message_send(code, text)


def group_rows():
    """The matrix: every active group with its department, staff, member and problem counts."""
    from django.db.models import Count, Q

    return (MessageGroup.objects.filter(is_active=True).select_related("department")
            .prefetch_related("staff", "staff_units")
            .annotate(member_count=Count("members__enterprise", distinct=True),
                      problem_count=Count("intakes", distinct=True),
                      closed_count=Count("intakes", filter=Q(intakes__case__status=CaseStatus.CLOSED), distinct=True))
            .order_by("name"))


def answered_group_cases(group, *, limit: int = 50):
    """A group's answered problems, newest first, with how many enterprises each answer already reached."""
    from django.db.models import Count

    from dajuan.cases.models import Case

    return (Case.objects.filter(intake__group=group, status__in=ANSWERED)
            .annotate(pushes=Count("answer_pushes")).order_by("-registered_at")[:limit])
