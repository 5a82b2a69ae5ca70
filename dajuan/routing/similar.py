"""Similar past cases and possible duplicates (selectors: reads only).

One SimilarityIndex per process, kept fresh by adding the cases registered since (one query for rows
with a higher primary key on every lookup). On first use a process loads the snapshot that
`dajuan warm_routing` (or the worker's `warm_similarity` task) wrote to DAJUAN_SIMILARITY_SNAPSHOT — about
a second at a million cases — and only builds the index itself when there is no snapshot of this
database. A snapshot keeps the texts cases had when it was written; a later rebuild picks up edits. The index only
proposes candidates; what a person is shown is always cut down by `access.visible_cases`, so a case
they may not see (a confidential one, another unit's) never appears, nor counts, nor changes an order.
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
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

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_state: dict = {"index": None, "last_pk": 0}


def _fingerprint(last_pk: int) -> str:
    """Names this database and its case `last_pk`, so a snapshot is never read against another database."""
    row = Case.objects.filter(pk=last_pk).values_list("number", "registered_at").first()
    key = f"{connection.vendor}|{connection.settings_dict['NAME']}|{last_pk}|{row}"
    return hashlib.sha256(key.encode()).hexdigest()


def _build() -> tuple[SimilarityIndex, int]:
    rows = Case.objects.order_by("pk").values_list("pk", "title", "content")
    ids, texts = [], []
    for pk, title, content in rows.iterator(chunk_size=5000):
        ids.append(pk)
        texts.append(case_text(title, content))
    return SimilarityIndex().build(ids, texts), (ids[-1] if ids else 0)


def _snapshot_load() -> tuple[SimilarityIndex, int] | None:
    path = settings.DAJUAN_SIMILARITY_SNAPSHOT
    if not path:
        return None
    try:
        index, meta = SimilarityIndex.load(path)
    except (OSError, ValueError, KeyError) as error:
        logger.info("no similar-case index snapshot at %s (%s): building the index", path, error)
        return None
    if meta.get("fingerprint") != _fingerprint(meta.get("last_pk", 0)):
        logger.warning("the similar-case index snapshot at %s is of another database: building the index", path)
        return None
    logger.info("loaded the similar-case index snapshot at %s (%d cases)", path, len(index))
    return index, meta["last_pk"]


def index_snapshot_write() -> dict:
    """Build the index from every case and write it to DAJUAN_SIMILARITY_SNAPSHOT for servers to load.
    Returns what was written: path, cases, seconds."""
    path = settings.DAJUAN_SIMILARITY_SNAPSHOT
    started = time.perf_counter()
    index, last_pk = _build()
    if path:
        index.save(path, meta={"last_pk": last_pk, "fingerprint": _fingerprint(last_pk)})
    return {"path": str(path), "cases": len(index), "seconds": round(time.perf_counter() - started, 1)}


def case_index() -> SimilarityIndex:
    """The process's index, loaded from the snapshot (or built) on first use, with every case registered
    since added."""
    with _lock:
        if _state["index"] is None:
            _state["index"], _state["last_pk"] = _snapshot_load() or _build()
        index = _state["index"]
        rows = list(Case.objects.filter(pk__gt=_state["last_pk"]).order_by("pk")
                    .values_list("pk", "title", "content").iterator(chunk_size=5000))
        if rows:
            index.add([r[0] for r in rows], [case_text(r[1], r[2]) for r in rows])
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
