"""What an import check or commit hands back: the problems found (all of them, each located as the
user sees it in Excel) and the counts of what would be, or was, written."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """One uploaded file: its name as the user chose it, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Problem:
    """One thing to fix before the import can run.

    `code` is stable (tests, the UI's data attributes); `row` is the row number Excel shows, the
    header being row 1 (None for a problem with the whole file); `column` names the column as the
    file does, with its letter, e.g. "C (类型)".
    """

    code: str
    source: str
    row: int | None
    column: str
    message: str
    fix: str


@dataclass
class Counts:
    units_created: int = 0
    units_renamed: int = 0
    units_unchanged: int = 0
    users_created: int = 0
    users_existing: int = 0
    memberships_created: int = 0
    memberships_existing: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))

    @property
    def changes(self) -> int:
        return self.units_created + self.units_renamed + self.users_created + self.memberships_created


@dataclass
class ImportReport:
    files: list[str]
    problems: list[Problem] = field(default_factory=list)
    # Worth knowing but not blocking, e.g. an existing account whose phone differs from the file.
    notices: list[Problem] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def sorted_problems(self) -> list[Problem]:
        return in_file_order(self.problems)

    def sorted_notices(self) -> list[Problem]:
        return in_file_order(self.notices)


def in_file_order(items: list[Problem]) -> list[Problem]:
    """Files and sheets in the order first met, rows in ascending order; within a row, the order found."""
    first_seen: dict[str, int] = {}
    for item in items:
        first_seen.setdefault(item.source, len(first_seen))
    return sorted(items, key=lambda item: (first_seen[item.source], item.row or 0))
