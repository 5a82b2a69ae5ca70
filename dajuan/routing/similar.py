"""Similar past cases and possible duplicates (selectors: reads only).

One SimilarityIndex per process, built on first use from every case and kept fresh by adding the
cases registered since (one query for rows with a higher primary key on every lookup). The index only
proposes candidates; what a person is shown is always cut down by `access.visible_cases`, so a case
they may not see (a confidential one, another unit's) never appears, nor counts, nor changes an order.
"""

import threading
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from dajuan.access.actions import Action
from dajuan.access.policy import require, visible_cases
from dajuan.cases.choices import AssignmentRole, CaseStatus
from dajuan.cases.models import Assignment, Case
from dajuan.routing.similarity import SimilarityIndex, jaccard
from dajuan.routing.text import case_text

CANDIDATES = 200  # index hits looked up before scoping: a unit sees few cases, so ask for many
DUPLICATE_MIN_SCORE = 0.45  # index score to consider a pair at all
DUPLICATE_MIN_JACCARD = 0.5  # exact character 3-gram overlap that flags a duplicate

_lock = threading.Lock()
_state: dict = {"index": None, "last_pk": 0}


def case_index() -> SimilarityIndex:
    """The process's index, built on first use, with every case registered since added."""
    with _lock:
        index = _state["index"]
        rows = Case.objects.filter(pk__gt=_state["last_pk"]).order_by("pk").values_list("pk", "title", "content")
        if index is None:
            rows = list(rows.iterator(chunk_size=5000))
            index = SimilarityIndex().build([r[0] for r in rows], [case_text(r[1], r[2]) for r in rows])
            _state["index"] = index
        else:
            rows = list(rows)
            index.add([r[0] for r in rows], [case_text(r[1], r[2]) for r in rows])
        if rows:
            _state["last_pk"] = rows[-1][0]
        return index


def reset_index() -> None:
    """Forget the process's index (tests, and after bulk deletions)."""
    with _lock:
        _state.update(index=None, last_pk=0)


@dataclass
class Similar:
    case: Case
    score: float
    reply: str = ""


def _scored_visible(user, case: Case, hits: list[tuple[int, float]]):
    scores = {pk: score for pk, score in hits if pk != case.pk}
    rows = visible_cases(user).filter(pk__in=list(scores)).select_related("category", "lead_unit")
    return sorted(rows, key=lambda c: (-scores[c.pk], c.pk)), scores


def similar_cases(user, case: Case, k: int = 5) -> list[Similar]:
    """The `k` most similar past cases this user may see, best first, each with its lead unit's latest
    reply (to reuse an answer). Raises NotPermitted."""
    require(user, Action.VIEW_SIMILAR, case)
    hits = case_index().query(case_text(case.title, case.content), k=CANDIDATES)
    rows, scores = _scored_visible(user, case, hits)
    rows = [c for c in rows if c.status not in (CaseStatus.MERGED, CaseStatus.REJECTED)][:k]
    replies = {}
    for case_id, text in (Assignment.objects.filter(case__in=rows, role=AssignmentRole.LEAD, replied_at__isnull=False)
                          .order_by("case_id", "replied_at").values_list("case_id", "reply_text")):
        replies[case_id] = text  # the latest reply wins
    return [Similar(c, scores[c.pk], replies.get(c.pk, "")) for c in rows]


def duplicates_for(user, case: Case) -> list[Similar]:
    """Possible duplicates (疑似重复) of an open case: cases this user may see, registered within the
    window before or after it, from the same requester or place, with very similar text. Only those who
    may merge are shown them. Raises NotPermitted."""
    require(user, Action.MERGE_CASE, case)
    hits = case_index().query(case_text(case.title, case.content), k=CANDIDATES)
    hits = [(pk, score) for pk, score in hits if score >= DUPLICATE_MIN_SCORE]
    window = timedelta(days=settings.DAJUAN_DUPLICATE_WINDOW_DAYS)
    same = Q(pk__in=[])
    if case.requester_phone:
        same |= Q(requester_phone=case.requester_phone)
    if case.requester_user_id:
        same |= Q(requester_user=case.requester_user_id)
    if case.address.strip():
        same |= Q(address=case.address.strip())
    if case.grid_id:
        same |= Q(grid=case.grid_id)
    around = Q(registered_at__gte=case.registered_at - window, registered_at__lte=case.registered_at + window)
    candidates = (visible_cases(user).filter(pk__in=[pk for pk, _ in hits], confidential=case.confidential)
                  .filter(same).filter(around)
                  .exclude(pk=case.pk).exclude(status__in=[CaseStatus.MERGED, CaseStatus.REJECTED])
                  .select_related("category", "lead_unit"))
    text = case_text(case.title, case.content)
    found = [Similar(c, round(jaccard(text, case_text(c.title, c.content)), 4)) for c in candidates]
    return sorted([d for d in found if d.score >= DUPLICATE_MIN_JACCARD], key=lambda d: (-d.score, d.case.pk))
