"""Which verb may happen in which case status: data, checked by every transition (no DB writes)."""

from dajuan.cases.choices import CaseStatus as S
from dajuan.cases.choices import Verb as V
from dajuan.cases.errors import InvalidTransition

WORKING = frozenset({S.DISPATCHED, S.IN_PROGRESS})

ALLOWED_FROM: dict[V, frozenset[S]] = {
    V.REJECTED: frozenset({S.RECEIVED, S.RETURNED}),
    V.MERGED: frozenset({S.RECEIVED, S.RETURNED, S.DISPATCHED, S.IN_PROGRESS}),
    V.DISPATCHED: frozenset({S.RECEIVED, S.RETURNED}),
    V.CLAIMED: frozenset({S.DISPATCHED, S.IN_PROGRESS}),  # assisting units claim while the lead works
    V.RETURNED: frozenset({S.DISPATCHED, S.IN_PROGRESS}),
    V.TRANSFERRED: WORKING,
    V.ASSIST_ADDED: WORKING,
    V.ASSIST_REMOVED: WORKING,
    V.ASSIST_REPORTED: frozenset({S.IN_PROGRESS, S.SUSPENDED, S.REVIEWING}),
    V.EXTENSION_REQUESTED: frozenset({S.IN_PROGRESS}),
    V.EXTENSION_APPROVED: frozenset({S.IN_PROGRESS, S.SUSPENDED, S.REVIEWING}),
    V.EXTENSION_DENIED: frozenset({S.IN_PROGRESS, S.SUSPENDED, S.REVIEWING}),
    V.SUSPENDED: frozenset({S.IN_PROGRESS}),
    V.RESUMED: frozenset({S.SUSPENDED}),
    V.PROGRESS_NOTED: frozenset({S.IN_PROGRESS, S.SUSPENDED, S.REVIEWING}),
    # 答复审核: submit (in progress → reviewing), send back (→ in progress) or approve, which appends REPLIED
    # (reviewing → replied). A direct reply starts only from in progress (transitions.reply checks it).
    V.REPLY_SUBMITTED: frozenset({S.IN_PROGRESS}),
    V.REPLY_SENT_BACK: frozenset({S.REVIEWING}),
    V.REPLIED: frozenset({S.IN_PROGRESS, S.REVIEWING}),
    V.EVALUATED: frozenset({S.REPLIED}),
    V.CLOSED: frozenset({S.REPLIED, S.EVALUATED}),
    V.REOPENED: frozenset({S.REPLIED, S.EVALUATED, S.CLOSED}),
    V.SUPERVISED: frozenset({S.RECEIVED, S.RETURNED, S.DISPATCHED, S.IN_PROGRESS, S.SUSPENDED, S.REVIEWING,
                             S.REPLIED}),
    V.COMMENTED: frozenset(S),
}


def allowed(status: str, verb: V) -> bool:
    return status in ALLOWED_FROM[verb]


def ensure_allowed(case, verb: V, hint: str = "") -> None:
    """Raise InvalidTransition (409) unless `verb` may happen in the case's current status."""
    if case.status not in ALLOWED_FROM[verb]:
        raise InvalidTransition(case.number, verb=str(verb.label), status=str(S(case.status).label), hint=hint)
