"""双报到 registrations read from a community's CSV or XLSX file: Chinese or English headers, GB18030, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from ticketing.domain.errors import InvalidInput
from ticketing.domain.volunteering.model import RegistrantKind
from ticketing.domain.volunteering.registration import Application
from ticketing.organisation.registrant_files import read_registrants

CHINESE = ["类型", "名称", "电话", "联系人", "工作单位", "特长", "可提供资源", "每月可服务时长"]
ENGLISH = ["Kind", "Name", "Phone", "Contact person", "Work unit", "Skills", "Offer", "Hours a month"]
MEMBER = ["党员", "王建国", "13906331234", "", "区财政局", "水电维修", "", "8"]
UNIT = ["单位", "区供电公司", "0633-8881234", "李主任", "", "", "电工两名，周末可上门", ""]
EXPECTED = [
    Application(
        "C0101",
        RegistrantKind.MEMBER,
        "王建国",
        "13906331234",
        work_unit="区财政局",
        skills="水电维修",
        hours_per_month=8,
    ),
    Application(
        "C0101", RegistrantKind.UNIT, "区供电公司", "0633-8881234", contact_name="李主任", offer="电工两名，周末可上门"
    ),
]


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    path.write_bytes("".join(",".join(row) + "\r\n" for row in rows).encode(encoding))
    return path


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_a_csv_with_chinese_headers(tmp_path: Path) -> None:
    assert read_registrants(_csv(tmp_path / "r.csv", [CHINESE, MEMBER, UNIT]), "C0101") == EXPECTED


def test_a_csv_saved_by_older_chinese_excel_in_gb18030(tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", [CHINESE, MEMBER, UNIT], encoding="gb18030")
    assert read_registrants(path, "C0101") == EXPECTED


def test_an_xlsx_with_english_headers_in_another_order_and_numbers_as_numbers(tmp_path: Path) -> None:
    order = [2, 0, 1, 3, 4, 5, 6, 7]
    rows: list[list[object]] = [[ENGLISH[i] for i in order]]
    member: list[object] = [MEMBER[i] for i in order]
    member[0], member[7] = 13906331234, 8  # Excel keeps a typed phone and hours as numbers
    rows += [member, [UNIT[i] for i in order], [None] * 8]  # an empty row is no registration
    assert read_registrants(_xlsx(tmp_path / "r.xlsx", rows), "C0101") == EXPECTED


def test_unknown_columns_are_ignored_and_kinds_read_in_english(tmp_path: Path) -> None:
    rows = [["kind", "name", "phone", "work unit", "备注"], ["member", "赵敏", "13906332222", "区教育局", "组长"]]
    (found,) = read_registrants(_csv(tmp_path / "r.csv", rows), "C0101")
    assert (found.kind, found.name, found.work_unit) == (RegistrantKind.MEMBER, "赵敏", "区教育局")


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        (
            ["群众", "李四", "13906335555", "", "区税务局", "", "", ""],
            "row 3: the kind is a unit or a member, not '群众'",
        ),
        (
            ["党员", "李四", "13906335555", "", "区税务局", "", "", "八"],
            "row 3: hours a month is a whole number, not '八'",
        ),
        (["党员", "李四", "13906335555", "", "区税务局", "", "", "2.5"], "not '2.5'"),
    ],
)
def test_a_bad_row_is_named(tmp_path: Path, bad_row: list[str], problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_registrants(_csv(tmp_path / "r.csv", [CHINESE, MEMBER, bad_row, UNIT]), "C0101")
    assert problem in str(refused.value)
    assert refused.value.params["row"] == 3


def test_a_file_without_the_required_columns_or_rows_or_that_is_no_table(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="row 1"):
        read_registrants(_csv(tmp_path / "r.csv", [["名称", "电话"], ["王建国", "13906331234"]]), "C0101")
    with pytest.raises(InvalidInput, match="empty"):
        read_registrants(_csv(tmp_path / "empty.csv", []), "C0101")
    (tmp_path / "fake.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(InvalidInput, match="no readable"):
        read_registrants(tmp_path / "fake.xlsx", "C0101")
