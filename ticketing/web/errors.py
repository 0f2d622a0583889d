"""The one place where engine errors become HTTP statuses and pages."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from flask import Flask, render_template
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ticketing.domain.errors import Conflict, InvalidInput, Named, NameKind, NotAllowed, NotFound, TicketingError
from ticketing.web.context import service
from ticketing.web.labels import CALLBACK_MEANS, MEDIATION, RESIDENT_CHANNELS, SATISFACTION, label_name, term
from ticketing.web.volunteer_labels import CLAIM_STATUSES, FIELDS, ITEM_STATUSES, REGISTRATION_STATUSES

STATUS: dict[type[TicketingError], int] = {
    InvalidInput: 400,
    NotAllowed: 403,
    NotFound: 404,
    Conflict: 409,
}


# The labels of each kind of code a message may name (states are the workflow's own).
NAMED: dict[NameKind, Mapping[Any, LazyString]] = {
    NameKind.SATISFACTION: SATISFACTION,
    NameKind.MEANS: CALLBACK_MEANS,
    NameKind.MEDIATION: MEDIATION,
    NameKind.RESIDENT_CHANNEL: RESIDENT_CHANNELS,
    NameKind.REGISTRATION: REGISTRATION_STATUSES,
    NameKind.ITEM: ITEM_STATUSES,
    NameKind.CLAIM: CLAIM_STATUSES,
    NameKind.FIELD: FIELDS,
}


def status_of(error: TicketingError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def message_of(error: TicketingError) -> str:
    """The error's message in the page's language: its template translated, then filled in, codes in words."""
    return _(error.template, **{key: words(value) for key, value in error.params.items()})


def words(value: object) -> object:
    """A ``Named`` as the reader's words (满意、基本满意、不满意), an error inside another (a file's row) in the
    reader's language; any other value as it is."""
    if isinstance(value, TicketingError):
        return message_of(value)
    if not isinstance(value, Named):
        return value
    names = [_word(value, code) for code in value.codes]
    if not names:
        return "—"
    return functools.reduce(lambda first, then: _("%(first)s, %(next)s", first=first, next=then), names)


def _word(named: Named, code: str) -> str:
    if named.kind is NameKind.STATE:
        spec = service().worlds.catalogue.workflows.get(named.workflow)
        state = spec.states.get(code) if spec else None
        return label_name(state.label) if state else code
    return term(NAMED[named.kind], code)


def register(app: Flask) -> None:
    @app.errorhandler(TicketingError)
    def engine_error(error: TicketingError) -> tuple[str, int]:
        code = status_of(error)
        return render_template("errors/error.html", code=code, message=message_of(error)), code

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_template("errors/error.html", code=code, message=_http_message(error, code)), code


def _http_message(error: HTTPException, code: int) -> str:
    """The reader's words for an HTTP error: ours where the app gave them, never the libraries' English."""
    if isinstance(error, CSRFError):
        return _("This form has expired or was not sent from this site: reload the page and send it again.")
    fixed = {
        403: _("You may not open this page."),
        404: _("There is nothing here."),
        405: _("That is not how this page is used."),
        429: _("Too many attempts. Wait a little and try again."),
    }
    if code in fixed:
        return fixed[code]
    if error.description and error.description != type(error).description:
        return error.description  # raised by this app with a message from the catalogues
    if code == 413:
        return _("What you sent is too large.")
    if code == 400:
        return _("The request could not be read: reload the page and try again.")
    return _("Something went wrong. Try again later.")
