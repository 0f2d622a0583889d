"""Absences (leave, trips): staff list, record, end and cancel their own; admins anyone's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ticketing.domain.errors import NotFound
from ticketing.domain.org import Absence
from ticketing.read import queues
from ticketing.read.source import current_organisation
from ticketing.schemas import absences
from ticketing.web.api_errors import ApiError
from ticketing.web.api_v1.auth import user
from ticketing.web.api_v1.blueprint import BODY, answers, api, bp
from ticketing.web.context import now, service

ABSENCE_ID = {"absence_id": "The absence's id, as listed by `GET /api/v1/absences`."}


def _whose(staff_id: str | None) -> str:
    """Whose absences: the caller's own, or anyone's for an admin."""
    caller = user()
    staff_id = current_organisation(service()).staff_id_for(staff_id) if staff_id is not None else None
    if staff_id is None or staff_id == caller.id:
        return caller.id
    if not caller.is_admin:
        raise ApiError(403, "forbidden", "staff record and read their own absences; admins anyone's")
    return staff_id


def _absence(absence: Absence) -> absences.Absence:
    return absences.Absence.of(absence, now(), service().worlds.tz)


@bp.get("/absences")
@api.validate(resp=answers(200, absences.AbsenceList, 403, 404, 422), tags=["absences"], operation_id="listAbsences")
def list_absences(query: absences.AbsenceQuery) -> absences.AbsenceList:
    """Current and coming absences (yours; anyone's for admins)"""
    staff_id = _whose(query.staff)
    if staff_id not in current_organisation(service()).staff:
        raise NotFound("unknown staff member %(staff)r", staff=staff_id)
    found = queues.my_absences(service(), staff_id, now())
    return absences.AbsenceList(items=[_absence(absence) for absence in found])


@bp.post("/absences")
@api.validate(
    resp=answers(201, absences.Absence, 403, 404, *BODY, done="Recorded."),
    tags=["absences"],
    operation_id="recordAbsence",
)
def record_absence(json: absences.NewAbsence) -> tuple[absences.Absence, int]:
    """Record leave or a trip: the other holders of the posts cover at once"""
    staff_id = _whose(json.staff_id)
    absence_id = service().absences.record(staff_id, json.starts_at, json.ends_at, json.reason, now()).id
    return _absence(Absence(absence_id, staff_id, json.starts_at, json.ends_at, json.reason)), 201


def _absence_change(change: str, done: str) -> Callable[..., Any]:
    return api.validate(
        json=absences.NoFields,
        resp=answers(200, absences.Absence, 403, 404, 409, *BODY, done=done),
        tags=["absences"],
        operation_id=f"{change}Absence",
        path_parameter_descriptions=ABSENCE_ID,
    )


@bp.post("/absences/<int:absence_id>/end")
@_absence_change("end", "Ended.")
def end_absence(absence_id: int) -> absences.Absence:
    """End a running absence now: the tickets it handed over come back

    Your own absences; admins anyone's. No fields: send no body or `{}`.
    """
    return _absence(service().absences.end(absence_id, now(), user().id).absence)


@bp.post("/absences/<int:absence_id>/cancel")
@_absence_change("cancel", "Done.")
def cancel_absence(absence_id: int) -> absences.Absence:
    """Cancel a coming absence or one entered by mistake: it stops counting

    Your own absences; admins anyone's. No fields: send no body or `{}`.
    """
    return _absence(service().absences.cancel(absence_id, now(), user().id).absence)
