"""Names from organisation files and rosters reach the supervisors' exports as text, never as live formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from sqlalchemy import insert, select, update

from ticketing.db.meta import bump
from ticketing.db.org_store import ORG_VERSION_KEY
from ticketing.db.schema import history, staff, tickets, units
from ticketing.services import Ticketing
from ticketing.web.exports import csv_cell

Login = Callable[[str], FlaskClient]
WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock (conftest): Monday 09:00 in Shanghai
HYPERLINK = '=HYPERLINK("http://x","y")'
SUM = "=1+1"
HOLDER = "@SUM(A1)"  # the A and B holders of 海曲社区's party organisation, where the overdue ticket ends
EXPORTS = ("/supervise/board", "/supervise/rates?first=2026-11-01&last=2026-11-30&")


@pytest.fixture
def hostile_names(service: Ticketing, clock: list[datetime]) -> None:
    """A grid, a community and a staff member named like formulas (as an org file or roster could), and a
    ticket overdue on the board in that grid."""
    with service.engine.begin() as conn:
        conn.execute(update(units).where(units.c.id == "G010101").values(name=HYPERLINK))
        conn.execute(update(units).where(units.c.id == "C0101").values(name=SUM))
        conn.execute(update(staff).where(staff.c.id.in_(["S0004", "S0005"])).values(name=HOLDER))
        bump(conn, ORG_VERSION_KEY)
    ticket = service.open_ticket(
        category="public_facilities",
        description="路灯不亮",
        contact_phone="13806330000",
        location_id="B01010101",
        now=WEB_NOW,
    )
    at = WEB_NOW
    while not (current := service.show(ticket.number).ticket).overdue:
        assert current.due_at is not None
        at = current.due_at
        service.sweep.run(at)
    clock[0] = at + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("海曲社区", "海曲社区"),
        ("a=b", "a=b"),
        (-2, -2),
        (None, None),
    ],
)
def test_csv_text_that_looks_like_a_formula_gets_a_quote(value: object, written: object) -> None:
    assert csv_cell(value) == written


@pytest.mark.usefixtures("hostile_names")
@pytest.mark.parametrize("export", EXPORTS)
def test_formula_names_are_quoted_in_csv(login: Login, export: str) -> None:
    path, _, query = export.partition("?")
    body = login("S0002").get(f"{path}.csv?{query}").get_data().decode("utf-8-sig")

    cells = {cell for line in csv.reader(io.StringIO(body)) for cell in line}

    assert "'" + HYPERLINK in cells and "'" + SUM in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    if "board" in path:  # a holder is shown as name (id)
        assert any(cell.startswith("'" + HOLDER) for cell in cells)


@pytest.mark.usefixtures("hostile_names")
@pytest.mark.parametrize("export", EXPORTS)
def test_formula_names_are_string_cells_in_excel(login: Login, export: str) -> None:
    path, _, query = export.partition("?")
    book = load_workbook(io.BytesIO(login("S0002").get(f"{path}.xlsx?{query}").get_data()))

    cells: list[Cell] = [cell for row in book.active.iter_rows() for cell in row]
    named = {cell.value: cell for cell in cells if isinstance(cell.value, str)}

    assert named[HYPERLINK].data_type == "s" and named[SUM].data_type == "s"
    assert not any(cell.data_type == "f" for cell in cells)
    if "board" in path:  # a holder is shown as name (id)
        assert any(text.startswith(HOLDER) and cell.data_type == "s" for text, cell in named.items())


CROWD = 5_000  # copies of one overdue ticket: a district's board on a bad week


@pytest.fixture
def crowded_board(service: Ticketing, clock: list[datetime]) -> set[str]:
    """One overdue ticket opened by the engine and ``CROWD`` copies of it (bulk inserts): every number on the board."""
    opened = service.open_ticket(
        category="public_facilities",
        description="路灯不亮",
        contact_phone="13806330000",
        location_id="B01010101",
        now=WEB_NOW,
    )
    at = WEB_NOW
    while not (current := service.show(opened.number).ticket).overdue:
        assert current.due_at is not None
        at = current.due_at
        service.sweep.run(at)
    clock[0] = at + timedelta(minutes=1)
    with service.engine.begin() as conn:
        template = dict(conn.execute(select(tickets).where(tickets.c.number == opened.number)).mappings().one())
        of_template = select(history).where(history.c.ticket_id == template["id"])
        lines = [dict(row) for row in conn.execute(of_template).mappings()]
        ids = range(template["id"] + 1, template["id"] + 1 + CROWD)
        conn.execute(insert(tickets), [template | {"id": i, "number": f"COPY-{i:06d}"} for i in ids])
        copies = [line | {"ticket_id": i} for i in ids for line in lines]
        conn.execute(insert(history), [{k: v for k, v in line.items() if k != "id"} for line in copies])
    return {opened.number} | {f"COPY-{i:06d}" for i in ids}


def test_a_crowded_board_streams_every_row_as_csv(crowded_board: set[str], login: Login) -> None:
    response = login("S0001").get("/supervise/board.csv")

    assert response.status_code == 200 and response.is_streamed
    assert 'filename="overdue-board-' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf") and b"13806330000" not in body  # no resident phone, as before
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0][:3] == ["Number", "Category", "State"] and table[0][-1] == "Flags"
    assert len(table) == len(crowded_board) + 1 and {line[0] for line in table[1:]} == crowded_board


def test_a_crowded_board_exports_every_row_to_excel(crowded_board: set[str], login: Login) -> None:
    response = login("S0001").get("/supervise/board.xlsx", headers={"Accept-Language": "zh-CN"})

    assert response.status_code == 200 and response.is_streamed
    assert 'filename="overdue-board-' in response.headers["Content-Disposition"]
    assert "Content-Length" not in response.headers  # its length is known only once every row is written
    body = response.get_data()
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    rows = list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "类别", "状态")
    assert len(rows) == len(crowded_board) + 1 and {row[0] for row in rows[1:]} == crowded_board
    assert all(row[4] == "海曲社区" for row in rows[1:])
