"""A one-sheet Excel workbook (.xlsx) written as a stream: its bytes go out while the table is still being read.

An .xlsx file is a ZIP of XML parts. ``zipfile`` can write a ZIP to a stream
it cannot seek back in: each entry's sizes and checksum then follow its data
(a data descriptor) and the directory comes last. So the small fixed parts go
out first, and the sheet is compressed row by row into a sink that the
generator empties every ``CHUNK`` bytes: the first bytes leave before the
first row is read, and memory holds one chunk whatever the table's size.

Every text is an inline string cell (``t="inlineStr"``): no shared-strings
table has to be gathered before the sheet, and no text is ever a formula,
whatever it starts with (``=``, ``+``, ``@``…), so a name from an organisation
file or a roster cannot run when a supervisor opens the file. Characters XML
1.0 forbids (control characters, lone surrogates) are dropped, since Excel
refuses a file holding them. Numbers are number cells; a :class:`Formatted`
number gets a cell style with its number format. The styles part is written
after the sheet (a ZIP's entries may come in any order), once every format the
table used is known.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import quoteattr

CHUNK = 64 * 1024  # compressed bytes gathered before a chunk is yielded
ROWS_TEXT = 64 * 1024  # characters of sheet XML gathered before they are handed to the compressor
MAX_TEXT = 32_767  # the most characters an Excel cell holds; a longer text makes Excel repair the file
MAX_SHEET_NAME = 31  # Excel's limit on a sheet's name
EXACT_INTEGERS = 10**15  # Excel keeps 15 digits: a longer integer is written as text, so no digit is lost
FIRST_CUSTOM_FORMAT = 164  # number formats below this id are Excel's built-in ones

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
# Excel reads ``_xHHHH_`` in a text as the character HHHH; ``_x005F_`` (an underscore) before it keeps it as typed.
_EXCEL_ESCAPE = re.compile("(?=_x[0-9A-Fa-f]{4}_)")
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    DECLARATION + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    DECLARATION + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
SHEET_START = DECLARATION + f'<worksheet xmlns="{MAIN}"><sheetData>'
SHEET_END = "</sheetData></worksheet>"


@dataclass(frozen=True, slots=True)
class Formatted:
    """A number shown in Excel with a number format, such as a rate as a percentage cell."""

    value: float
    number_format: str


def xlsx_chunks(name: str, headers: Sequence[str], table: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """A workbook of one sheet, ``name``: ``headers`` then the rows of ``table``, read as its bytes go out.

    Cells may be text, numbers, booleans, :class:`Formatted` numbers or
    ``None`` (an empty cell); anything else (and a number Excel cannot hold:
    infinite, not a number, an integer of more than 15 digits) is written as its text.
    """
    sink = _Sink()
    styles = _Styles()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", PACKAGE_RELS)
        book.writestr("xl/workbook.xml", _workbook(name))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        yield sink.drain()
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            rows = [SHEET_START, _row(1, headers, styles)]
            size = 0
            for number, values in enumerate(table, start=2):
                line = _row(number, values, styles)
                rows.append(line)
                size += len(line)
                if size >= ROWS_TEXT:
                    sheet.write("".join(rows).encode("utf-8"))
                    rows.clear()
                    size = 0
                    if sink.size >= CHUNK:
                        yield sink.drain()
            rows.append(SHEET_END)
            sheet.write("".join(rows).encode("utf-8"))
        book.writestr("xl/styles.xml", styles.xml())
    yield sink.drain()


def sheet_name(name: str) -> str:
    """``name`` as Excel accepts a sheet's name: at most 31 characters, none of ``[]:*?/\\``, not empty."""
    cleaned = _NOT_IN_SHEET_NAME.sub("", _ILLEGAL.sub("", name))[:MAX_SHEET_NAME].strip("'")
    return cleaned or "Sheet1"


def _workbook(name: str) -> str:
    return (
        DECLARATION + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
        f'<sheet name={quoteattr(sheet_name(name))} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


class _Sink:
    """Where the ZIP writer puts its bytes, until the generator takes them: write-only, so ``zipfile`` streams."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self._parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        """Nothing to do: the bytes wait for :meth:`drain` (``zipfile`` calls this)."""

    def close(self) -> None:
        """Nothing to release: the parts are plain bytes."""

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.size = 0
        return data


class _Styles:
    """The number formats the sheet used, each with its cell style: style 0 is plain, the others follow."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def style(self, number_format: str) -> int:
        """The cell style (``s``) for cells shown with ``number_format``."""
        if (found := self._ids.get(number_format)) is None:
            found = self._ids[number_format] = len(self._ids) + 1
        return found

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{FIRST_CUSTOM_FORMAT + i}" formatCode={quoteattr(_ILLEGAL.sub("", code))}/>'
            for i, code in enumerate(self._ids)
        )
        styled = "".join(
            f'<xf numFmtId="{FIRST_CUSTOM_FORMAT + i}" fontId="0" fillId="0" borderId="0" xfId="0"'
            ' applyNumberFormat="1"/>'
            for i in range(len(self._ids))
        )
        return (
            DECLARATION
            + f'<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(self._ids)}">{formats}</numFmts>' if self._ids else "")
            + '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(self._ids) + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            f"{styled}</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


@cache
def _column(index: int) -> str:
    """The letters of the ``index``-th column (0 is ``A``), remembered: every row asks for the same few."""
    n, letters = index + 1, ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row(number: int, values: Sequence[object], styles: _Styles) -> str:
    cells = "".join(_cell(f"{_column(i)}{number}", value, styles) for i, value in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _cell(ref: str, value: object, styles: _Styles) -> str:
    """One ``<c>`` element; ``None`` and empty text are no cell at all, as Excel writes an empty cell."""
    if isinstance(value, str):  # most cells: first
        return f'<c r="{ref}" t="inlineStr"><is>{_text(value)}</is></c>' if value else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if (isinstance(value, int) and abs(value) < EXACT_INTEGERS) or (isinstance(value, float) and math.isfinite(value)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, Formatted):
        if math.isfinite(value.value):
            return f'<c r="{ref}" s="{styles.style(value.number_format)}"><v>{float(value.value)!r}</v></c>'
        value = value.value
    return f'<c r="{ref}" t="inlineStr"><is>{_text(str(value))}</is></c>'


def _text(text: str) -> str:
    """A ``<t>`` element holding ``text`` exactly as typed, as far as XML and Excel can hold it."""
    text = text[:MAX_TEXT]
    padded = text[:1].isspace() or text[-1:].isspace()  # Excel trims a text's ends unless told not to
    if _SPECIAL.search(text) is not None:
        text = _ILLEGAL.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = _EXCEL_ESCAPE.sub("_x005F", text).replace("\r", "&#13;")  # a bare CR would be read as LF
    return f'<t xml:space="preserve">{text}</t>' if padded else f"<t>{text}</t>"
