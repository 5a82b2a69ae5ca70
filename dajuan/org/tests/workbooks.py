"""Import files built in the tests (openpyxl and csv), so no binary fixture is committed, and the
checks the import tests share."""

import csv
import io

from django.contrib.auth import get_user_model
from django.utils import translation
from openpyxl import Workbook

from dajuan.core.models import AuditEntry
from dajuan.org.importing import Source
from dajuan.org.models import Membership, Unit
from dajuan.testing import DistrictTestCase

UNIT_HEADER = ["code", "name", "kind", "parent_code"]
PEOPLE_HEADER = ["username", "full_name", "phone", "email", "unit_code", "role", "title"]

# New units under the cast's district 谯城区 (QC); a child comes before its parent on purpose, and one
# existing unit (区住建局) is listed again unchanged.
GOOD_UNITS = [
    ["QC-GXJ-ZX", "工信局企业服务中心", "service_centre", "QC-GXJ"],
    ["QC-GXJ", "区工信局", "department", "QC"],
    ["QC-TL", "汤陵街道", "town", "QC"],
    ["QC-TL-HS-01", "和顺社区第一网格", "grid", "QC-TL-HS"],
    ["QC-TL-HS", "和顺社区", "village", "QC-TL"],
    ["QC-ZJJ", "区住建局", "department", "QC"],
]
GOOD_PEOPLE = [
    ["chen", "陈承办", "13800001111", "chen@example.cn", "QC-GXJ", "handler", "科员"],
    ["chen", "陈承办", "13800001111", "", "QC-GXJ-ZX", "handler", ""],
    ["liu", "刘网格", "13900002222", "", "QC-TL-HS-01", "grid_worker", "专职网格员"],
    ["li", "李承办", "", "", "QC-GXJ", "handler", "借调"],  # existing account, new role
    ["wang", "王局长", "", "", "QC-ZJJ", "unit_leader", "局长"],  # existing account and role
]
GOOD_COUNTS = {
    "units_created": 5, "units_renamed": 0, "units_unchanged": 1,
    "users_created": 2, "users_existing": 2,
    "memberships_created": 4, "memberships_existing": 1,
}


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def good_workbook(units=None, people=None) -> Source:
    return Source("org.xlsx", xlsx({
        "units": [UNIT_HEADER, *(GOOD_UNITS if units is None else units)],
        "people": [PEOPLE_HEADER, *(GOOD_PEOPLE if people is None else people)],
    }))


def units_only(rows: list[list], header=None) -> Source:
    return Source("org.xlsx", xlsx({"units": [header or UNIT_HEADER, *rows]}))


def people_only(rows: list[list], header=None) -> Source:
    return Source("org.xlsx", xlsx({"people": [header or PEOPLE_HEADER, *rows]}))


class ImportTestCase(DistrictTestCase):
    """The cast, English messages (the assertions read them), and helpers over reports."""

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def stored(self) -> dict[str, int]:
        return {
            "units": Unit.objects.count(),
            "users": get_user_model().objects.count(),
            "memberships": Membership.objects.count(),
            "audit": AuditEntry.objects.count(),
        }

    def refused(self, sources, commit):
        """Run a commit that must be refused; asserts that nothing at all was written."""
        before = self.stored()
        report = commit(sources, by=self.admin)
        self.assertFalse(report.committed)
        self.assertTrue(report.problems)
        self.assertEqual(self.stored(), before)
        return report

    def problem(self, report, code: str, *, row=None, column: str | None = None, contains: str = ""):
        """The one problem with this code (and row); asserts its column and that it says `contains`."""
        found = [p for p in report.problems if p.code == code and (row is None or p.row == row)]
        self.assertEqual(len(found), 1, f"{code} at row {row}: {report.problems}")
        problem = found[0]
        if column is not None:
            self.assertIn(column, problem.column)
        self.assertIn(contains, problem.message)
        self.assertTrue(problem.fix)
        return problem
