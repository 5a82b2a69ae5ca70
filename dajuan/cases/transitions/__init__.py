"""The loop's only writer (DESIGN §1): one function per verb, grouped by stage in the modules below and
imported from here (`from dajuan.cases import transitions`).

Every transition: takes the actor as keyword-only `by=`; asks access (NotPermitted → 403); checks the
allowed-from table (InvalidTransition → 409); holds the case row with a conditional update on its
version before its first write, so the loser of a race gets StaleCase (409) and writes nothing;
appends exactly one ledger event (evaluate may append the follow-on
REOPENED or CLOSED, each its own event); runs in one durable transaction. `at` defaults to now and
exists so replays and imports can record history at its real time.
"""

from dajuan.cases.transitions.closing import close, comment, evaluate, reopen, supervise
from dajuan.cases.transitions.handling import (
    decide_extension,
    note_progress,
    reply,
    request_extension,
    resume,
    suspend,
)
from dajuan.cases.transitions.intake import merge, register, reject
from dajuan.cases.transitions.review import approve_reply, send_back_reply, submit_reply
from dajuan.cases.transitions.routing import (
    add_assisting_units,
    claim,
    dispatch,
    remove_assisting_unit,
    report_assist,
    return_to_dispatcher,
    transfer,
)

__all__ = [
    "add_assisting_units", "approve_reply", "claim", "close", "comment", "decide_extension", "dispatch", "evaluate",
    "merge", "note_progress", "register", "reject", "remove_assisting_unit", "reopen", "reply", "report_assist",
    "request_extension", "resume", "return_to_dispatcher", "send_back_reply", "submit_reply", "supervise",
    "suspend", "transfer",
]
