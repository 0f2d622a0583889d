"""The words of 双报到 and volunteer service: kinds and statuses as pages, exports and refusals name them."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ticketing.domain.volunteering.model import (
    ClaimantKind,
    ClaimStatus,
    ItemKind,
    ItemStatus,
    RegistrantKind,
    RegistrationStatus,
)

REGISTRANT_KINDS: dict[RegistrantKind, LazyString] = {
    RegistrantKind.UNIT: _l("Unit in the community"),
    RegistrantKind.MEMBER: _l("In-service party member"),
}
REGISTRATION_STATUSES: dict[RegistrationStatus, LazyString] = {
    RegistrationStatus.PENDING: _l("Waiting for approval"),
    RegistrationStatus.APPROVED: _l("Approved"),
    RegistrationStatus.REJECTED: _l("Not approved"),
    RegistrationStatus.LEFT: _l("Left"),
}
ITEM_KINDS: dict[ItemKind, LazyString] = {
    ItemKind.NEED: _l("Need"),
    ItemKind.RESOURCE: _l("Resource"),
    ItemKind.PROJECT: _l("Project"),
}
ITEM_STATUSES: dict[ItemStatus, LazyString] = {
    ItemStatus.OPEN: _l("Open for claims"),
    ItemStatus.CLOSED: _l("Done"),
    ItemStatus.CANCELLED: _l("Cancelled"),
}
CLAIMANT_KINDS: dict[ClaimantKind, LazyString] = {
    ClaimantKind.MEMBER: REGISTRANT_KINDS[RegistrantKind.MEMBER],
    ClaimantKind.UNIT: REGISTRANT_KINDS[RegistrantKind.UNIT],
    ClaimantKind.TEAM: _l("Volunteer team"),
}
CLAIM_STATUSES: dict[ClaimStatus, LazyString] = {
    ClaimStatus.PENDING: _l("Waiting for the community"),
    ClaimStatus.CONFIRMED: _l("Confirmed"),
    ClaimStatus.DECLINED: _l("Declined"),
    ClaimStatus.WITHDRAWN: _l("Withdrawn"),
    ClaimStatus.COMPLETED: _l("Completed"),
    ClaimStatus.LAPSED: _l("Lapsed"),
}
# The fields a refusal names (``domain.volunteering.fields``).
FIELDS: dict[str, LazyString] = {
    "name": _l("Name"),
    "phone": _l("Phone"),
    "contact_name": _l("Contact person"),
    "work_unit": _l("Work unit"),
    "skills": _l("Skills"),
    "offer": _l("What the unit can offer"),
    "title": _l("Title"),
    "description": _l("Description"),
    "hours": _l("Hours"),
    "hours_each": _l("Hours per person"),
    "what": _l("Service given"),
    "team_name": _l("Team name"),
    "brand": _l("Service brand"),
    "reason": _l("Reason"),
    "status": _l("Status"),
}

TEMPLATE_GLOBALS: dict[str, object] = {
    "registrant_kinds": REGISTRANT_KINDS,
    "registration_statuses": REGISTRATION_STATUSES,
    "item_kinds": ITEM_KINDS,
    "item_statuses": ITEM_STATUSES,
    "claimant_kinds": CLAIMANT_KINDS,
    "claim_statuses": CLAIM_STATUSES,
}
