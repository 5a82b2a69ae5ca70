from django.utils.translation import gettext as _

from dajuan.core.errors import Conflict, DomainError, ValidationFailed


class InvalidTransition(Conflict):
    """The case (or assignment) is not in a status that allows this verb."""

    code = "invalid_transition"

    def __init__(self, number: str, *, verb: str, status: str, hint: str = ""):
        message = _("Case %(number)s is “%(status)s”, so it cannot be %(verb)s now.") % {
            "number": number, "status": status, "verb": verb,
        }
        super().__init__(f"{message} {hint}".strip())
        self.number, self.verb, self.status = number, verb, status


class StaleCase(Conflict):
    """Someone else changed the case between reading and writing it: the loser of a race."""

    code = "stale_case"

    def __init__(self, number: str):
        super().__init__(
            _("Case %(number)s was changed by someone else a moment ago. Reload it and try again.") % {"number": number}
        )


class CaseInvalid(ValidationFailed):
    code = "case_invalid"


class LedgerBroken(DomainError):
    code = "ledger_broken"
    http_status = 500
