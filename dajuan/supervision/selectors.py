"""Reads of supervision: the overview's runs, flags and supervised cases; the callback queue; notices
and visits — each starting from an access scope where cases or records are concerned."""

from datetime import datetime

from django.db.models import Count, QuerySet

from dajuan.access.actions import Action
from dajuan.access.policy import decide, visible_cases, visible_inspections, visible_notices
from dajuan.cases.choices import OPEN_STATUSES
from dajuan.core.masking import mask_phone
from dajuan.supervision.choices import MarkKind
from dajuan.supervision.models import SpotCheck, SupervisionRule, SweepMark, SweepRun
from dajuan.supervision.spot_checks import OPEN


def recent_runs(limit: int = 10) -> list[SweepRun]:
    return list(SweepRun.objects.order_by("-started_at")[:limit])


def unit_flags(*, since: datetime) -> list[dict]:
    """Per unit: assignments not claimed the same working day, and overdue marks, since `since`."""
    rows = (SweepMark.objects.filter(at__gte=since, kind__in=[MarkKind.CLAIM_MISSED, MarkKind.OVERDUE])
            .values("unit__code", "unit__name", "kind").annotate(n=Count("pk")).order_by("unit__code"))
    flags: dict[str, dict] = {}
    for row in rows:
        entry = flags.setdefault(row["unit__code"], {"code": row["unit__code"], "name": row["unit__name"],
                                                     MarkKind.CLAIM_MISSED: 0, MarkKind.OVERDUE: 0})
        entry[row["kind"]] = row["n"]
    return sorted(flags.values(), key=lambda f: (-f[MarkKind.CLAIM_MISSED] - f[MarkKind.OVERDUE], f["code"]))


def supervised_cases(user, limit: int = 100) -> QuerySet:
    return (visible_cases(user).filter(status__in=OPEN_STATUSES, supervision_level__gte=1)
            .select_related("lead_unit").order_by("-supervision_level", "reply_due", "pk")[:limit])


def rules() -> list[SupervisionRule]:
    return list(SupervisionRule.objects.select_related("category", "escalate_to").order_by("category__code",
                                                                                              "priority"))


def callback_queue(user) -> list[dict]:
    """Open spot checks with the requester's phone — in full only where access allows SPOT_CHECK."""
    cases = visible_cases(user).values("pk")
    checks = (SpotCheck.objects.filter(status__in=OPEN, case__in=cases)
              .select_related("case", "unit", "batch").order_by("batch__week", "unit__code", "pk"))
    rows = []
    for check in checks:
        full = bool(decide(user, Action.SPOT_CHECK, check.case))
        phone = check.case.requester_phone
        rows.append({"check": check, "phone": phone if full else mask_phone(phone)})
    return rows


def recent_callbacks(user, limit: int = 50) -> QuerySet:
    cases = visible_cases(user).values("pk")
    return (SpotCheck.objects.exclude(status__in=OPEN).filter(case__in=cases)
            .select_related("case", "unit", "called_by").order_by("-called_at")[:limit])


def notice_list(user) -> QuerySet:
    return visible_notices(user).select_related("created_by").annotate(cases=Count("items")).order_by(
        "-created_at", "-pk")


def visit_list(user) -> QuerySet:
    return visible_inspections(user).select_related("unit").annotate(findings_count=Count("findings")).order_by(
        "-visited_on", "-pk")
