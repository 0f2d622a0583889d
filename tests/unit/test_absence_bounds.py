"""Absences are bounded in time, and only the absent member or an admin ends or cancels one (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ticketing.domain import absences
from ticketing.domain.absences import MAX_DAYS_AHEAD, MAX_DAYS_BACK, MAX_LENGTH_DAYS, MAX_REASON
from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.org import Absence, Organisation, Role, Staff

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)
DAY = timedelta(days=1)
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
FAR_PAST = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8)))
TZ = ZoneInfo("Asia/Shanghai")


def _absence(start: datetime = NOW - DAY, end: datetime = NOW + DAY) -> Absence:
    return Absence(7, "S0013", start, end, "年假")


def test_a_sensible_period_passes() -> None:
    absences.check_period(NOW - MAX_DAYS_BACK * DAY, NOW + DAY, NOW, TZ)
    absences.check_period(NOW + MAX_DAYS_AHEAD * DAY, NOW + (MAX_DAYS_AHEAD + MAX_LENGTH_DAYS) * DAY, NOW, TZ)


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        (NOW, NOW, "must be after the start"),
        (NOW + DAY, NOW, "must be after the start"),
        (NOW - (MAX_DAYS_BACK + 1) * DAY, NOW, f"at most {MAX_DAYS_BACK} days back"),
        (FAR_PAST, NOW, f"at most {MAX_DAYS_BACK} days back"),
        (NOW + (MAX_DAYS_AHEAD + 1) * DAY, NOW + 400 * DAY, f"at most {MAX_DAYS_AHEAD} days in advance"),
        (FAR_FUTURE - DAY, FAR_FUTURE, f"at most {MAX_DAYS_AHEAD} days in advance"),
        (NOW, NOW + (MAX_LENGTH_DAYS + 1) * DAY, f"longer than {MAX_LENGTH_DAYS} days"),
        (NOW, FAR_FUTURE, f"longer than {MAX_LENGTH_DAYS} days"),
    ],
)
def test_a_period_out_of_bounds_is_refused_saying_what_is_allowed(start: datetime, end: datetime, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        absences.check_period(start, end, NOW, TZ)


def test_the_reason_is_stripped_and_refused_blank_too_long_or_with_control_characters() -> None:
    assert absences.check_reason("  出差 ") == "出差"
    with pytest.raises(InvalidInput, match="give the reason"):
        absences.check_reason("   ")
    with pytest.raises(InvalidInput, match=f"at most {MAX_REASON} characters"):
        absences.check_reason("假" * (MAX_REASON + 1))
    with pytest.raises(InvalidInput, match="control characters"):
        absences.check_reason("事假\x00")


def test_ending_early_ends_now() -> None:
    assert absences.end_early(_absence(), NOW, TZ).ends_at == NOW


def test_an_absence_that_has_not_started_is_cancelled_not_ended() -> None:
    with pytest.raises(Conflict, match=r"has not started yet.*cancel it instead"):
        absences.end_early(_absence(NOW + DAY, NOW + 2 * DAY), NOW, TZ)
    assert absences.cancel(_absence(NOW + DAY, NOW + 2 * DAY), NOW, TZ).cancelled_at == NOW


def test_a_cancelled_absence_no_longer_covers_anyone() -> None:
    cancelled = absences.cancel(_absence(), NOW, TZ)

    assert _absence().covers(NOW) and not cancelled.covers(NOW)


@pytest.mark.parametrize("change", [absences.end_early, absences.cancel])
def test_a_cancelled_or_finished_absence_cannot_change(
    change: Callable[[Absence, datetime, ZoneInfo], Absence],
) -> None:
    with pytest.raises(Conflict, match="already cancelled"):
        change(absences.cancel(_absence(), NOW, TZ), NOW + timedelta(minutes=1), TZ)
    with pytest.raises(Conflict, match="already over"):
        change(_absence(NOW - 2 * DAY, NOW - DAY), NOW, TZ)


def test_a_refusal_gives_its_times_on_the_district_s_clock() -> None:
    with pytest.raises(
        InvalidInput, match=r"the end \(2026-11-23 09:00\) must be after the start \(2026-11-24 09:00\)"
    ):
        absences.check_period(NOW + DAY, NOW, NOW, TZ)
    with pytest.raises(Conflict, match=r"it ended 2026-11-22 09:00"):
        absences.end_early(_absence(NOW - 2 * DAY, NOW - DAY), NOW, TZ)


def test_the_absent_member_and_admins_may_change_an_absence_others_may_not() -> None:
    org = Organisation(
        staff={
            "S0013": Staff("S0013", "陈强"),
            "S0014": Staff("S0014", "李梅"),
            "S0004": Staff("S0004", "王书记", role=Role.SUPERVISOR),
            "S0001": Staff("S0001", "管理员", role=Role.ADMIN),
        }
    )
    for actor in ("S0013", "S0001", None):
        absences.check_actor(org, _absence(), actor)
    for actor in ("S0014", "S0004", "S9999"):
        with pytest.raises(NotAllowed, match="their own absences; admins anyone's"):
            absences.check_actor(org, _absence(), actor)
