"""Knowledge base of standard answers (标准答复, 一类问题): services and selectors.

An answer is written once — usually from a good reply — linked to a category, suggested for similar new
cases, and pushed to every enterprise of the same profile, with a record of who got it
("破解一个问题解决一类问题").
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Assignment, Case, Category
from dajuan.core.audit import audit_record
from dajuan.routing.models import Answer, AnswerPush
from dajuan.routing.similarity import jaccard
from dajuan.routing.text import case_text


def _text(value, field: str, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseInvalid(_("Fill in %(field)s.") % {"field": field}, field=field)
    if limit and len(value) > limit:
        raise CaseInvalid(_("Keep %(field)s within %(n)d characters.") % {"field": field, "n": limit}, field=field)
    return value


def answer_create(*, title: str, body: str, category: Category | None, by, source_case: Case | None = None
                  ) -> Answer:
    """Write a standard answer, anew or from a case's reply. Raises NotPermitted, CaseInvalid."""
    require(by, Action.MANAGE_ANSWERS, source_case)
    title, body = _text(title, "title", 200), _text(body, "body")
    if category is None or not category.is_active:
        raise CaseInvalid(_("Choose an active category for this answer."), field="category")
    with transaction.atomic():
        answer = Answer.objects.create(title=title, body=body, category=category, source_case=source_case,
                                       created_by=by, created_at=timezone.now())
        audit_record(answer, "answer_create", by=by, after={"category": category.code,
                                                            "case": source_case.number if source_case else None})
    return answer


def answer_from_reply(case: Case, *, by, title: str = "") -> Answer:
    """A standard answer from the lead unit's latest reply to `case`, in the case's category."""
    reply = (Assignment.objects.filter(case=case, role="lead", replied_at__isnull=False)
             .order_by("-replied_at").values_list("reply_text", flat=True).first())
    if not reply:
        raise CaseInvalid(_("This case has no reply yet to turn into a standard answer."), field="case")
    return answer_create(title=title or case.title, body=reply, category=case.category, by=by, source_case=case)


def answers_for(case: Case, k: int = 3) -> list[tuple[Answer, float]]:
    """Active standard answers of the case's category and its ancestors, the most similar first."""
    if case.category is None:
        return []
    lineage = [c.pk for c in case.category.lineage()]
    answers = list(Answer.objects.filter(category__in=lineage, is_active=True).select_related("category")[:200])
    text = case_text(case.title, case.content)
    ranked = sorted(((a, round(jaccard(text, f"{a.title}\n{a.body}"), 4)) for a in answers),
                    key=lambda pair: (-pair[1], -pair[0].pk))
    return ranked[:k]


# Enterprise profile fields, used when the registry records them (issue 8 adds industry and kind).
PROFILE_FIELDS = ("industry", "kind")


def push_targets(answer: Answer, *, like=None):
    """Enterprises of the same profile that have not had this answer yet: those sharing `like`'s
    profile fields when the registry records them, else those that raised cases of the answer's
    category (the same class of problem)."""
    from dajuan.enterprise.models import Enterprise

    enterprises = Enterprise.objects.filter(is_active=True).exclude(pk__in=answer.pushes.values("enterprise_id"))
    fields = [f for f in PROFILE_FIELDS if any(field.name == f for field in Enterprise._meta.get_fields())]
    if like is not None and fields:
        return enterprises.filter(**{f: getattr(like, f) for f in fields}).order_by("name")
    lineage = [c.pk for c in answer.category.lineage()]
    raised = Case.objects.filter(category__in=lineage, confidential=False).values("pk")
    return enterprises.filter(intakes__case__in=raised).distinct().order_by("name")


def answer_push(answer: Answer, *, enterprises, by) -> int:
    """Push the answer to each enterprise (推送): a record per enterprise and a message to its accounts.
    Enterprises that already had it are skipped. Returns how many were new. Raises NotPermitted."""
    from dajuan.enterprise.models import EnterpriseUser
    from dajuan.notify.services import outbox_add

    require(by, Action.PUSH_ANSWER, answer)
    now = timezone.now()
    with transaction.atomic():
        done = set(answer.pushes.values_list("enterprise_id", flat=True))
        fresh = [e for e in enterprises if e.pk not in done]
        AnswerPush.objects.bulk_create([AnswerPush(answer=answer, enterprise=e, pushed_by=by, pushed_at=now)
                                        for e in fresh], ignore_conflicts=True)
        accounts = EnterpriseUser.objects.filter(enterprise__in=fresh).values_list("user_id", flat=True)
        outbox_add(accounts, key=f"answer:{answer.pk}", kind="answer_pushed", subject=answer.title, body=answer.body,
                   at=now)
        if fresh:
            audit_record(answer, "answer_push", by=by, after={"enterprises": [e.credit_code for e in fresh]})
    return len(fresh)


def push_context(request, answer: Answer) -> dict:
    """What the answer page shows of pushing: who got it, and who would get it next."""
    can_push = bool(decide(request.user, Action.PUSH_ANSWER, answer))
    return {"can_push": can_push, "targets": list(push_targets(answer)[:200]) if can_push else [],
            "pushes": list(answer.pushes.select_related("enterprise", "pushed_by").order_by("-pushed_at")[:500])}
