"""The CSV and Excel exports: cells safe to open in a spreadsheet, written as a stream with flat memory.

Names come from organisation files and rosters, and text from residents: a
value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would run as a formula when a supervisor opens the export (CSV injection).
In CSV such text gets a leading ``'``, which spreadsheets read as "text, not a
formula"; in Excel every text is written as a string cell, never a formula,
so it keeps its exact text (``ticketing.web.xlsx_stream``).

A district's board can hold tens of thousands of rows, so neither format is
built in memory, nor waited for: CSV goes out as it is read (its header line
first), and Excel as a ZIP compressed row by row (its fixed parts first), so
either download starts at once and the process holds one chunk at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import stream_with_context
from werkzeug.wrappers import Response

from ticketing.web.xlsx_stream import xlsx_chunks

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK = 64 * 1024  # characters gathered before a CSV chunk is sent
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    """An Excel download (one sheet named after the file) sent while ``table`` is still being read."""
    return Response(
        stream_with_context(xlsx_chunks(name, headers, table)),
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        mimetype=XLSX_TYPE,
    )
