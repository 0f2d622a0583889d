"""The service list (服务清单), its claims (认领) and record cards (服务记录卡), as a community's staff and its
registrants meet them.  Today is Monday 2026-03-02; the item wants 5 people unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date

import pytest
from district import GRID_1, a
from volunteer_world import DAY, TODAY, as_member, as_team, as_unit, claim, draft, item, member, team, unit

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.volunteering import records, service_list
from ticketing.domain.volunteering.model import (
    Claim,
    Claimant,
    ClaimStatus,
    ItemKind,
    ItemStatus,
    RegistrationStatus,
    ServiceEntry,
)

LIVE = [ClaimStatus.PENDING, ClaimStatus.CONFIRMED]
OVER = [ClaimStatus.DECLINED, ClaimStatus.WITHDRAWN, ClaimStatus.LAPSED, ClaimStatus.COMPLETED]


def _codes(error: pytest.ExceptionInfo[Exception], name: str) -> tuple[str, ...]:
    return error.value.params[name].codes  # type: ignore[attr-defined]


# --- publishing an item -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ItemKind))
def test_an_item_of_each_list_is_published_tidied(kind: ItemKind) -> None:
    checked = service_list.check_item(draft(kind, title=" 代买药品 ", description="每周两次\n"), TODAY)

    assert (checked.kind, checked.title, checked.description, checked.hours_each) == (kind, "代买药品", "每周两次", 2.0)


def test_an_item_may_have_started_already_and_end_today() -> None:
    service_list.check_item(draft(starts_on=TODAY - 10 * DAY, ends_on=TODAY), TODAY)


def test_an_item_ends_after_it_starts_and_not_in_the_past() -> None:
    with pytest.raises(InvalidInput, match=r"the last day \(2026-03-01\) is before the first \(2026-03-02\)"):
        service_list.check_item(draft(starts_on=TODAY, ends_on=TODAY - DAY), TODAY)
    with pytest.raises(InvalidInput, match=r"the last day \(2026-03-01\) has passed already"):
        service_list.check_item(draft(starts_on=TODAY - 5 * DAY, ends_on=TODAY - DAY), TODAY)


def test_an_item_runs_at_most_a_year() -> None:
    service_list.check_item(draft(ends_on=TODAY + 366 * DAY), TODAY)

    with pytest.raises(InvalidInput, match="at most 366 days; publish a longer one again next year"):
        service_list.check_item(draft(ends_on=TODAY + 367 * DAY), TODAY)


@pytest.mark.parametrize("people", [1, 500])
def test_an_item_wants_one_to_five_hundred_people(people: int) -> None:
    assert service_list.check_item(draft(people=people), TODAY).people_wanted == people


@pytest.mark.parametrize("people", [0, -1, 501])
def test_other_numbers_of_people_are_refused(people: int) -> None:
    with pytest.raises(InvalidInput, match="people wanted: give a whole number from 1 to 500"):
        service_list.check_item(draft(people=people), TODAY)


@pytest.mark.parametrize("hours", [0.0, 0.5, 1.5, 24.0])
def test_hours_each_are_left_out_or_half_hours_up_to_a_day(hours: float) -> None:
    assert service_list.check_item(draft(hours=hours), TODAY).hours_each == hours


@pytest.mark.parametrize("hours", [0.25, 2.2, 24.5, -1.0])
def test_other_hours_each_are_refused_naming_the_field(hours: float) -> None:
    with pytest.raises(InvalidInput, match=r"give half hours from 0\.5 to 24") as refused:
        service_list.check_item(draft(hours=hours), TODAY)
    assert _codes(refused, "field") == ("hours_each",)


@pytest.mark.parametrize(("changes", "where"), [({"title": " "}, "title"), ({"description": ""}, "description")])
def test_an_item_has_a_title_and_a_description(changes: dict[str, str], where: str) -> None:
    with pytest.raises(InvalidInput, match="this is required") as refused:
        service_list.check_item(draft(**changes), TODAY)  # type: ignore[arg-type]
    assert _codes(refused, "field") == (where,)


def test_overlong_titles_and_descriptions_are_refused() -> None:
    with pytest.raises(InvalidInput, match="at most 100 characters, got 101"):
        service_list.check_item(draft(title="药" * 101), TODAY)
    with pytest.raises(InvalidInput, match="at most 1000 characters, got 1001"):
        service_list.check_item(draft(description="药" * 1001), TODAY)


# --- claiming ---------------------------------------------------------------------------------------------------


def test_an_approved_member_claims_one_place_whatever_the_form_says() -> None:
    assert service_list.check_claim(item(), as_member(), 3, [], TODAY, registrant=member()) == 1


def test_an_approved_unit_claims_as_many_places_as_it_sends() -> None:
    assert service_list.check_claim(item(), as_unit(), 4, [], TODAY, registrant=unit()) == 4


def test_a_team_sends_no_more_than_its_members() -> None:
    three = team(members=frozenset({1, 3, 4}))

    assert service_list.check_claim(item(), as_team(), 3, [], TODAY, team=three) == 3
    with pytest.raises(InvalidInput, match="people: give a whole number from 1 to 3, got 4"):
        service_list.check_claim(item(), as_team(), 4, [], TODAY, team=three)


@pytest.mark.parametrize("people", [0, -2, 501])
def test_a_unit_sends_one_to_five_hundred_people(people: int) -> None:
    with pytest.raises(InvalidInput, match="people: give a whole number from 1 to 500"):
        service_list.check_claim(item(people=500), as_unit(), people, [], TODAY, registrant=unit())


@pytest.mark.parametrize("status", [ItemStatus.CLOSED, ItemStatus.CANCELLED])
def test_only_an_open_item_may_be_claimed(status: ItemStatus) -> None:
    with pytest.raises(NotAllowed, match="only an open item may be claimed") as refused:
        service_list.check_claim(item(status=status), as_member(), 1, [], TODAY, registrant=member())
    assert _codes(refused, "status") == (status.value,)


def test_an_item_is_claimed_until_its_last_day() -> None:
    service_list.check_claim(item(ends_on=TODAY), as_member(), 1, [], TODAY, registrant=member())

    with pytest.raises(NotAllowed, match="ended on 2026-03-01: it may no longer be claimed"):
        service_list.check_claim(item(ends_on=TODAY - DAY), as_member(), 1, [], TODAY, registrant=member())


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.REJECTED, RegistrationStatus.LEFT])
def test_only_registrations_the_community_approved_may_claim(status: RegistrationStatus) -> None:
    with pytest.raises(NotAllowed, match="only registrations the community has approved may claim") as refused:
        service_list.check_claim(item(), as_member(), 1, [], TODAY, registrant=member(status=status))
    assert _codes(refused, "status") == (status.value,)


def test_a_claim_without_its_registration_is_refused() -> None:
    with pytest.raises(NotAllowed, match="only registrations the community has approved may claim"):
        service_list.check_claim(item(), as_unit(), 2, [], TODAY)


def test_a_unit_claims_as_a_unit_and_a_member_as_a_member() -> None:
    with pytest.raises(InvalidInput, match="is of another kind: a unit claims as a unit, a member as a member"):
        service_list.check_claim(item(), as_unit(1), 2, [], TODAY, registrant=member(1))


@pytest.mark.parametrize(
    ("claimant", "registrant", "its_team"),
    [
        (as_member(), member(community="c2"), None),
        (as_unit(), unit(community="c2"), None),
        (as_team(), None, team(community="c2")),
    ],
)
def test_only_the_item_s_own_community_may_claim_it(claimant: Claimant, registrant: object, its_team: object) -> None:
    with pytest.raises(NotAllowed, match="only units, members and teams of the item's own community may claim it"):
        service_list.check_claim(item(), claimant, 1, [], TODAY, registrant=registrant, team=its_team)  # type: ignore[arg-type]


@pytest.mark.parametrize("its_team", [None, team(disbanded=True)])
def test_only_an_active_team_claims(its_team: object) -> None:
    with pytest.raises(NotAllowed, match="is not an active volunteer team of the community"):
        service_list.check_claim(item(), as_team(), 1, [], TODAY, team=its_team)  # type: ignore[arg-type]


def test_a_team_without_members_may_not_claim_yet() -> None:
    with pytest.raises(NotAllowed, match="has no members yet: add its members before it claims"):
        service_list.check_claim(item(), as_team(), 1, [], TODAY, team=team(members=frozenset()))


@pytest.mark.parametrize("status", LIVE)
def test_one_claims_an_item_once_at_a_time(status: ClaimStatus) -> None:
    mine = claim(claimant=as_member(), status=status)

    with pytest.raises(Conflict, match="is claimed by this member, unit or team already: one live claim each"):
        service_list.check_claim(item(), as_member(), 1, [mine], TODAY, registrant=member())


@pytest.mark.parametrize("status", [ClaimStatus.DECLINED, ClaimStatus.WITHDRAWN, ClaimStatus.LAPSED])
def test_one_may_claim_again_once_the_last_claim_ended(status: ClaimStatus) -> None:
    mine = claim(claimant=as_member(), status=status)

    assert service_list.check_claim(item(), as_member(), 1, [mine], TODAY, registrant=member()) == 1


def test_another_s_claim_is_no_second_claim_of_mine() -> None:
    theirs = claim(claimant=as_member(3))

    service_list.check_claim(item(), as_member(1), 1, [theirs], TODAY, registrant=member(1))


def test_pending_and_confirmed_claims_hold_places() -> None:
    held = [
        claim(1, as_unit(2), 3, ClaimStatus.PENDING),
        claim(2, as_member(3), 1, ClaimStatus.CONFIRMED),
    ]
    assert service_list.places_left(item(people=5), held) == 1

    assert service_list.check_claim(item(people=5), as_member(1), 1, held, TODAY, registrant=member(1)) == 1
    with pytest.raises(Conflict, match=r"has 1 place\(s\) left, not 2: claim fewer, or another item") as refused:
        service_list.check_claim(item(people=5), as_team(), 2, held, TODAY, team=team())
    assert (refused.value.params["left"], refused.value.params["people"]) == (1, 2)


def test_declined_withdrawn_and_lapsed_claims_free_their_places() -> None:
    freed = [claim(i, as_unit(20 + i), 5, status) for i, status in enumerate(OVER[:3])]

    assert service_list.places_left(item(people=5), freed) == 5
    assert service_list.check_claim(item(people=5), as_unit(), 5, freed, TODAY, registrant=unit()) == 5


def test_a_full_item_says_none_are_left() -> None:
    full = [claim(1, as_unit(9), 5, ClaimStatus.CONFIRMED)]

    with pytest.raises(Conflict, match="place") as refused:
        service_list.check_claim(item(people=5), as_member(), 1, full, TODAY, registrant=member())
    assert refused.value.params["left"] == 0


def test_when_fewer_people_are_wanted_than_are_claimed_none_are_left() -> None:
    over = [claim(1, as_unit(9), 5, ClaimStatus.CONFIRMED)]

    with pytest.raises(Conflict, match="place") as refused:
        service_list.check_claim(item(people=3), as_member(), 1, over, TODAY, registrant=member())
    assert refused.value.params["left"] == 0


# --- confirming, declining, withdrawing, ending -----------------------------------------------------------------


def test_the_community_confirms_a_pending_claim_of_an_open_item() -> None:
    assert service_list.confirm(claim(status=ClaimStatus.PENDING), item()) is ClaimStatus.CONFIRMED


@pytest.mark.parametrize("status", [ClaimStatus.CONFIRMED, *OVER])
def test_only_a_pending_claim_is_confirmed(status: ClaimStatus) -> None:
    with pytest.raises(NotAllowed, match="only a claim that is pending may become confirmed") as refused:
        service_list.confirm(claim(status=status), item())
    assert _codes(refused, "allowed") == ("pending",)


@pytest.mark.parametrize("status", [ItemStatus.CLOSED, ItemStatus.CANCELLED])
def test_the_claims_of_an_ended_item_are_no_longer_confirmed(status: ItemStatus) -> None:
    with pytest.raises(NotAllowed, match="its claims can no longer be confirmed"):
        service_list.confirm(claim(status=ClaimStatus.PENDING), item(status=status))


@pytest.mark.parametrize("status", LIVE)
def test_the_community_declines_a_pending_or_confirmed_claim(status: ClaimStatus) -> None:
    assert service_list.decline(claim(status=status)) is ClaimStatus.DECLINED


@pytest.mark.parametrize("status", OVER)
def test_an_ended_claim_is_not_declined(status: ClaimStatus) -> None:
    with pytest.raises(NotAllowed, match="may become declined") as refused:
        service_list.decline(claim(status=status))
    assert _codes(refused, "allowed") == ("confirmed", "pending")


@pytest.mark.parametrize("status", LIVE)
def test_the_claimant_withdraws_a_live_claim_nothing_was_served_on(status: ClaimStatus) -> None:
    assert service_list.withdraw(claim(status=status), served=False) is ClaimStatus.WITHDRAWN

    with pytest.raises(NotAllowed, match="has service recorded on it: ask the community to close the item instead"):
        service_list.withdraw(claim(status=status), served=True)


@pytest.mark.parametrize("status", OVER)
def test_an_ended_claim_is_not_withdrawn(status: ClaimStatus) -> None:
    with pytest.raises(NotAllowed, match="may become withdrawn"):
        service_list.withdraw(claim(status=status), served=False)


@pytest.mark.parametrize("to", [ItemStatus.CLOSED, ItemStatus.CANCELLED])
def test_an_open_item_is_closed_or_cancelled_once(to: ItemStatus) -> None:
    assert service_list.end_item(item(), to) is to

    for ended in (ItemStatus.CLOSED, ItemStatus.CANCELLED):
        with pytest.raises(NotAllowed, match="already: only an open item may be closed or cancelled"):
            service_list.end_item(item(status=ended), to)


def _claims_of_every_kind() -> list[Claim]:
    return [claim(i, as_member(i), 1, status) for i, status in enumerate(ClaimStatus, start=1)]


def test_closing_an_item_completes_its_confirmed_claims_and_lapses_the_pending_ones() -> None:
    ids = {c.status: c.id for c in _claims_of_every_kind()}

    changed = service_list.claims_after(ItemStatus.CLOSED, _claims_of_every_kind())

    assert changed == {ids[ClaimStatus.CONFIRMED]: ClaimStatus.COMPLETED, ids[ClaimStatus.PENDING]: ClaimStatus.LAPSED}


def test_cancelling_an_item_lapses_its_live_claims() -> None:
    ids = {c.status: c.id for c in _claims_of_every_kind()}

    changed = service_list.claims_after(ItemStatus.CANCELLED, _claims_of_every_kind())

    assert changed == {ids[ClaimStatus.CONFIRMED]: ClaimStatus.LAPSED, ids[ClaimStatus.PENDING]: ClaimStatus.LAPSED}


# --- record cards -----------------------------------------------------------------------------------------------


def _entry(
    served_on: date = TODAY,
    hours: float = 2.0,
    people: int = 1,
    what: str = "代买药品",
    claimant: Claimant | None = None,
) -> ServiceEntry:
    return ServiceEntry(claimant or as_member(), "c1", served_on, hours, what, a(GRID_1), people=people)


@pytest.mark.parametrize("status", [ClaimStatus.CONFIRMED, ClaimStatus.COMPLETED])
def test_service_is_recorded_on_a_confirmed_or_completed_claim(status: ClaimStatus) -> None:
    recorded = records.check_entry(_entry(what=" 代买药品 "), TODAY, claim(status=status))

    assert recorded == _entry()


def test_service_outside_the_service_list_is_recorded_without_a_claim() -> None:
    assert records.check_entry(_entry(claimant=as_team(), people=6), TODAY).people == 6


@pytest.mark.parametrize(
    "status", [ClaimStatus.PENDING, ClaimStatus.DECLINED, ClaimStatus.WITHDRAWN, ClaimStatus.LAPSED]
)
def test_no_service_is_recorded_on_a_claim_never_or_no_longer_confirmed(status: ClaimStatus) -> None:
    with pytest.raises(NotAllowed, match="service is recorded on confirmed claims only") as refused:
        records.check_entry(_entry(), TODAY, claim(id=42, status=status))
    assert refused.value.params["id"] == 42
    assert _codes(refused, "status") == (status.value,)


def test_service_is_recorded_once_done_and_within_a_year() -> None:
    records.check_entry(_entry(served_on=TODAY - 366 * DAY), TODAY)

    with pytest.raises(InvalidInput, match="is still ahead; record service once it is done"):
        records.check_entry(_entry(served_on=TODAY + DAY), TODAY)
    with pytest.raises(InvalidInput, match="more than 366 days ago"):
        records.check_entry(_entry(served_on=TODAY - 367 * DAY), TODAY)


@pytest.mark.parametrize("hours", [0.5, 1.5, 24.0])
def test_service_is_whole_or_half_hours_up_to_a_day(hours: float) -> None:
    assert records.check_entry(_entry(hours=hours), TODAY).hours == hours


@pytest.mark.parametrize("hours", [0.0, 0.25, 1.2, 24.5, -2.0])
def test_other_hours_are_refused(hours: float) -> None:
    with pytest.raises(InvalidInput, match=r"give half hours from 0.5 to 24 \(1, 1.5, 2…\)"):
        records.check_entry(_entry(hours=hours), TODAY)


@pytest.mark.parametrize("people", [0, 501])
def test_a_unit_or_team_sends_one_to_five_hundred_people(people: int) -> None:
    records.check_entry(_entry(claimant=as_unit(), people=500), TODAY)

    with pytest.raises(InvalidInput, match="people: give a whole number from 1 to 500"):
        records.check_entry(_entry(claimant=as_unit(), people=people), TODAY)


def test_an_entry_says_what_was_done() -> None:
    with pytest.raises(InvalidInput, match="this is required") as refused:
        records.check_entry(_entry(what=" \n "), TODAY)
    assert _codes(refused, "field") == ("what",)
    with pytest.raises(InvalidInput, match="at most 500 characters"):
        records.check_entry(_entry(what="修" * 501), TODAY)


def test_a_card_s_totals_run_over_at_most_three_years() -> None:
    records.check_period(TODAY, TODAY)
    records.check_period(TODAY - 1098 * DAY, TODAY)

    with pytest.raises(InvalidInput, match="is before the first"):
        records.check_period(TODAY, TODAY - DAY)
    with pytest.raises(InvalidInput, match="at most 1098 days at a time"):
        records.check_period(TODAY - 1099 * DAY, TODAY)


def test_a_member_s_service_counts_one_person_whatever_the_form_says() -> None:
    assert records.check_entry(_entry(claimant=as_member(), people=5), TODAY).people == 1
    assert records.check_entry(_entry(claimant=as_member(), people=0), TODAY).people == 1
