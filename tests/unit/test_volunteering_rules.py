"""双报到: who works a community's volunteers, registration and its decisions, volunteer teams and record cards.

The service list and its claims are in ``test_volunteering_claims``, volunteer help with a ticket in
``test_volunteering_ticket_help``.  Everything here is plain Python over the district of ``district``: c1
(海曲社区, grid g1) and c2 (北京路社区, grid g2) in street st1.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from district import (
    BUILDING_1,
    GRID_1,
    GRID_2,
    INTAKE_1,
    PARTY_1,
    PARTY_2,
    POLICE_1,
    SHOP_LEADER,
    STREET_LEADER,
    SUPERVISOR,
    District,
    a,
    b,
    c,
)
from volunteer_world import member, team, unit

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.org import Role, Staff
from ticketing.domain.volunteering import access, registration, teams
from ticketing.domain.volunteering.model import (
    RegistrantKind,
    RegistrationStatus,
)
from ticketing.domain.volunteering.registration import Application

ADMIN = "root"


def _with_admin(d: District) -> District:
    d.org.staff[ADMIN] = Staff(ADMIN, "区管理员", "13800000001", Role.ADMIN)
    return d


def _codes(error: pytest.ExceptionInfo[Exception], name: str) -> tuple[str, ...]:
    return error.value.params[name].codes  # type: ignore[attr-defined]


# --- access: the community's staff and its managers ------------------------------------------------------------


@pytest.mark.parametrize(
    "actor", [a(GRID_1), b(GRID_1), a(POLICE_1), c(POLICE_1), a(PARTY_1), b(PARTY_1), a(INTAKE_1), b(INTAKE_1)]
)
def test_the_holders_of_the_community_s_and_its_grids_staff_posts_are_its_staff(d: District, actor: str) -> None:
    assert access.staff_communities(d.org, actor) == {"c1"}
    assert access.is_community_staff(d.org, actor, "c1")
    assert not access.is_community_staff(d.org, actor, "c2")
    access.require_staff(d.org, actor, "c1")


@pytest.mark.parametrize("actor", [a(BUILDING_1), b(STREET_LEADER), a(SHOP_LEADER), "volunteer", "nobody", ""])
def test_volunteer_posts_and_people_without_a_staff_post_are_not_community_staff(d: District, actor: str) -> None:
    assert access.staff_communities(d.org, actor) == frozenset()

    with pytest.raises(NotAllowed, match="only the staff of community") as refused:
        access.require_staff(d.org, actor, "c1")
    assert refused.value.params["community"] == "海曲社区"


def test_the_street_committee_supervises_but_is_staff_of_no_community(d: District) -> None:
    assert not access.is_community_staff(d.org, SUPERVISOR, "c1")
    assert not access.manages(d.org, SUPERVISOR, "c1")


def test_the_staff_of_another_community_are_refused(d: District) -> None:
    assert access.is_community_staff(d.org, a(GRID_2), "c2")

    with pytest.raises(NotAllowed, match="only the staff of community"):
        access.require_staff(d.org, a(GRID_2), "c1")
    with pytest.raises(NotAllowed, match="party secretary's post or the service centre of community"):
        access.require_manager(d.org, a(PARTY_2), "c1")


@pytest.mark.parametrize("actor", [a(PARTY_1), b(PARTY_1), a(INTAKE_1), b(INTAKE_1)])
def test_the_party_secretary_s_post_and_the_service_centre_manage_the_community(d: District, actor: str) -> None:
    assert access.managed_communities(d.org, actor) == {"c1"}
    access.require_manager(d.org, actor, "c1")


@pytest.mark.parametrize("actor", [a(GRID_1), a(POLICE_1), a(BUILDING_1), "volunteer"])
def test_grid_leaders_the_police_and_volunteers_do_not_manage(d: District, actor: str) -> None:
    assert not access.manages(d.org, actor, "c1")

    with pytest.raises(NotAllowed, match="party secretary's post or the service centre of community") as refused:
        access.require_manager(d.org, actor, "c1")
    assert refused.value.params["community"] == "海曲社区"


def test_an_admin_is_staff_and_manager_of_every_community(d: District) -> None:
    _with_admin(d)

    for community in ("c1", "c2"):
        assert access.is_community_staff(d.org, ADMIN, community)
        assert access.manages(d.org, ADMIN, community)
        access.require_staff(d.org, ADMIN, community)
        access.require_manager(d.org, ADMIN, community)


def test_the_operator_at_the_command_line_may_do_everything(d: District) -> None:
    access.require_staff(d.org, None, "c1")
    access.require_manager(d.org, None, "c2")
    assert access.staff_communities(d.org, None) == frozenset()


def test_a_refusal_for_an_unknown_community_names_its_code(d: District) -> None:
    with pytest.raises(NotAllowed) as refused:
        access.require_manager(d.org, a(GRID_1), "c9")
    assert refused.value.params["community"] == "c9"


# --- registration: the form, duplicates and decisions -----------------------------------------------------------


def _member_form(**changes: object) -> Application:
    form = Application("c1", RegistrantKind.MEMBER, "王建国", "13906331234", work_unit="区财政局", hours_per_month=8)
    return replace(form, **changes)  # type: ignore[arg-type]


def _unit_form(**changes: object) -> Application:
    form = Application(
        "c1", RegistrantKind.UNIT, "区供电公司", "0633-8881234", contact_name="李主任", offer="电工两名，周末可上门"
    )
    return replace(form, **changes)  # type: ignore[arg-type]


def test_a_member_s_and_a_unit_s_registration_are_tidied(d: District) -> None:
    checked = registration.check(d.org, _member_form(name="  王建国 ", skills=" 水电维修\n"))
    assert (checked.name, checked.skills, checked.work_unit, checked.hours_per_month) == (
        "王建国",
        "水电维修",
        "区财政局",
        8,
    )

    checked = registration.check(d.org, _unit_form(contact_name=" 李主任 "))
    assert (checked.contact_name, checked.offer, checked.work_unit) == ("李主任", "电工两名，周末可上门", "")


@pytest.mark.parametrize(
    ("form", "missing"),
    [
        (_unit_form(contact_name=""), "contact_name"),
        (_unit_form(offer="   "), "offer"),
        (_member_form(work_unit=""), "work_unit"),
        (_member_form(name=" "), "name"),
        (_member_form(phone=""), "phone"),
    ],
)
def test_each_kind_gives_what_the_community_needs_to_reach_it(d: District, form: Application, missing: str) -> None:
    with pytest.raises(InvalidInput, match="this is required") as refused:
        registration.check(d.org, form)
    assert _codes(refused, "field") == (missing,)


def test_a_member_needs_no_contact_person_or_offer_and_a_unit_no_work_unit(d: District) -> None:
    registration.check(d.org, _member_form(contact_name="", offer=""))
    registration.check(d.org, _unit_form(work_unit=""))


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("139 0633 1234", "13906331234"),
        ("+86 139-0633-1234", "13906331234"),
        ("１３９０６３３１２３４", "13906331234"),
        ("0633 8881234", "0633-8881234"),
    ],
)
def test_the_phone_is_kept_as_it_is_dialled(d: District, typed: str, kept: str) -> None:
    assert registration.check(d.org, _member_form(phone=typed)).phone == kept


@pytest.mark.parametrize("typed", ["12345", "找李主任", "139063312345678", "23906331234"])
def test_what_is_no_phone_is_refused(d: District, typed: str) -> None:
    with pytest.raises(InvalidInput, match="phone: give a mobile"):
        registration.check(d.org, _member_form(phone=typed))


@pytest.mark.parametrize("hours", [0, 200])
def test_hours_a_month_from_none_to_two_hundred(d: District, hours: int) -> None:
    assert registration.check(d.org, _member_form(hours_per_month=hours)).hours_per_month == hours


@pytest.mark.parametrize("hours", [-1, 201, 2000])
def test_more_hours_a_month_than_there_are_is_a_typing_slip(d: District, hours: int) -> None:
    with pytest.raises(InvalidInput, match="hours a month: give a whole number from 0 to 200"):
        registration.check(d.org, _member_form(hours_per_month=hours))


@pytest.mark.parametrize("community", ["g1", "st1", "b1", "c9", ""])
def test_one_registers_with_a_community_of_the_district(d: District, community: str) -> None:
    with pytest.raises(InvalidInput, match="is no community of the district"):
        registration.check(d.org, _member_form(community_id=community))


@pytest.mark.parametrize(
    ("form", "where"),
    [
        (_member_form(name="王建国\x00"), "name"),
        (_member_form(skills="水电\x1b[31m维修"), "skills"),
        (_unit_form(offer="电工\x7f"), "offer"),
        (_member_form(phone="139\x0806331234"), "phone"),
    ],
)
def test_control_characters_are_refused(d: District, form: Application, where: str) -> None:
    with pytest.raises(InvalidInput, match="control characters are not allowed") as refused:
        registration.check(d.org, form)
    assert _codes(refused, "field") == (where,)


@pytest.mark.parametrize(
    ("form", "where", "limit"),
    [
        (_member_form(name="王" * 101), "name", 100),
        (_member_form(work_unit="局" * 201), "work_unit", 200),
        (_member_form(skills="修" * 501), "skills", 500),
        (_unit_form(contact_name="李" * 101), "contact_name", 100),
        (_unit_form(offer="电" * 501), "offer", 500),
    ],
)
def test_overlong_fields_are_refused(d: District, form: Application, where: str, limit: int) -> None:
    with pytest.raises(InvalidInput, match=f"at most {limit} characters, got {limit + 1}") as refused:
        registration.check(d.org, form)
    assert _codes(refused, "field") == (where,)


def test_the_limit_counts_what_is_left_once_stripped(d: District) -> None:
    assert registration.check(d.org, _member_form(name=" " + "王" * 100 + "  ")).name == "王" * 100


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.APPROVED])
def test_a_phone_registers_once_per_community_and_kind(d: District, status: RegistrationStatus) -> None:
    again = registration.check(d.org, _member_form(phone="139 0633 1234", name="王建国（再次）"))

    with pytest.raises(Conflict, match="this phone is already registered with the community") as refused:
        registration.refuse_duplicate(again, [member(id=5, status=status)])
    assert refused.value.params["id"] == 5
    assert _codes(refused, "status") == (status.value,)


@pytest.mark.parametrize("status", [RegistrationStatus.REJECTED, RegistrationStatus.LEFT])
def test_one_rejected_or_gone_may_register_again(d: District, status: RegistrationStatus) -> None:
    registration.refuse_duplicate(registration.check(d.org, _member_form()), [member(status=status)])


def test_the_same_phone_may_register_with_another_community_or_as_another_kind(d: District) -> None:
    form = registration.check(d.org, _member_form())

    registration.refuse_duplicate(form, [member(community="c2"), unit(phone=form.phone), member(phone="13906339999")])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (RegistrationStatus.PENDING, RegistrationStatus.APPROVED),
        (RegistrationStatus.PENDING, RegistrationStatus.REJECTED),
        (RegistrationStatus.APPROVED, RegistrationStatus.LEFT),
        (RegistrationStatus.REJECTED, RegistrationStatus.APPROVED),
        (RegistrationStatus.LEFT, RegistrationStatus.APPROVED),
    ],
)
def test_a_registration_is_decided_and_a_decision_undone_by_approving(
    before: RegistrationStatus, after: RegistrationStatus
) -> None:
    assert registration.decide(member(status=before), after) is after


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        (RegistrationStatus.PENDING, RegistrationStatus.LEFT, ("approved", "rejected")),
        (RegistrationStatus.PENDING, RegistrationStatus.PENDING, ("approved", "rejected")),
        (RegistrationStatus.APPROVED, RegistrationStatus.REJECTED, ("left",)),
        (RegistrationStatus.APPROVED, RegistrationStatus.APPROVED, ("left",)),
        (RegistrationStatus.APPROVED, RegistrationStatus.PENDING, ("left",)),
        (RegistrationStatus.REJECTED, RegistrationStatus.LEFT, ("approved",)),
        (RegistrationStatus.REJECTED, RegistrationStatus.REJECTED, ("approved",)),
        (RegistrationStatus.LEFT, RegistrationStatus.REJECTED, ("approved",)),
        (RegistrationStatus.LEFT, RegistrationStatus.PENDING, ("approved",)),
    ],
)
def test_other_moves_are_refused_naming_where_it_may_go(
    before: RegistrationStatus, after: RegistrationStatus, allowed: tuple[str, ...]
) -> None:
    with pytest.raises(NotAllowed, match="it may become only") as refused:
        registration.decide(member(id=3, status=before), after)
    assert _codes(refused, "allowed") == allowed
    assert _codes(refused, "status") == (before.value,)
    assert refused.value.params["id"] == 3


# --- teams ------------------------------------------------------------------------------------------------------


def test_a_team_of_approved_members_under_a_brand() -> None:
    members = [member(1), member(3, phone="13906330003")]

    assert teams.check_team("c1", " 海曲红帆志愿服务队 ", " 红帆 ", 3, members) == ("海曲红帆志愿服务队", "红帆")
    assert teams.check_team("c1", "海曲红帆志愿服务队", "", None, []) == ("海曲红帆志愿服务队", "")


@pytest.mark.parametrize("stranger", [member(4, community="c2"), unit(4)])
def test_a_team_has_the_community_s_own_party_members(stranger: object) -> None:
    with pytest.raises(NotAllowed, match="is no member of this community") as refused:
        teams.check_team("c1", "海曲红帆志愿服务队", "", None, [member(1), stranger])  # type: ignore[list-item]
    assert refused.value.params["id"] == 4


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.REJECTED, RegistrationStatus.LEFT])
def test_a_member_not_approved_may_not_join_a_team(status: RegistrationStatus) -> None:
    with pytest.raises(NotAllowed, match="is not approved: approve the registration first") as refused:
        teams.check_team("c1", "海曲红帆志愿服务队", "", None, [member(4, status=status, name="李红")])
    assert refused.value.params["name"] == "李红"


def test_the_leader_is_one_of_the_members() -> None:
    with pytest.raises(InvalidInput, match="choose the team's leader among its members"):
        teams.check_team("c1", "海曲红帆志愿服务队", "", 9, [member(1)])


def test_a_team_has_a_name() -> None:
    with pytest.raises(InvalidInput, match="this is required") as refused:
        teams.check_team("c1", "  ", "红帆", None, [member(1)])
    assert _codes(refused, "field") == ("team_name",)


def test_a_team_has_at_most_five_hundred_members() -> None:
    many = [member(i, phone=f"139{i:08d}") for i in range(501)]

    with pytest.raises(InvalidInput, match="at most 500 in one team"):
        teams.check_team("c1", "海曲红帆志愿服务队", "", None, many)


def test_a_disbanded_team_may_no_longer_change() -> None:
    teams.refuse_disbanded(team())
    with pytest.raises(NotAllowed, match="is disbanded"):
        teams.refuse_disbanded(team(disbanded=True))
