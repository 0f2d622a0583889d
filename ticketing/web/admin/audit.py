"""The audit trail of administrative changes, with its actions and details in words."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ticketing.domain.audit import AuditAction
from ticketing.domain.org import Organisation
from ticketing.read.audit import audit_page
from ticketing.read.registrants import names as registrant_names
from ticketing.read.source import current_organisation
from ticketing.web.admin.blueprint import bp
from ticketing.web.context import service
from ticketing.web.inputs import page_number
from ticketing.web.labels import POST_KINDS, term
from ticketing.web.nav import requires
from ticketing.web.volunteer_labels import REGISTRATION_STATUSES

AUDIT_ACTIONS = {
    AuditAction.HOLDERS_CHANGED: _l("Holders changed"),
    AuditAction.REGISTRY_IMPORTED: _l("Registry imported"),
    AuditAction.NOTICES_RETRIED: _l("Undelivered notices sent again"),
    AuditAction.ACCOUNT_CREATED: _l("Login created"),
    AuditAction.PASSWORD_CHANGED: _l("Password reset"),
    AuditAction.ACCOUNT_DEACTIVATED: _l("Login deactivated"),
    AuditAction.ACCOUNT_ACTIVATED: _l("Login activated"),
    AuditAction.API_KEY_CREATED: _l("API key created"),
    AuditAction.API_KEY_REVOKED: _l("API key revoked"),
    AuditAction.TOKEN_ISSUED: _l("Staff token issued"),
    AuditAction.TOKEN_REVOKED: _l("Staff token revoked"),
    AuditAction.HOLIDAY_OVERRIDDEN: _l("Holiday override added"),
    AuditAction.HOLIDAY_OVERRIDE_REMOVED: _l("Holiday override removed"),
    AuditAction.REGISTRANTS_IMPORTED: _l("Dual registrations imported"),
    AuditAction.REGISTRATION_DECIDED: _l("Dual registration decided"),
    AuditAction.VOLUNTEER_LINK_ISSUED: _l("Volunteer's own link issued"),
}
AUDIT_SUBJECTS = {"registry": _l("the registry"), "outbox": _l("undelivered notices")}  # else an id
AUDIT_DETAILS = {
    "holder_a": _l("A holder"),
    "holder_b": _l("B holder"),
    "more_holders": _l("Holders after B"),
    "rehomed": _l("open tickets passed on"),
    "files": _l("files"),
    "notices": _l("notices"),
    "token": _l("token"),
    "tokens_revoked": _l("tokens revoked"),
    "calendars_created": _l("calendars added"),
    "calendars_updated": _l("calendars changed"),
    "units_created": _l("units added"),
    "units_updated": _l("units changed"),
    "staff_created": _l("staff added"),
    "staff_updated": _l("staff changed"),
    "posts_created": _l("posts added"),
    "posts_updated": _l("posts changed"),
    "kind": _l("kind of day"),
    "reason": _l("reason"),
    "added": _l("added"),
    "skipped": _l("skipped (registered already)"),
    "from": _l("from"),
    "to": _l("to"),
}
AUDIT_VALUES = {
    "kind": {"holiday": _l("Holiday"), "workday": _l("Make-up workday")},
    "from": REGISTRATION_STATUSES,
    "to": REGISTRATION_STATUSES,
}  # stored codes, in words


HOLDER_DETAILS = ("holder_a", "holder_b", "more_holders")
REGISTRANT_SUBJECT = re.compile(r"registrant:([0-9]{1,10})")  # what the 双报到 use cases write


def registrant_of(subject: str) -> int | None:
    """The registration an audit subject names (``registrant:12`` → 12), if it names one."""
    found = REGISTRANT_SUBJECT.fullmatch(subject)
    return int(found[1]) if found else None


STAFF_ID_IN_TEXT = re.compile(r"[^\s,→—]+")  # a stored holder change reads "S0013 → S0015"


class InWords:
    """The posts and staff of the trail by name: ``阳光小区1号楼 楼长``, ``陈强 → 肖书勤``, never ids alone;
    a 双报到 registration (``registrant:12``) by its number and name, a community by its name."""

    def __init__(self, org: Organisation, registrants: Mapping[int, str] | None = None) -> None:
        self.org = org
        self.registrants = registrants or {}

    def subject(self, subject: str) -> str:
        registrant = registrant_of(subject)
        if registrant is not None:
            name = self.registrants.get(registrant, "—")
            return _("Dual registration %(id)d (%(name)s)", id=registrant, name=name)
        unit = self.org.units.get(subject)
        if unit is not None:
            return unit.name
        post = self.org.posts.get(subject)
        unit = self.org.units.get(post.unit_id) if post else None
        if post is None or unit is None:
            return self._name(subject) if subject in self.org.staff else str(AUDIT_SUBJECTS.get(subject, subject))
        return _("%(unit)s %(post)s", unit=unit.name, post=term(POST_KINDS, post.kind))

    def value(self, key: str, value: object) -> object:
        if key not in HOLDER_DETAILS or not isinstance(value, str):
            return value
        return STAFF_ID_IN_TEXT.sub(lambda found: self._name(found[0]), value)

    def _name(self, staff_id: str) -> str:
        member = self.org.staff.get(staff_id)
        return member.name if member else staff_id


@bp.get("/audit")
@requires("admin")
def audit() -> str:
    """Who changed holders, the registry, holidays, accounts, keys and tokens, or sent notices again: newest first."""
    page = audit_page(service(), page_number())
    named = registrant_names(service(), [r for row in page.items if (r := registrant_of(row.subject)) is not None])
    return render_template(
        "admin/audit.html",
        page=page,
        actions=AUDIT_ACTIONS,
        details=AUDIT_DETAILS,
        values=AUDIT_VALUES,
        words=InWords(current_organisation(service()), named),
    )
