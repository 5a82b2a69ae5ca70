"""惠企政策: the policy registry, pushes (送政策) and their reads, and 政策奖补 cases linked to a policy.

Invariants: a policy's effective dates are in order (checked here with a message, and by a database
constraint as the backstop); a policy reaches an enterprise at most once per channel (PolicyPush
unique), so pushing again records nothing new; a push to a 政企直通车 group goes out through the one
group-message sender (notify.backends) and records a push for every member enterprise of the group.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases.choices import Source
from dajuan.core.audit import audit_record
from dajuan.core.errors import NotFound, ValidationFailed
from dajuan.enterprise.care import Problem, problem_register
from dajuan.enterprise.choices import EnterpriseKind, EnterpriseSize
from dajuan.policies.models import Policy, PolicyCase, PolicyPush, PushChannel


def _choice_list(values, allowed, field: str) -> list[str]:
    values = sorted(set(values or []))
    if bad := [v for v in values if v not in allowed]:
        raise ValidationFailed(_("Unknown values %(bad)s; use some of: %(values)s.")
                               % {"bad": ", ".join(bad), "values": ", ".join(allowed)}, field=field)
    return values


def policy_check(*, title: str, issuing_unit, issued_on: date, effective_from: date, effective_to: date | None,
                 body: str, kinds=(), sizes=()) -> dict:
    """The policy's fields checked, or ValidationFailed naming the field and the fix."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed(_("Give the policy a title of at most 200 characters."), field="title")
    if not body:
        raise ValidationFailed(_("Give the policy's text (or a summary of it)."), field="body")
    if issuing_unit is None:
        raise ValidationFailed(_("Name the unit that issued the policy."), field="issuing_unit")
    if not isinstance(issued_on, date) or not isinstance(effective_from, date):
        raise ValidationFailed(_("Give the issue date and the date the policy takes effect."), field="effective_from")
    if effective_to is not None and effective_to < effective_from:
        raise ValidationFailed(_("The policy ends (%(to)s) before it takes effect (%(start)s); correct one of the "
                                 "dates.") % {"to": effective_to, "start": effective_from}, field="effective_to")
    if effective_from < issued_on:
        raise ValidationFailed(_("The policy takes effect (%(start)s) before it was issued (%(issued)s); correct "
                                 "one of the dates.") % {"start": effective_from, "issued": issued_on},
                               field="effective_from")
    return {"title": title, "body": body, "issuing_unit": issuing_unit, "issued_on": issued_on,
            "effective_from": effective_from, "effective_to": effective_to,
            "kinds": _choice_list(kinds, EnterpriseKind.values, "kinds"),
            "sizes": _choice_list(sizes, EnterpriseSize.values, "sizes")}


@transaction.atomic
def policy_create(*, by, industries=(), towns=(), attachment=None, at: datetime | None = None, **fields) -> Policy:
    """Register a policy with its eligibility. Raises NotPermitted, ValidationFailed."""
    require(by, Action.MANAGE_POLICIES)
    clean = policy_check(**fields)
    policy = Policy.objects.create(created_by=by, created_at=at or timezone.now(), **clean)
    if attachment is not None:
        policy.attachment.save(attachment.name, attachment, save=True)
    policy.industries.set(list(industries))
    policy.towns.set(list(towns))
    audit_record(policy, "policy_created", by=by, after={"title": policy.title})
    return policy


def pushes_add(policies, enterprises, *, channel: str, by, at: datetime | None = None, group=None,
               visit=None) -> int:
    """Record that each policy reached each enterprise through `channel`; already-recorded pairs are
    skipped. Returns how many were written. Call inside the caller's transaction."""
    at = at or timezone.now()
    enterprise_ids = [e.pk for e in enterprises]
    written = 0
    for policy in policies:
        known = set(PolicyPush.objects.filter(policy=policy, channel=channel, enterprise_id__in=enterprise_ids)
                    .values_list("enterprise_id", flat=True))
        rows = [PolicyPush(policy=policy, enterprise_id=pk, channel=channel, group=group, visit=visit, by=by, at=at)
                for pk in enterprise_ids if pk not in known]
        PolicyPush.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
    return written


@transaction.atomic
def policy_push(policy: Policy, *, enterprises=None, by, at: datetime | None = None) -> int:
    """Push a policy to enterprises' portals (by default every enterprise it matches), with a message to
    each of their accounts through the notify outbox. Returns the pushes written. Raises NotPermitted."""
    from dajuan.enterprise.models import EnterpriseUser
    from dajuan.notify.services import outbox_add
    from dajuan.policies.selectors import matching_enterprises

    require(by, Action.MANAGE_POLICIES)
    targets = list(enterprises if enterprises is not None else matching_enterprises(policy))
    written = pushes_add([policy], targets, channel=PushChannel.PORTAL, by=by, at=at)
    accounts = EnterpriseUser.objects.filter(enterprise__in=targets).values_list("user_id", flat=True)
    outbox_add(accounts, key=f"policy:{policy.pk}", kind="policy_pushed", subject=policy.title[:200],
               body=_("A policy that applies to your enterprise: %(title)s") % {"title": policy.title}, at=at)
    audit_record(policy, "policy_pushed", by=by, after={"channel": PushChannel.PORTAL, "pushes": written})
    return written


def policy_publish_to_group(policy: Policy, group, *, by, at: datetime | None = None) -> int:
    """Publish a policy in a 政企直通车 group: one group message, a push recorded for every member
    enterprise. Returns the pushes written. Raises NotPermitted."""
    from dajuan.notify.backends import group_message_send

    require(by, Action.MANAGE_POLICIES)
    with transaction.atomic():
        members = list({m.enterprise for m in group.members.select_related("enterprise")})
        written = pushes_add([policy], members, channel=PushChannel.WECHAT_GROUP, by=by, at=at, group=group)
        audit_record(policy, "policy_published_to_group", by=by, after={"group": group.code, "pushes": written})
        text = f"【惠企政策】{policy.title}\n{policy.body[:300]}"
        transaction.on_commit(lambda: group_message_send(group.code, text))
    return written


@transaction.atomic
def push_read(push: PolicyPush, *, by, at: datetime | None = None) -> PolicyPush:
    """Mark a push read by the enterprise it reached (the first read counts). Raises NotFound."""
    from dajuan.access.scope import enterprise_id_of

    if enterprise_id_of(by) != push.enterprise_id:
        raise NotFound(_("No such policy for your enterprise."))
    PolicyPush.objects.filter(pk=push.pk, read_at__isnull=True).update(read_at=at or timezone.now())
    push.refresh_from_db()
    return push


def policies_read(policy: Policy, *, by, at: datetime | None = None) -> int:
    """An enterprise account opened a policy: every unread push of it to their enterprise is read."""
    from dajuan.access.scope import enterprise_id_of

    enterprise_id = enterprise_id_of(by)
    if enterprise_id is None:
        return 0
    return PolicyPush.objects.filter(policy=policy, enterprise_id=enterprise_id, read_at__isnull=True).update(
        read_at=at or timezone.now())


def policy_problem_raise(policy: Policy, *, enterprise, problem: Problem, channel: str = Source.ENTERPRISE_PORTAL,
                         by, at: datetime | None = None):
    """政策奖补: register a problem about a policy (an award or subsidy not paid, a condition unclear)
    as a case linked to the policy. Raises NotPermitted, CaseInvalid."""
    return problem_register(problem, enterprise=enterprise, channel=channel, by=by, at=at,
                            link=lambda case: PolicyCase.objects.create(policy=policy, case=case))
