"""Holidays and make-up workdays: any staff member lists them, admins add and remove overrides."""

from __future__ import annotations

from ticketing.domain.holidays import parse_day
from ticketing.read.holidays import holidays_view
from ticketing.schemas import holidays
from ticketing.schemas.absences import NoFields
from ticketing.web.api_errors import ApiError
from ticketing.web.api_v1.auth import user
from ticketing.web.api_v1.blueprint import BODY, answers, api, bp
from ticketing.web.context import now, service

DAY = {"day": "The overridden date, YYYY-MM-DD, as listed by `GET /api/v1/holidays`."}


def _admin() -> str:
    """The caller's staff id; only admins change holidays."""
    caller = user()
    if not caller.is_admin:
        raise ApiError(403, "forbidden", "only admins add and remove holiday overrides")
    return caller.id


@bp.get("/holidays")
@api.validate(resp=answers(200, holidays.Holidays, 422), tags=["holidays"], operation_id="listHolidays")
def list_holidays(query: holidays.NoParameters) -> holidays.Holidays:
    """This year's and next year's holidays, make-up workdays and overrides, with their sources

    `missing_notice` names the years the next 60 days reach with no State Council notice loaded: their
    make-up workdays are unknown until an admin adds them as overrides.
    """
    return holidays.Holidays.of(holidays_view(service(), now()))


@bp.post("/holidays/overrides")
@api.validate(
    resp=answers(201, holidays.HolidayOverride, 403, 409, *BODY, done="Added."),
    tags=["holidays"],
    operation_id="addHolidayOverride",
)
def add_holiday_override(json: holidays.NewOverride) -> tuple[holidays.HolidayOverride, int]:
    """Make a date a holiday or a make-up workday (admins): deadlines counted from now on follow it"""
    added = service().holidays.add(json.day, json.kind, json.reason, now(), _admin())
    return holidays.HolidayOverride.of(added, service().worlds.tz), 201


@bp.post("/holidays/overrides/<day>/remove")
@api.validate(
    json=NoFields,
    resp=answers(200, holidays.HolidayOverride, 403, 404, *BODY, done="Removed."),
    tags=["holidays"],
    operation_id="removeHolidayOverride",
    path_parameter_descriptions=DAY,
)
def remove_holiday_override(day: str) -> holidays.HolidayOverride:
    """Remove an override (admins): the day is again what the library or the overrides file says

    No fields: send no body or `{}`.
    """
    admin_id = _admin()
    removed = service().holidays.remove(parse_day(day), now(), admin_id)
    return holidays.HolidayOverride.of(removed, service().worlds.tz)
