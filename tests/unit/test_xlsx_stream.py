"""The streamed Excel writer: a file Excel opens with every value exact, sent while the table is still being read."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence

import pytest
from openpyxl import load_workbook

from ticketing.web.xlsx_stream import Formatted, sheet_name, xlsx_chunks

HEADERS = ["编号", "名称", "数量", "比率", "是否"]


def _book(chunks: Iterator[bytes]) -> bytes:
    data = b"".join(chunks)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    return data


def _excel_reads(text: str) -> str:
    """What Excel shows for a stored text: ``_xHHHH_`` is the character HHHH (openpyxl leaves inline text as stored)."""
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda found: chr(int(found.group(1), 16)), text)


def test_every_value_opens_exact_and_text_is_never_a_formula() -> None:
    table = [
        ['=HYPERLINK("http://x","y")', "@SUM(A1)", 3, Formatted(2 / 3, "0.0%"), True],
        ["+86 138", "-2", -2, Formatted(0.5, "0.00%"), False],
        ["海曲社区第三网格", "a\x00b\x1fc\x0bd", 2.5, Formatted(1.9 / 3, "0.0%"), None],
        ["<b>&amp;</b>", " 前后空格 ", 10**20, "—", ""],
        ["第一行\r\n第二行\t", "_x0041_", 0, Formatted(float("nan"), "0.0%"), "\ud800孤"],
    ]

    book = load_workbook(io.BytesIO(_book(xlsx_chunks("rates-20261101-20261130", HEADERS, table))))

    sheet = book.active
    cells = [list(row) for row in sheet.iter_rows()]
    assert sheet.title == "rates-20261101-20261130"
    assert not any(cell.data_type == "f" for row in cells for cell in row)
    assert [cell.value for cell in cells[0]] == HEADERS
    values = [[cell.value for cell in row] for row in cells[1:]]
    assert values[0][:3] == ['=HYPERLINK("http://x","y")', "@SUM(A1)", 3] and values[0][4] is True
    assert values[1][:3] == ["+86 138", "-2", -2] and values[1][4] is False
    assert values[2][:3] == ["海曲社区第三网格", "abcd", 2.5]  # control characters dropped: XML cannot hold them
    assert values[3][:4] == ["<b>&amp;</b>", " 前后空格 ", "100000000000000000000", "—"]
    assert values[4][0] == "第一行\r\n第二行\t" and _excel_reads(values[4][1]) == "_x0041_"
    assert values[4][2:4] == [0, "nan"] and values[4][4] == "孤"
    assert all(row[4] is None for row in values[2:4])
    rates = [cells[1][3], cells[2][3], cells[3][3]]
    assert [cell.value for cell in rates] == [pytest.approx(2 / 3), 0.5, pytest.approx(1.9 / 3)]
    assert [cell.number_format for cell in rates] == ["0.0%", "0.00%", "0.0%"]
    assert all(cell.data_type == "s" for row in cells for cell in row if isinstance(cell.value, str))


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("overdue-board-20261123-0901", "overdue-board-20261123-0901"),
        ("a[b]:c*d?e/f\\g", "abcdefg"),
        ("长" * 40, "长" * 31),
        ("[]:*?", "Sheet1"),
    ],
)
def test_the_sheet_takes_a_name_excel_accepts(name: str, shown: str) -> None:
    assert sheet_name(name) == shown
    assert load_workbook(io.BytesIO(_book(xlsx_chunks(name, ["x"], [])))).active.title == shown


class Counted:
    """A table of ``size`` rows that records how many rows have been read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read = 0

    def __iter__(self) -> Iterator[Sequence[object]]:
        for number in range(self.size):
            self.read = number + 1
            yield [f"T-{number:07d}", "海曲社区", number, Formatted(number / self.size, "0.0%")]


def test_a_large_table_goes_out_while_it_is_read() -> None:
    table = Counted(20_000)
    chunks = xlsx_chunks("board", ["编号", "社区", "序号", "比率"], table)

    first = next(chunks)
    read_at_first = table.read
    second = next(chunks)
    read_at_second = table.read
    data = _book(iter([first, second, *chunks]))

    assert first and read_at_first == 0  # the download starts before the table is read
    assert second and read_at_second < table.size  # and goes on while it is read
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 20_001 and rows[0] == ("编号", "社区", "序号", "比率")
    assert rows[1] == ("T-0000000", "海曲社区", 0, 0) and rows[-1][:3] == ("T-0019999", "海曲社区", 19_999)
