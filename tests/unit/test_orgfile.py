"""Organisation files and rosters: what an office would write, and what it is told when it is wrong."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from ticketing.demo import DEMO_ORG_FILE, demo_org
from ticketing.demo.district import demo_document, render_demo
from ticketing.domain.errors import NotFound, OrgFileError
from ticketing.domain.org import PostKind, Role, UnitKind
from ticketing.organisation.data import OrgData
from ticketing.organisation.files import read_org_file, read_sources
from ticketing.organisation.roster import read_roster

COMMUNITY = "district.streets[0].communities[0]"
GRID = f"{COMMUNITY}.grids[0]"
BUILDING = f"{GRID}.buildings[0]"


def _pair(a: str, b: str) -> dict[str, str]:
    return {"a": a, "b": b}


def _org() -> dict[str, Any]:
    """A small valid organisation: one of each unit kind, one late-hours calendar.

    Outside the compound: a plain shop (P2, no post) on the segment, and a
    property service unit (P1, a market's office) with its 店长 managing a stall (P3).
    """
    return {
        "default_intake_community": "C1",
        "default_calendar": "standard",
        "calendars": {"late": {"name": "错时", "workday": ["08:30-12:00", "14:00-21:00"], "restday": []}},
        "staff": [
            {"id": f"S{i}", "name": name, "phone": f"1380633000{i}"}
            for i, name in enumerate(["王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵勇", "吴芳"], start=1)
        ],
        "district": {
            "id": "D",
            "name": "东港区",
            "streets": [
                {
                    "id": "ST1",
                    "name": "秦楼街道",
                    "committee": _pair("S1", "S2"),
                    "communities": [
                        {
                            "id": "C1",
                            "name": "海曲社区",
                            "calendar": "late",
                            "party": _pair("S1", "S2"),
                            "police": _pair("S3", "S4"),
                            "intake": _pair("S3", "S4"),
                            "grids": [
                                {
                                    "id": "G1",
                                    "name": "第一网格",
                                    "grid_leader": _pair("S5", "S6"),
                                    "buildings": [
                                        {"id": "B1", "name": "阳光小区1号楼", "building_leader": _pair("S7", "S8")},
                                        {"id": "B2", "name": "阳光小区2号楼", "building_leader": _pair("S8", "S7")},
                                    ],
                                    "segments": [
                                        {
                                            "id": "R1",
                                            "name": "海曲东路东段",
                                            "street_leader": _pair("S5", "S6"),
                                            "shops": [{"id": "P2", "name": "便民超市"}],
                                            "properties": [
                                                {
                                                    "id": "P1",
                                                    "name": "海曲农贸市场物业服务中心",
                                                    "shop_leader": {"a": "S7", "b": "S8", "calendar": "standard"},
                                                    "shops": [{"id": "P3", "name": "农贸市场水果摊"}],
                                                }
                                            ],
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ],
        },
    }


def _write_yaml(tmp_path: Path, doc: Any, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _problems(call: Callable[[], object]) -> list[str]:
    with pytest.raises(OrgFileError) as caught:
        call()
    return caught.value.problems


# --- organisation files -------------------------------------------------------------------------


def test_a_yaml_file_becomes_units_posts_staff_and_calendars(tmp_path: Path) -> None:
    data = read_org_file(_write_yaml(tmp_path, _org()))
    org = data.organisation
    kinds = Counter(unit.kind for unit in org.units.values())
    assert kinds == {
        UnitKind.DISTRICT: 1,
        UnitKind.STREET: 1,
        UnitKind.COMMUNITY: 1,
        UnitKind.GRID: 1,
        UnitKind.BUILDING: 2,
        UnitKind.SEGMENT: 1,
        UnitKind.PROPERTY: 1,
        UnitKind.SHOP: 2,
    }
    assert (org.units["P1"].parent_id, org.units["P2"].parent_id, org.units["P3"].parent_id) == ("R1", "R1", "P1")
    assert not [post for post in org.posts.values() if post.unit_id in ("P2", "P3")]  # a shop has no post
    post = org.posts["B2.building_leader"]
    assert (post.kind, post.unit_id, post.holder_a, post.holder_b) == (PostKind.BUILDING_LEADER, "B2", "S8", "S7")
    assert org.staff["S3"].phone == "13806330003"
    assert org.default_intake_community == "C1"
    assert data.calendar_names == {"late": "错时", "volunteer": "志愿者日间服务时间"}
    assert set(data.calendars) == {"late", "standard", "volunteer"}  # built in: named, or for volunteer posts


def test_the_calendar_of_a_post_is_its_own_else_its_units_nearest_else_the_default(tmp_path: Path) -> None:
    doc = _org()
    doc["district"]["streets"][0]["communities"][0].pop("calendar")
    doc["district"]["streets"][0]["communities"][0]["grids"][0]["calendar"] = "late"
    doc["district"]["streets"][0]["communities"][0]["grids"][0]["buildings"][0]["calendar"] = "late"
    data = read_org_file(_write_yaml(tmp_path, doc))
    assert data.calendar_for_post("G1.grid_leader") == "late"  # from the grid
    assert data.calendar_for_post("P1.shop_leader") == "standard"  # its own
    assert data.calendar_for_post("C1.intake") == "standard"  # the default
    assert data.calendar_for_post("B1.building_leader") == "volunteer"  # volunteers never inherit staff hours
    with pytest.raises(NotFound, match=r"unknown post 'X\.intake'"):
        data.calendar_for_post("X.intake")


TOML = """
default_intake_community = "C1"
default_calendar = "standard"

[calendars.late]
name = "错时"
workday = ["08:30-12:00", "14:00-21:00"]
restday = []

[[staff]]
id = "S1"
name = "王伟"
phone = "13806330001"
[[staff]]
id = "S2"
name = "李娜"
phone = "13806330002"
[[staff]]
id = "S3"
name = "张敏"
phone = "13806330003"
[[staff]]
id = "S4"
name = "刘洋"
phone = "13806330004"
[[staff]]
id = "S5"
name = "陈静"
phone = "13806330005"
[[staff]]
id = "S6"
name = "杨磊"
phone = "13806330006"
[[staff]]
id = "S7"
name = "赵勇"
phone = "13806330007"
[[staff]]
id = "S8"
name = "吴芳"
phone = "13806330008"

[district]
id = "D"
name = "东港区"

[[district.streets]]
id = "ST1"
name = "秦楼街道"
committee = { a = "S1", b = "S2" }

[[district.streets.communities]]
id = "C1"
name = "海曲社区"
calendar = "late"
party = { a = "S1", b = "S2" }
police = { a = "S3", b = "S4" }
intake = { a = "S3", b = "S4" }

[[district.streets.communities.grids]]
id = "G1"
name = "第一网格"
grid_leader = { a = "S5", b = "S6" }
buildings = [
  { id = "B1", name = "阳光小区1号楼", building_leader = { a = "S7", b = "S8" } },
  { id = "B2", name = "阳光小区2号楼", building_leader = { a = "S8", b = "S7" } },
]

[[district.streets.communities.grids.segments]]
id = "R1"
name = "海曲东路东段"
street_leader = { a = "S5", b = "S6" }
shops = [{ id = "P2", name = "便民超市" }]

[[district.streets.communities.grids.segments.properties]]
id = "P1"
name = "海曲农贸市场物业服务中心"
shop_leader = { a = "S7", b = "S8", calendar = "standard" }
shops = [{ id = "P3", name = "农贸市场水果摊" }]
"""


def test_toml_reads_the_same_as_yaml(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(TOML, encoding="utf-8")
    assert read_org_file(path) == read_org_file(_write_yaml(tmp_path, _org()))


def test_a_toml_problem_names_the_line_of_its_unit(tmp_path: Path) -> None:
    """TOML gives no positions: the line is that of the unit's (or staff member's) ``id``."""
    path = tmp_path / "org.toml"
    text = TOML.replace('shops = [{ id = "P3", name = "农贸市场水果摊" }]', 'shops = [{ id = "P3" }]')
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('shops = [{ id = "P3" }]') + 1
    problems = _problems(lambda: read_org_file(path))
    assert problems == [
        f"{path} line {line}, shop P3: {GRID}.segments[0].properties[0].shops[0].name: missing",
    ]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to the document at a dotted key path (``a.b[0].c``); ``None`` deletes the key."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.replace("[", ".[").split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value

    return change


ORG_FILE_ERRORS = [
    pytest.param(
        _set(f"{BUILDING}.building_leader.b", "S9"),
        f"{BUILDING}.building_leader.b: unknown staff 'S9'",
        id="unknown-holder",
    ),
    pytest.param(
        _set(f"{BUILDING}.building_leader", {"a": "S7"}),
        f"{BUILDING}.building_leader.b: missing B holder",
        id="no-b-holder",
    ),
    pytest.param(
        _set(f"{GRID}.grid_leader", {"b": "S6"}),
        f"{GRID}.grid_leader.a: missing A holder",
        id="no-a-holder",
    ),
    pytest.param(
        _set(f"{GRID}.grid_leader", _pair("S5", "S5")),
        f"{GRID}.grid_leader: A and B holder are both 'S5'",
        id="a-equals-b",
    ),
    pytest.param(
        _set(f"{COMMUNITY}.police", {"a": "S3", "b": "S4", "more": "S5"}),
        f"{COMMUNITY}.police.more: expected a list of staff ids after A and B, got text",
        id="more-not-a-list",
    ),
    pytest.param(
        _set(f"{COMMUNITY}.police", {"a": "S3", "b": "S4", "more": ["S5", "S9"]}),
        f"{COMMUNITY}.police.more[1]: unknown staff 'S9'",
        id="unknown-further-holder",
    ),
    pytest.param(
        _set(f"{COMMUNITY}.police", {"a": "S3", "b": "S4", "more": ["S4"]}),
        f"{COMMUNITY}.police.more[0]: 'S4' already holds this post; each holder once",
        id="further-holder-twice",
    ),
    pytest.param(
        _set(f"{COMMUNITY}.police", {"a": "S3", "b": "S4", "more": [None]}),
        f"{COMMUNITY}.police.more[0]: expected a staff id, got nothing",
        id="empty-further-holder",
    ),
    pytest.param(
        _set(f"{GRID}.buildings[1].id", "G1"),
        f"{GRID}.buildings[1].id: duplicate unit id 'G1' (also at {GRID})",
        id="duplicate-unit",
    ),
    pytest.param(
        _set("staff[1].id", "S1"),
        "staff[1].id: duplicate staff id 'S1' (also at staff[0])",
        id="duplicate-staff",
    ),
    pytest.param(
        _set(f"{COMMUNITY}.intake", None),
        f"{COMMUNITY}: community 'C1' has no intake post",
        id="community-without-intake",
    ),
    pytest.param(
        _set(f"{COMMUNITY}.party", None),
        f"{COMMUNITY}: community 'C1' has no party post",
        id="community-without-party",
    ),
    pytest.param(
        _set(f"{BUILDING}.shops", [{"id": "P9", "name": "店"}]),
        f"{BUILDING}.shops: a shop cannot be inside a building",
        id="parent-kind",
    ),
    pytest.param(
        _set(f"{GRID}.segments[0].shops[0].shop_leader", _pair("S7", "S8")),
        f"{GRID}.segments[0].shops[0].shop_leader: a shop has no shop_leader (店长) any more: 店长 are the "
        "property service units (物业服务单位), and a request about a shop goes to the street leader of its "
        "segment. If this unit is a property service unit, list it under properties: instead of shops:",
        id="old-file-shop-leader-on-a-shop",
    ),
    pytest.param(
        _set(f"{GRID}.segments[0].properties[0].properties", [{"id": "P9", "name": "市场"}]),
        f"{GRID}.segments[0].properties[0].properties: a property cannot be inside a property",
        id="property-in-property",
    ),
    pytest.param(
        _set("volunteer_calendar", "daytime"),
        "volunteer_calendar: unknown calendar 'daytime'; define it under calendars",
        id="unknown-volunteer-calendar",
    ),
    pytest.param(
        _set(f"{GRID}.party", _pair("S1", "S2")),
        f"{GRID}.party: community_party is a post of a community, not of a grid",
        id="post-on-wrong-unit",
    ),
    pytest.param(
        _set(f"{GRID}.calendar", "night"),
        f"{GRID}.calendar: unknown calendar 'night'",
        id="unknown-calendar",
    ),
    pytest.param(
        _set("calendars.late.workday", ["21:00-08:00"]),
        "calendars.late: hours 'late', workday: '21:00-08:00' must end after it starts",
        id="bad-hours",
    ),
    pytest.param(
        _set(f"{GRID}.bulding_leader", _pair("S7", "S8")),
        f"{GRID}.bulding_leader: unknown key; did you mean building_leader?",
        id="typo",
    ),
    pytest.param(
        _set("default_intake_community", "G1"),
        "default_intake_community: 'G1' is not a community of this file",
        id="default-intake-not-a-community",
    ),
    pytest.param(
        _set(f"{BUILDING}.id", 101),
        f"{BUILDING}.id: expected text, got the number 101; put it in quotes",
        id="numeric-id",
    ),
    pytest.param(_set("staff[0].role", "boss"), "staff[0].role: 'boss' is not a role", id="bad-role"),
    pytest.param(_set(f"{BUILDING}.lat", 135.4), f"{BUILDING}.lat: expected a number from -90 to 90", id="lat"),
    pytest.param(_set("district", None), "district: missing", id="no-district"),
    pytest.param(_set(f"{GRID}.name", None), f"{GRID}.name: missing", id="no-name"),
    pytest.param(_set(f"{GRID}.id", "G" * 65), f"{GRID}.id: longer than 64 characters", id="long-id"),
]


@pytest.mark.parametrize(("change", "message"), ORG_FILE_ERRORS)
def test_each_mistake_is_named_with_file_and_key_path(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    doc = _org()
    change(doc)
    path = _write_yaml(tmp_path, doc)
    problems = [_without_location(problem, path) for problem in _problems(lambda: read_org_file(path))]
    assert f"{path}: {message}" in [p[: len(f"{path}: {message}")] for p in problems], problems


def _without_location(problem: str, path: Path) -> str:
    """``org.yaml line 12, building B1: district…`` → ``org.yaml: district…``."""
    location, _, rest = problem.removeprefix(str(path)).partition(": ")
    assert location == "" or location.startswith(" line "), problem
    return f"{path}: {rest}"


def test_each_mistake_names_its_line_and_the_unit_or_staff_member(tmp_path: Path) -> None:
    """A big file's problem is found by its line, and named by the id an office knows the unit by."""
    doc = _org()
    for change in (
        _set(f"{BUILDING}.building_leader.b", "S9"),
        _set(f"{GRID}.segments[0].properties[0].shops[0].name", None),
        _set("staff[1].role", "boss"),
        _set("default_intake_community", "G1"),
    ):
        change(doc)
    path = _write_yaml(tmp_path, doc)
    lines = path.read_text(encoding="utf-8").splitlines()
    found = {
        problem.partition(": ")[0].removeprefix(f"{path} "): problem
        for problem in _problems(lambda: read_org_file(path))
    }
    where = {location.partition(", ")[2]: int(location.split()[1].rstrip(",")) for location in found}
    assert set(where) == {"building B1", "shop P3", "staff S2", ""}
    assert lines[where["building B1"] - 1].strip() == "b: S9"
    assert lines[where["shop P3"] - 1].strip() == "- id: P3"  # no name: the line of the shop itself
    assert lines[where["staff S2"] - 1].strip() == "role: boss"
    assert lines[where[""] - 1] == "default_intake_community: G1"  # in no unit: its line and key path only


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    doc = _org()
    for change in (
        _set(f"{BUILDING}.building_leader.b", "S9"),
        _set(f"{COMMUNITY}.intake", None),
        _set("staff[0].role", "boss"),
    ):
        change(doc)
    problems = _problems(lambda: read_org_file(_write_yaml(tmp_path, doc)))
    assert len(problems) == 3


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("org.yaml", "district:\n  id: D\n  name: [东港区\n", "line 4, column 1"),
        ("org.yaml", "district:\n  id: D\n  id: E\n", "line 3, column 3: duplicate key 'id'"),
        ("org.toml", 'default_calendar = "a"\ndistrict = {\n', "line 2"),
        ("org.yaml", "- just\n- a list\n", "top level: expected a mapping"),
        ("org.json", "{}", "unknown file type"),
    ],
)
def test_unreadable_files_name_the_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    problems = _problems(lambda: read_org_file(path))
    assert problems[0].startswith(f"{path}: ")
    assert message in problems[0]


