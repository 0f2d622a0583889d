"""``ticketing holidays``: list this year's and next year's holidays and make-up workdays; add and remove overrides."""

from __future__ import annotations

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group
from ticketing.domain.holidays import NOTICE_HORIZON_DAYS, OVERRIDE_KINDS, Override, SpecialDay, parse_day

NOW_HELP = "Current time, ISO 8601 (default: now)."
COVERAGE = {
    "notice": "State Council notice loaded",
    "statutory": "statutory holidays only: make-up workdays not published yet",
    "none": "no holiday data: Monday to Friday are workdays",
}


@click.group(cls=Group)
def holidays() -> None:
    """Holidays and make-up workdays (节假日、调休): list them, add or remove an override."""


def _what(day: SpecialDay) -> str:
    return "make-up workday" if day.make_up else day.kind.value


def _override(override: Override) -> str:
    return f"{override.day.isoformat()} {override.day:%a} {override.kind.value} ({override.reason})"


@holidays.command("list")
@click.option("--now", help=NOW_HELP)
@pass_context
def list_(obj: CliContext, now: str | None) -> None:
    """Every holiday, make-up workday and overridden day of this year and the next, with its source."""
    from ticketing.read.holidays import holidays_view

    view = holidays_view(obj.ticketing, obj.moment(now))
    for year in view.years:
        click.echo(f"{year.year}: {COVERAGE[year.coverage.value]}")
        for day in year.days:
            source = f"{day.source.value}: {day.reason}" if day.reason else day.source.value
            click.echo(f"  {day.day.isoformat()} {day.day:%a}  {_what(day):<16} {source}")
    for missing in view.missing_notice:
        click.echo(
            f"warning: no State Council notice loaded for {missing}, which the next {NOTICE_HORIZON_DAYS} days reach: "
            "its make-up workdays are unknown; add them with `ticketing holidays add DAY workday` once published",
            err=True,
        )


@holidays.command()
@click.argument("day")
@click.argument("kind", type=click.Choice([kind.value for kind in OVERRIDE_KINDS]))
@click.option("--reason", required=True, help="Why, e.g. the State Council notice it comes from.")
@click.option("--now", help=NOW_HELP)
@pass_context
def add(obj: CliContext, day: str, kind: str, reason: str, now: str | None) -> None:
    """Make DAY (YYYY-MM-DD, this year or next) a holiday or a (make-up) workday; deadlines follow it from now on."""
    added = obj.ticketing.holidays.add(parse_day(day), kind, reason, obj.moment(now))
    click.echo(f"override added: {_override(added)}")


@holidays.command()
@click.argument("day")
@click.option("--now", help=NOW_HELP)
@pass_context
def remove(obj: CliContext, day: str, now: str | None) -> None:
    """Remove the override on DAY: it is again what the holiday library or the overrides file says."""
    removed = obj.ticketing.holidays.remove(parse_day(day), obj.moment(now))
    click.echo(f"override removed: {_override(removed)}")
