"""Errors of the working-day calendar (subclasses of core.errors.DomainError)."""

from dajuan.core.errors import DomainError, ValidationFailed


class DeadlineOutOfRange(DomainError):
    """A deadline computation would walk further than any real limit (about ten years), which means
    a wrong input (a huge number of days) or a holiday table that closes every day."""

    code = "deadline_out_of_range"
    http_status = 400


class ImportRejected(ValidationFailed):
    """A holiday file with at least one bad row; nothing was imported. `problems` lists every bad
    row as "line N: …" so the whole file can be fixed in one pass."""

    code = "import_rejected"

    def __init__(self, message: str, *, problems: list[str]):
        super().__init__(message)
        self.problems = problems
