"""The one place where engine errors become HTTP statuses and pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound, TicketingError

STATUS: dict[type[TicketingError], int] = {
    InvalidInput: 400,
    NotAllowed: 403,
    NotFound: 404,
    Conflict: 409,
}


def status_of(error: TicketingError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def message_of(error: TicketingError) -> str:
    """The error's message in the page's language: its template translated, then filled in."""
    return _(error.template, **error.params)


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
