"""The registry in the database: round trip, idempotent re-import, roster updates, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, Table, func, select

from ticketing.db.org_store import load_org, org_version, save_org
from ticketing.db.schema import posts, staff, units
from ticketing.demo import DEMO_ORG_FILE, load_demo_org
from ticketing.domain.errors import OrgFileError
from ticketing.organisation.data import ImportSummary, OrgData
from ticketing.organisation.files import read_org_file, read_sources

SMALL_ORG = """
default_intake_community: C9
calendars:
  late: {workday: ['08:30-12:00', '14:00-21:00']}
staff:
  - {id: X1, name: 王伟}
  - {id: X2, name: 李娜}
district:
  id: D09
  name: 岚山区
  streets:
    - id: ST09
      name: 安东卫街道
      committee: {a: X1, b: X2}
      communities:
        - {id: C9, name: 海港社区, calendar: late, party: {a: X1, b: X2}, intake: {a: X2, b: X1}}
"""


@pytest.fixture(scope="module")
def demo() -> OrgData:
    return read_org_file(DEMO_ORG_FILE)


def _import(engine: Engine, *paths: Path) -> ImportSummary:
    with engine.begin() as conn:
        return save_org(conn, read_sources(paths, base=load_org(conn)))


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_what_is_saved_loads_back_equal(engine: Engine, demo: OrgData) -> None:
    with engine.begin() as conn:
        summary = save_org(conn, demo)
    assert (summary.units.created, summary.posts.created, summary.staff.created) == (261, 216, 257)
    assert summary.calendars.created == 3 and summary.defaults_changed
    with engine.connect() as conn:
        assert load_org(conn) == demo
        assert org_version(conn) == summary.org_version == 1


def test_importing_again_changes_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        first = load_demo_org(conn)
    with engine.begin() as conn:
        second = load_demo_org(conn)
    for name, counts in second.tables().items():
        assert (counts.created, counts.updated, counts.not_in_file) == (0, 0, 0), name
        assert counts.unchanged == first.tables()[name].created, name
    assert not second.changed and not second.defaults_changed
    assert second.org_version == first.org_version == 1
    assert _count(engine, units) == 261


def test_a_roster_changes_a_holder_and_bumps_the_version(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        load_demo_org(conn)
    roster = tmp_path / "roster.csv"
    roster.write_text("岗位,单位编号,AB岗,工号,姓名,电话\n楼长,B01010101,B,S0900,孙新,13906330900\n", "utf-8-sig")
    summary = _import(engine, roster)
    assert (summary.posts.updated, summary.staff.created, summary.units.unchanged) == (1, 1, 261)
    with engine.connect() as conn:
        post = load_org(conn).organisation.posts["B01010101.building_leader"]
        assert (post.holder_a, post.holder_b) == ("S0013", "S0900")
        assert org_version(conn) == 2


def test_records_missing_from_a_file_are_kept_and_counted(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        load_demo_org(conn)
    small = tmp_path / "lanshan.yaml"
    small.write_text(SMALL_ORG, encoding="utf-8")
    summary = _import(engine, small)
    assert (summary.units.created, summary.units.not_in_file) == (3, 261)
    assert (summary.staff.created, summary.staff.not_in_file) == (2, 257)
    with engine.connect() as conn:
        data = load_org(conn)
    assert data.organisation.default_intake_community == "C9"
    assert data.default_calendar == "standard"  # the small file names none: the stored one stays
    assert data.calendar_for_post("C9.intake") == "late"
    assert len(data.organisation.units) == 264


def test_a_changed_unit_is_updated_in_place(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(SMALL_ORG, encoding="utf-8")
    _import(engine, path)
    path.write_text(SMALL_ORG.replace("海港社区", "海港新社区"), encoding="utf-8")
    summary = _import(engine, path)
    assert (summary.units.updated, summary.units.unchanged, summary.org_version) == (1, 2, 2)
    with engine.connect() as conn:
        assert load_org(conn).organisation.units["C9"].name == "海港新社区"


def test_an_invalid_file_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(SMALL_ORG, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("岗位,单位编号,AB岗,工号\n楼长,B404,A,X1\n", encoding="utf-8")
    with pytest.raises(OrgFileError, match="row 2, column 单位编号: unknown unit 'B404'"):
        _import(engine, good, bad)
    assert [_count(engine, table) for table in (units, staff, posts)] == [0, 0, 0]
    with engine.connect() as conn:
        assert org_version(conn) == 0


def test_a_failure_after_saving_rolls_the_whole_import_back(engine: Engine, demo: OrgData) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        save_org(conn, demo)
        raise RuntimeError("the next file failed")
    assert _count(engine, units) == 0
