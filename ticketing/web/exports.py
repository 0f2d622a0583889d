"""The CSV and Excel exports: cells safe to open in a spreadsheet, written as a stream with flat memory.

Names come from organisation files and rosters, and text from residents: a
value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would run as a formula when a supervisor opens the export (CSV injection).
In CSV such text gets a leading ``'``, which spreadsheets read as "text, not a
formula"; in Excel every text cell is written as a string cell, never a
formula, so it keeps its exact text.

A district's board can hold tens of thousands of rows, so neither format is
built in memory: CSV goes out as it is read (its header line first, so the
download starts at once), and Excel is written row by row by openpyxl's
write-only workbook into a temporary file that is then streamed.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flask import request, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from werkzeug.wrappers import Response
from werkzeug.wsgi import wrap_file

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK = 64 * 1024  # characters gathered before a CSV chunk is sent
SPOOL_BYTES = 1024 * 1024  # an Excel file this small stays in memory; a larger one goes to disk
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Formatted:
    """A number shown in Excel with a number format, such as a rate as a percentage cell."""

    value: float
    number_format: str


def csv_cell(value: object) -> object:
    """The value for a CSV cell: text that looks like a formula is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values: Sequence[object]) -> list[object]:
    return [csv_cell(value) for value in values]


def csv_response(name: str, headers: Sequence[str], table: Iterable[Sequence[object]]) -> Response:
    """A CSV download (UTF-8 with BOM, so Excel reads the Chinese) sent while ``table`` is still being read."""
    return Response(
        stream_with_context(_csv_chunks(headers, table)),
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        content_type="text/csv; charset=utf-8",
    )


def _csv_chunks(headers: Sequence[str], table: Iterable[Sequence[object]]) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(csv_row(headers))
    yield _drain(out)
    for line in table:
        writer.writerow(csv_row(line))
        if out.tell() >= CSV_CHUNK:
            yield _drain(out)
    yield _drain(out)


def _drain(out: io.StringIO) -> bytes:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text.encode("utf-8")


def xlsx_response(name: str, headers: Sequence[str], table: Iterable[Sequence[object]]) -> Response:
    """An Excel download, written row by row to a temporary file, then streamed from it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(name[:31])
    sheet.append(_xlsx_row(sheet, headers))
    for line in table:
        sheet.append(_xlsx_row(sheet, line))
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed once the response is sent)
    book.save(file)
    size = file.tell()
    file.seek(0)
    return Response(
        wrap_file(request.environ, file),
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"', "Content-Length": str(size)},
        mimetype=XLSX_TYPE,
        direct_passthrough=True,
    )


def _xlsx_row(sheet: WriteOnlyWorksheet, values: Sequence[object]) -> list[object]:
    """The cells of a row: text stays a string cell whatever it starts with (openpyxl makes ``=…`` a formula)."""
    return [_xlsx_cell(sheet, value) for value in values]


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    """Plain values are cheapest; only text openpyxl would not keep as text, and formatted numbers, get a cell."""
    if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    if isinstance(value, Formatted):
        cell = WriteOnlyCell(sheet, value.value)
        cell.number_format = value.number_format
        return cell
    return value
