"""双报到 and volunteer service as supervisors see them: counts per street and community, with bar charts.

The charts are inline SVG drawn here (no script): each names itself (``role="img"``, a ``<title>``) and the
table under it gives the same numbers.  Their ``viewBox`` scales them to the width of a phone.  A compact
panel of the period's charts sits on the rates page too (``panel``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext as _

from ticketing.domain.org import UnitKind
from ticketing.read.rates import Period
from ticketing.read.volunteer_stats import VolunteerCounts, VolunteerReport, VolunteerRow, volunteer_report
from ticketing.web.context import service
from ticketing.web.nav import requires
from ticketing.web.supervisor.blueprint import bp, overseer
from ticketing.web.supervisor.rates import PeriodForm, preset_links

# The drawing's coordinates (user units of the viewBox, about CSS pixels on a 360 px phone).
WIDTH, LABEL_END, BAR_START, BAR_ROOM, ROW, BAR, TOP = 320, 86, 90, 180, 22, 14, 4
MAX_LABEL = 7  # characters of a name beside its bar; the table under the chart gives it whole


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as written at the end of the bar
    y: int
    width: float
    part_width: float | None = None  # the darker part (the confirmed of the claims)


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart: one bar a community, its length proportional to the value."""

    id: str
    title: str
    bars: list[Bar]
    legend: str = ""

    @property
    def height(self) -> int:
        return TOP * 2 + ROW * max(len(self.bars), 1)

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH} {self.height}"


def number(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float, float | None]],
    legend: str = "",
) -> BarChart:
    """A chart of ``(label, value, part)`` rows; ``part`` (or None) is drawn darker inside the bar."""
    largest = max((value for _label, value, _part in rows), default=0) or 1
    bars = []
    for index, (label, value, part) in enumerate(rows):
        short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        width = round(BAR_ROOM * value / largest, 1)
        part_width = None if part is None else round(BAR_ROOM * part / largest, 1)
        shown = number(value) if part is None else f"{number(part)}/{number(value)}"
        bars.append(Bar(short, value, shown, TOP + ROW * index, width, part_width))
    return BarChart(chart_id, title, bars, legend)


@dataclass(frozen=True)
class VolunteersView:
    """The report with names, ready for the tables and the charts."""

    report: VolunteerReport

    def name(self, row: VolunteerRow) -> str:
        unit = self.report.org.units.get(row.unit_id)
        return unit.name if unit else row.unit_id

    def rows(self, level: UnitKind) -> list[tuple[str, str, VolunteerCounts]]:
        rows = self.report.streets if level is UnitKind.STREET else self.report.communities
        return [(self.name(row), row.unit_id, row.counts) for row in rows]

    def hours_chart(self, prefix: str = "") -> BarChart:
        rows = [(self.name(r), r.counts.person_hours, None) for r in self.report.communities]
        return bar_chart(f"{prefix}chart-hours", _("Person-hours served per community"), rows)

    def claims_chart(self, prefix: str = "") -> BarChart:
        rows = [(self.name(r), float(r.counts.claims), float(r.counts.confirmed)) for r in self.report.communities]
        legend = _("Darker: confirmed; the figures read confirmed/claims.")
        return bar_chart(f"{prefix}chart-claims", _("Claims made per community"), rows, legend)

    def registrations_chart(self) -> BarChart:
        rows = [(self.name(r), float(r.counts.units + r.counts.members), None) for r in self.report.communities]
        return bar_chart("chart-registrations", _("Approved units and party members per community"), rows)


def _view(standing: bool) -> tuple[PeriodForm, VolunteersView | None]:
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        return form, None
    return form, VolunteersView(volunteer_report(service(), overseer(), form.period(), standing))


def panel(period: Period) -> VolunteersView:
    """The period's figures alone (claims and service: one query), for the rates page's panel."""
    return VolunteersView(volunteer_report(service(), overseer(), period, standing=False))


@bp.get("/volunteers")
@requires("supervisor")
def volunteers() -> tuple[str, int]:
    """双报到 registrations, teams, open needs, claims, person-hours and tickets helped, per street and community."""
    form, view = _view(standing=True)
    shown = (view.report.period.first, view.report.period.last) if view else None
    page = render_template(
        "supervisor/volunteers.html",
        form=form,
        view=view,
        presets=preset_links(shown),
        query=request.args,
        levels=(UnitKind.STREET, UnitKind.COMMUNITY),
        level_titles={UnitKind.STREET: _("Streets"), UnitKind.COMMUNITY: _("Communities")},
        number=number,
    )
    return page, 200 if view else 400
