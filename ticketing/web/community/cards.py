"""Record cards (服务记录卡): the totals of every member, unit and team over a period, on a page and as files.

The period defaults to this year so far; the community to all of mine.  The files hold the page's table,
with the headings in the reader's language (Chinese unless the browser asks otherwise) and kinds in words.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from ticketing.domain.volunteering.records import MAX_PERIOD_DAYS
from ticketing.read import record_cards
from ticketing.read.record_cards import Total
from ticketing.web.community.blueprint import bp, my_communities
from ticketing.web.context import now, service, settings
from ticketing.web.exports import csv_response, xlsx_response
from ticketing.web.fields import sane_date
from ticketing.web.nav import requires
from ticketing.web.volunteer_labels import CLAIMANT_KINDS

COLUMNS = (
    _l("Kind"),
    _l("Name"),
    _l("Community"),
    _l("Entries"),
    _l("Person-hours"),
    _l("Claims completed"),
)


def _this_year() -> tuple[date, date]:
    today = now().astimezone(settings().tz).date()
    return today.replace(month=1, day=1), today


class CardsForm(FlaskForm):
    """The period and community of the totals (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    first = DateField(_l("From"), validators=[Optional(), sane_date])
    last = DateField(_l("To"), validators=[Optional(), sane_date])
    community = SelectField(_l("Community"), validators=[Optional()])

    def validate_last(self, last: DateField) -> None:
        first, end = self.period()
        if end < first:
            raise ValidationError(_("The end of the period is before its start."))
        if (end - first).days > MAX_PERIOD_DAYS:
            raise ValidationError(_("Choose at most %(days)d days.", days=MAX_PERIOD_DAYS))

    def period(self) -> tuple[date, date]:
        default_first, default_last = _this_year()
        return self.first.data or default_first, self.last.data or default_last


def _view() -> tuple[CardsForm, list[Total] | None, dict[str, str]]:
    mine = my_communities()
    names = dict(mine)
    form = CardsForm(request.args)
    form.community.choices = [("", _("All my communities")), *mine]
    if not form.validate():
        return form, None, names
    shown = [form.community.data] if form.community.data else list(names)
    first, last = form.period()
    form.first.data, form.last.data = first, last
    return form, record_cards.totals(service(), shown, first, last, settings().tz), names


@bp.get("/cards")
@requires("community")
def cards() -> ResponseReturnValue:
    """Service over a period: entries, person-hours and completed claims per member, unit and team."""
    form, totals, names = _view()
    first, last = form.period() if totals is not None else _this_year()
    page = render_template("community/cards.html", form=form, totals=totals, names=names, first=first, last=last)
    return page, (200 if totals is not None else 400)


def _table(totals: list[Total], names: dict[str, str]) -> Iterator[list[object]]:
    for total in totals:
        yield [
            str(CLAIMANT_KINDS[total.kind]),
            total.name,
            names.get(total.community_id, total.community_id),
            total.entries,
            total.hours,
            total.claims_completed,
        ]


@bp.get("/cards.<fmt>")
@requires("community")
def cards_export(fmt: str) -> Response:
    """The totals shown on the page, as CSV (UTF-8 with BOM for Excel) or as an Excel workbook."""
    writers = {"csv": csv_response, "xlsx": xlsx_response}
    if fmt not in writers:
        abort(404)
    form, totals, names = _view()
    if totals is None:
        abort(400)
    first, last = form.period()
    name = f"service-records-{first:%Y%m%d}-{last:%Y%m%d}"
    return writers[fmt](name, [str(heading) for heading in COLUMNS], _table(totals, names))
