from dajuan.cases.models.case import Assignment, Case, CaseNumberSequence, CaseQuerySet
from dajuan.cases.models.catalog import Category, DeadlinePolicy
from dajuan.cases.models.ledger import GENESIS_HASH, Event
from dajuan.cases.models.records import Attachment, Evaluation, ExtensionRequest

__all__ = [
    "GENESIS_HASH", "Assignment", "Attachment", "Case", "CaseNumberSequence", "CaseQuerySet", "Category",
    "DeadlinePolicy", "Evaluation", "Event", "ExtensionRequest",
]
