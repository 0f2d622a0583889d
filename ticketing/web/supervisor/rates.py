"""The three rates (三率) of the supervisor's area over a period, per street, community and grid, with charts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import render_template, request
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from ticketing.domain.org import UnitKind
from ticketing.domain.rates import Preset, percent, preset_period, week_name
from ticketing.read.rates import DEFAULT_DAYS, MAX_DAYS, Period, RateReport, RateRow, rate_report
from ticketing.web.context import now, rate_weights, service, settings
from ticketing.web.fields import sane_date
from ticketing.web.labels import RATES, UNIT_KINDS, term
from ticketing.web.nav import requires
from ticketing.web.supervisor.blueprint import bp, overseer


class PeriodForm(FlaskForm):
    """The period the rates are computed over (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    first = DateField(_l("From"), validators=[Optional(), sane_date], default=lambda: _default_period()[0])
    last = DateField(_l("To"), validators=[Optional(), sane_date], default=lambda: _default_period()[1])

    def validate_last(self, last: DateField) -> None:
        first = self.first.data or _default_period()[0]
        end = last.data or _default_period()[1]
        if end < first:
            raise ValidationError(_("The end of the period is before its start."))
        if (end - first).days + 1 > MAX_DAYS:
            raise ValidationError(_("Choose at most %(days)d days.", days=MAX_DAYS))

    def period(self) -> Period:
        default_first, default_last = _default_period()
        return Period(self.first.data or default_first, self.last.data or default_last, settings().tz)


PRESETS: dict[Preset, LazyString] = {
    Preset.LAST_30_DAYS: _l("Last 30 days"),
    Preset.THIS_MONTH: _l("This month"),
    Preset.LAST_MONTH: _l("Last month"),
    Preset.THIS_QUARTER: _l("This quarter"),
    Preset.LAST_QUARTER: _l("Last quarter"),
    Preset.THIS_YEAR: _l("This year"),
    Preset.LAST_YEAR: _l("Last year"),
}


@dataclass(frozen=True)
class PresetLink:
    """One preset period as a link: its name, its days and whether it is the period shown."""

    preset: Preset
    name: str
    first: date
    last: date
    current: bool


def preset_links(shown: tuple[date, date] | None) -> list[PresetLink]:
    """The preset periods as of today in the district, the one shown marked."""
    today = now().astimezone(settings().tz).date()
    links = []
    for preset, name in PRESETS.items():
        first, last = preset_period(preset, today)
        links.append(PresetLink(preset, str(name), first, last, (first, last) == shown))
    return links


def suggestion(links: list[PresetLink]) -> PresetLink:
    """The period to suggest when the one shown is empty: this year, or last year when this year is shown."""
    by_preset = {link.preset: link for link in links}
    this_year = by_preset[Preset.THIS_YEAR]
    return by_preset[Preset.LAST_YEAR] if this_year.current else this_year


def _default_period() -> tuple[date, date]:
    """The last 30 days, today included, in the district's time zone."""
    today = now().astimezone(settings().tz).date()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


@dataclass(frozen=True)
class Rate:
    """A rate in an export: a percentage cell in Excel, ``66.7%`` (or ``—``) in CSV."""

    value: float | None


@dataclass
class RatesView:
    """The report with names, ready for the tables, the charts and the exports."""

    report: RateReport
    titles: dict[UnitKind, str] = field(default_factory=dict)

    def name(self, row: RateRow) -> str:
        unit = self.report.org.units.get(row.unit_id) if row.unit_id else None
        return unit.name if unit else _("(none)")

    def week(self, period: Period) -> str:
        """``2026-W49``: the ISO week, as the charts label it."""
        return week_name(period.first)

    def week_long(self, period: Period) -> str:
        """``2026-W49, from 2026-11-30``: the ISO week and its first day in the period, for tables and exports."""
        return _("%(week)s, from %(date)s", week=week_name(period.first), date=period.first.isoformat())

    def items(self, level: UnitKind) -> list[tuple[str, str, list[str]]]:
        """The rows of one level with their names, unit ids and cells, for the tables."""
        return [(self.name(row), row.unit_id or "", _cells(row)) for row in self.report.levels[level]]

    def week_items(self) -> list[tuple[str, str, list[str]]]:
        return [(self.week_long(week), week.first.isoformat(), _cells(row)) for week, row in self.report.weeks]

    def chart(self) -> dict[str, Any]:
        """What the charts draw, as JSON: rates in percent, null where the base is empty."""

        def series(rows: Sequence[RateRow]) -> dict[str, list[float | None]]:
            return {key: [_percent_number(getattr(r.rates, key)) for r in rows] for key in RATES}

        return {
            "series": [{"key": key, "label": str(label)} for key, label in RATES.items()],
            "levels": [
                {"id": level.value, "title": title, "labels": [self.name(r) for r in rows], "data": series(rows)}
                for level, rows in self.report.levels.items()
                for title in [self.titles[level]]
            ],
            "trend": {
                "title": _("Weekly trend"),
                "labels": [self.week(week) for week, _row in self.report.weeks],
                "data": series([row for _week, row in self.report.weeks]),
            },
        }

    def table(self) -> Iterable[list[object]]:
        """Every row of the report for exports: each level, the weeks, and the total."""
        for level, rows in self.report.levels.items():
            for row in rows:
                yield self._line(term(UNIT_KINDS, level), row.unit_id or "", self.name(row), row)
        for week, row in self.report.weeks:
            yield self._line(_("Week"), week.first.isoformat(), self.week_long(week), row)
        yield self._line(_("Total"), "", _("All in scope"), self.report.overall)

    @staticmethod
    def _line(level: str, unit_id: str, name: str, row: RateRow) -> list[object]:
        c = row.counts
        return [
            level,
            unit_id,
            name,
            c.base,
            c.responded,
            c.satisfied,
            c.basically_satisfied,
            c.solved,
            *(Rate(getattr(row.rates, key)) for key in RATES),
            c.by_phone,
            c.by_link,
            c.by_visit,
            c.checked,
            c.terminated,
            c.returned,
        ]


def _cells(row: RateRow) -> list[str]:
    """A table row's cells after its name: the counts, then the rates as percentages.

    Written here rather than in the template: a year's tables have some 200 rows of 9 cells, and looking up
    each rate by name in Jinja costs more than the rest of the row.
    """
    c = row.counts
    numbers = (c.base, c.responded, c.satisfied, c.basically_satisfied, c.solved)
    return [*map(str, numbers), *(percent(getattr(row.rates, key)) for key in RATES)]


def _percent_number(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def rates_view() -> tuple[PeriodForm, RatesView | None]:
    """The period form of the request and, when it is valid, the rates of the supervisor's area over it."""
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        return form, None
    report = rate_report(service(), overseer(), form.period(), rate_weights())
    titles = {
        UnitKind.STREET: _("Streets"),
        UnitKind.COMMUNITY: _("Communities"),
        UnitKind.GRID: _("Grids"),
    }
    return form, RatesView(report, titles)


@bp.get("/rates")
@requires("supervisor")
def rates() -> tuple[str, int]:
    """Response, resolution and satisfaction rates per grid, community and street, with charts and trend."""
    form, view = rates_view()
    if view is None:
        links = preset_links(None)
        page = render_template("supervisor/rates.html", form=form, view=None, presets=links, weights=rate_weights())
        return page, 400
    links = preset_links((view.report.period.first, view.report.period.last))
    from ticketing.web.supervisor.volunteers import number, panel  # here: that module builds on this one's form

    return (
        render_template(
            "supervisor/rates.html",
            volunteers=panel(view.report.period),
            volunteer_number=number,
            community_level=UnitKind.COMMUNITY,
            form=form,
            view=view,
            presets=links,
            suggested=suggestion(links),
            report=view.report,
            chart=view.chart(),
            weights=rate_weights(),
            percent=percent,
            query=request.args,
        ),
        200,
    )
