"""Spreadsheet import of historical ledgers and 12345 work orders (xlsx or CSV): read → map columns →
check every row (the dry run) → write through the loop with each row's original times."""

from dajuan.intake.importing.check import CaseImportReport, RowProblem, case_import_check
from dajuan.intake.importing.columns import FIELDS, auto_mapping
from dajuan.intake.importing.reading import read_table
from dajuan.intake.importing.write import case_import_commit

__all__ = ["FIELDS", "CaseImportReport", "RowProblem", "auto_mapping", "case_import_check", "case_import_commit",
           "read_table"]
