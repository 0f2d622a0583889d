"""Cells of the CSV and Excel exports, safe to open in a spreadsheet.

Names come from organisation files and rosters, and text from residents: a
value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would run as a formula when a supervisor opens the export (CSV injection).
In CSV such text gets a leading ``'``, which spreadsheets read as "text, not a
formula"; in Excel every text cell is written as a string cell, never a
formula, so it keeps its exact text.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """The value for a CSV cell: text that looks like a formula is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values: Sequence[object]) -> list[object]:
    return [csv_cell(value) for value in values]


def append_row(sheet: Worksheet, values: Sequence[object]) -> None:
    """Append a row whose text cells are strings, whatever they start with (openpyxl makes ``=…`` a formula)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