# --- rosters ------------------------------------------------------------------------------------


@pytest.fixture
def base(tmp_path: Path) -> OrgData:
    return read_org_file(_write_yaml(tmp_path, _org(), "base.yaml"))


def _write_csv(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_a_csv_roster_with_bom_and_chinese_headers_changes_holders_and_adds_staff(
    tmp_path: Path, base: OrgData
) -> None:
    path = _write_csv(
        tmp_path,
        "岗位,单位编号,AB岗,工号,姓名,电话\r\n楼长,B1,B,S20,孙丽,13906339999\r\n网格长,G1,A,S7,,\r\n,,,,,\r\n受理岗,C1,b,S5,陈静,\r\n",
        bom=True,
    )
    data = read_roster(path, base)
    posts = data.organisation.posts
    assert (posts["B1.building_leader"].holder_a, posts["B1.building_leader"].holder_b) == ("S7", "S20")
    assert (posts["G1.grid_leader"].holder_a, posts["G1.grid_leader"].holder_b) == ("S7", "S6")
    assert data.organisation.staff["S20"].name == "孙丽"
    assert data.organisation.staff["S20"].phone == "13906339999"
    assert posts["C1.intake"].holder_b == "S5"
    assert data.organisation.units == base.organisation.units
    assert data.calendars == base.calendars


@pytest.mark.parametrize("name", ["社区党组织书记", "社区党组织"])
def test_a_roster_names_the_secretary_s_post_as_the_glossary_does_or_as_older_rosters_did(
    tmp_path: Path, base: OrgData, name: str
) -> None:
    path = _write_csv(tmp_path, f"岗位,单位编号,AB岗,工号\n{name},C1,A,S6\n")
    assert read_roster(path, base).organisation.posts["C1.community_party"].holder_a == "S6"


def test_english_headers_may_carry_a_hint_and_new_posts_need_both_holders(tmp_path: Path, base: OrgData) -> None:
    path = _write_csv(
        tmp_path,
        "post_kind,unit_id,Slot (A/B),staff_id,name,phone,role\n"
        "building_leader,B1,A,S1,,,\n"
        "community_police,C1,A,S5,,,supervisor\n",
    )
    data = read_roster(path, base)
    assert data.organisation.posts["B1.building_leader"].holder_a == "S1"
    assert data.organisation.staff["S5"].role is Role.SUPERVISOR


def test_the_police_post_has_an_officer_and_two_auxiliaries_in_order(tmp_path: Path) -> None:
    doc = _org()
    doc["district"]["streets"][0]["communities"][0]["police"] = {"a": "S3", "b": "S4", "more": ["S5", "S6"]}

    police = read_org_file(_write_yaml(tmp_path, doc)).organisation.posts["C1.community_police"]

    assert (police.holder_a, police.holder_b, police.more_holders) == ("S3", "S4", ("S5", "S6"))
    assert police.holders == ("S3", "S4", "S5", "S6")


def test_a_roster_adds_and_changes_further_holders_after_a_and_b(tmp_path: Path, base: OrgData) -> None:
    path = _write_csv(
        tmp_path,
        "岗位,单位编号,AB岗,工号,姓名,电话\n社区民警,C1,C,S5,,\n社区民警,C1,4,S6,,\n社区民警,C1,B,S7,,\n",
    )

    police = read_roster(path, base).organisation.posts["C1.community_police"]

    assert police.holders == ("S3", "S7", "S5", "S6")


def test_an_xlsx_roster_reads_its_first_sheet_with_numbers_as_text(tmp_path: Path, base: OrgData) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["岗位", "单位编号", "AB岗", "工号", "姓名", "电话"])
    sheet.append(["店长", "P1", "A", "S30", "周杰", 13906331234])
    sheet.append(["店长", "P1", "B", "S7", None, None])
    workbook.create_sheet("备注").append(["ignored"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    data = read_roster(path, base)
    post = data.organisation.posts["P1.shop_leader"]
    assert (post.holder_a, post.holder_b, post.calendar_id) == ("S30", "S7", "standard")
    assert data.organisation.staff["S30"].phone == "13906331234"


ROSTER_ERRORS = [
    pytest.param("楼长,B9,A,S1,,", "row 2, column 单位编号: unknown unit 'B9'", id="unknown-unit"),
    pytest.param(
        "店长,P2,A,S1,,",
        "row 2, column 岗位: P2: a shop has no 店长 (shop_leader) any more: 店长 are the property service units",
        id="shop-leader-on-a-shop",
    ),
    pytest.param(
        "街长,P1,A,S1,,",
        "row 2, column 岗位: P1 is a property (物业服务单位); a street_leader post (街长) belongs to a segment",
        id="street-leader-on-a-property",
    ),
    pytest.param("院长,B1,A,S1,,", "row 2, column 岗位: unknown post kind '院长'", id="unknown-kind"),
    pytest.param("楼长,B1,X,S1,,", "row 2, column AB岗: 'X' is not A, B or a further holder", id="bad-slot"),
    pytest.param("楼长,B1,D,S1,,", "row 2, column AB岗: B1.building_leader has 2 holders; give a row for C", id="gap"),
    pytest.param(
        "网格长,B1,A,S1,,", "row 2, column 岗位: B1 is a building (楼院); a grid_leader post", id="wrong-unit"
    ),
    pytest.param("街长,R1,A,S40,,", "row 2, column 工号: new staff 'S40' needs a name", id="nameless-new-staff"),
    pytest.param("楼长,B1,B,S7,,", "row 2: S7 would hold B1.building_leader twice", id="a-equals-b"),
    pytest.param("楼长,B1,,S1,,", "row 2, column AB岗: '' is not A, B or a further holder", id="empty-slot"),
    pytest.param("楼长,B1,A,,,", "row 2, column 工号: expected a staff id of 1 to 64 characters", id="no-staff"),
    pytest.param(f"楼长,B1,A,S1,,{'1' * 40}", "row 2, column 电话: longer than 32 characters", id="long-phone"),
]


@pytest.mark.parametrize(("row", "message"), ROSTER_ERRORS)
def test_roster_mistakes_name_file_row_and_column(tmp_path: Path, base: OrgData, row: str, message: str) -> None:
    path = _write_csv(tmp_path, f"岗位,单位编号,AB岗,工号,姓名,电话\n{row}\n")
    problems = _problems(lambda: read_roster(path, base))
    assert any(p.startswith(f"{path}: {message}") for p in problems), problems


def test_a_new_post_left_without_b_is_refused(tmp_path: Path, base: OrgData) -> None:
    doc = _org()
    _set(f"{GRID}.buildings[1].building_leader", None)(doc)
    base = read_org_file(_write_yaml(tmp_path, doc, "base2.yaml"))
    path = _write_csv(tmp_path, "岗位,单位编号,AB岗,工号\n楼长,B2,A,S1\n")
    problems = _problems(lambda: read_roster(path, base))
    assert problems == [f"{path}: row 2: new post B2.building_leader has no B holder: give rows for A and B"]


def test_a_slot_given_twice_to_different_people_is_refused(tmp_path: Path, base: OrgData) -> None:
    path = _write_csv(tmp_path, "岗位,单位编号,AB岗,工号\n楼长,B1,A,S1\n楼长,B1,A,S2\n")
    problems = _problems(lambda: read_roster(path, base))
    assert problems == [f"{path}: row 3, column 工号: A of B1.building_leader is already S1 (row 2)"]


def test_a_roster_without_required_columns_is_refused(tmp_path: Path, base: OrgData) -> None:
    path = _write_csv(tmp_path, "岗位,单位编号,工号\n楼长,B1,S1\n")
    problems = _problems(lambda: read_roster(path, base))
    assert problems == [f"{path}: row 1: missing column slot (AB岗)"]


def test_files_are_read_in_order_and_all_their_problems_reported(tmp_path: Path) -> None:
    org = _write_yaml(tmp_path, _org())
    roster = _write_csv(tmp_path, "岗位,单位编号,AB岗,工号\n楼长,B1,A,S2\n")
    data = read_sources([org, roster], OrgData())
    assert data.organisation.posts["B1.building_leader"].holder_a == "S2"
    broken = _write_yaml(tmp_path, {"district": {"id": "D"}}, "broken.yaml")
    bad_roster = tmp_path / "bad.csv"
    bad_roster.write_text("岗位,单位编号,AB岗,工号\n楼长,B9,A,S2\n", encoding="utf-8")
    problems = _problems(lambda: read_sources([org, broken, bad_roster], OrgData()))
    assert [p.split(":")[0].split(" line ")[0] for p in problems] == [str(broken), str(bad_roster)]


# --- the demo district --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> OrgData:
    return read_org_file(DEMO_ORG_FILE)


def test_the_shipped_demo_file_is_what_the_generator_makes() -> None:
    assert DEMO_ORG_FILE.read_text(encoding="utf-8") == render_demo(), (
        "regenerate: python -m ticketing.demo.district > ticketing/demo/district.yaml"
    )


def test_the_small_demo_is_small_and_keeps_the_seeds_rules(demo: OrgData) -> None:
    org = demo.organisation
    kinds = Counter(unit.kind for unit in org.units.values())
    assert (kinds[UnitKind.STREET], kinds[UnitKind.COMMUNITY], kinds[UnitKind.GRID]) == (2, 6, 14)
    assert kinds[UnitKind.PROPERTY] == kinds[UnitKind.GRID]  # about one property service unit per grid
    _assert_seed_rules(demo)


@pytest.fixture(scope="module")
def full() -> OrgData:
    return demo_org("full")


def test_the_full_demo_district_has_the_seeds_counts(full: OrgData) -> None:
    org = full.organisation
    kinds = Counter(unit.kind for unit in org.units.values())
    assert (kinds[UnitKind.STREET], kinds[UnitKind.COMMUNITY], kinds[UnitKind.GRID]) == (4, 42, 127)
    posts = Counter(post.kind for post in org.posts.values())
    assert posts[PostKind.BUILDING_LEADER] == kinds[UnitKind.BUILDING] == 2062
    assert posts[PostKind.STREET_LEADER] == kinds[UnitKind.SEGMENT] == 433
    assert posts[PostKind.SHOP_LEADER] == kinds[UnitKind.PROPERTY] == 128
    for kind in (PostKind.COMMUNITY_PARTY, PostKind.COMMUNITY_POLICE, PostKind.INTAKE):
        assert posts[kind] == 42
    _assert_seed_rules(full)


def test_the_full_demo_district_is_the_same_every_time(full: OrgData) -> None:
    assert demo_document("full") == demo_document("full")
    first_grid = [u for u in full.organisation.units.values() if u.parent_id == "C0101"]
    assert len(first_grid) == 3  # as in the small demo: the demo logins name the same posts
    assert full.organisation.posts["B01010101.building_leader"].holder_a == "S0013"


def _assert_seed_rules(data: OrgData) -> None:
    """Every unit but the district and the shops has its posts; shops have none; names unique; places in Rizhao."""
    org = data.organisation
    posts = Counter(post.unit_id for post in org.posts.values())
    for unit in org.units.values():
        assert bool(posts[unit.id]) is (unit.kind not in (UnitKind.DISTRICT, UnitKind.SHOP)), unit
        assert 35.0 < (unit.lat or 0) < 35.8 and 119.2 < (unit.lon or 0) < 119.8, unit
    assert all(post.holder_a != post.holder_b for post in org.posts.values())
    assert len({member.name for member in org.staff.values()}) == len(org.staff)
    communities = [unit for unit in org.units.values() if unit.kind is UnitKind.COMMUNITY]
    staggered = [unit for unit in communities if unit.calendar_id == "staggered"]
    assert 0 < len(staggered) < len(communities)
    managed = [unit for unit in org.units.values() if unit.kind is UnitKind.SHOP and unit.parent_id in org.units]
    assert {org.units[unit.parent_id or ""].kind for unit in managed} == {UnitKind.SEGMENT, UnitKind.PROPERTY}
    assert org.volunteer_calendar == "volunteer"


def test_demo_supervisors_are_the_committee_and_party_holders_and_there_is_one_admin(demo: OrgData) -> None:
    org = demo.organisation
    roles = {member.id: member.role for member in org.staff.values()}
    supervising = {
        holder
        for post in org.posts.values()
        if post.kind in (PostKind.STREET_COMMITTEE, PostKind.COMMUNITY_PARTY)
        for holder in (post.holder_a, post.holder_b)
    }
    assert {sid for sid, role in roles.items() if role is Role.SUPERVISOR} == supervising
    assert [sid for sid, role in roles.items() if role is Role.ADMIN] == ["S0001"]


def test_demo_routing_inside_and_outside_compounds(demo: OrgData) -> None:
    org = demo.organisation
    building, shop, stall, market = "B01010103", "P01010102", "P01010104", "P01010101"
    assert org.post_for(PostKind.BUILDING_LEADER, building).id == "B01010103.building_leader"
    assert org.post_for(PostKind.GRID_LEADER, building).id == "G010101.grid_leader"
    assert org.post_for(PostKind.COMMUNITY_PARTY, building).id == "C0101.community_party"
    assert org.post_for(PostKind.STREET_COMMITTEE, building).id == "ST01.street_committee"
    assert org.post_for(PostKind.SHOP_LEADER, shop) is None  # a plain shop: its street leader answers
    assert org.post_for(PostKind.STREET_LEADER, shop).id == "R01010101.street_leader"
    assert org.post_for(PostKind.SHOP_LEADER, stall).id == "P01010101.shop_leader"  # the market's 店长
    assert org.post_for(PostKind.STREET_LEADER, market).id == "R01010102.street_leader"
    assert org.post_for(PostKind.GRID_LEADER, market).id == "G010101.grid_leader"
    assert org.intake_post("G020302").id == "C0203.intake"
    assert org.intake_post(None).id == "C0101.intake"
    assert org.default_intake_community == "C0101"
    assert demo.calendar_for_post("G010101.grid_leader") == "staggered"
    assert demo.calendar_for_post("G010201.grid_leader") == "standard"
    assert demo.calendar_for_post("B01010103.building_leader") == "volunteer"  # not the community's staff hours
