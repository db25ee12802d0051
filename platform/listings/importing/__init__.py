"""Bulk import of needs and offers from an .xlsx or .csv file: all rows, or none and why."""

from listings.importing.plan import ImportPlan, import_file
from listings.importing.problems import RowsRejected
from listings.importing.reading import MAX_BYTES, MAX_ROWS, keyed_rows, read_rows

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportPlan",
    "RowsRejected",
    "import_file",
    "keyed_rows",
    "read_rows",
]
