"""Build the rules' ``World`` from the database, re-reading only what changed.

The registry, absences, calendars and holiday overrides are read once and
kept; every transaction checks three counters in ``meta`` (one small query)
and reloads when an import, a new absence or a holiday override has bumped
them.  Calendars keep their per-day caches across transactions until the
holiday overrides change, so an override counts for the next deadline in
every process sharing the database.
"""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from ticketing.db import absences as absence_store
from ticketing.db import holiday_overrides as override_store
from ticketing.db.meta import versions
from ticketing.db.org_store import ORG_VERSION_KEY, load_org
from ticketing.domain.calendar import BUILT_IN_HOURS, STANDARD_HOURS, WorkingCalendar, WorkingHours
from ticketing.domain.coverage import Absent
from ticketing.domain.holidays import NationalHolidays, OverriddenHolidays
from ticketing.domain.org import Absence, Organisation
from ticketing.domain.rules import World
from ticketing.workflow.files import Catalogue

VERSION_KEYS = (ORG_VERSION_KEY, absence_store.ABSENCE_VERSION, override_store.HOLIDAY_VERSION)


class WorldSource:
    """Hands out the current ``World``; safe to share between threads of one process.

    ``national`` is the holiday table of the libraries and the overrides file; ``holidays`` is it with the
    admins' overrides on top, as the last transaction found them.
    """

    def __init__(self, catalogue: Catalogue, national: NationalHolidays, tz: ZoneInfo) -> None:
        self.catalogue = catalogue
        self.national = national
        self.holidays = OverriddenHolidays(national)
        self.tz = tz
        self._lock = threading.Lock()
        self._version: tuple[int, ...] | None = None
        self._world: World | None = None
        self._calendars: dict[tuple[str, str], WorkingCalendar] = {}

    def world(self, conn: Connection) -> World:
        return self.world_at(conn, versions(conn, VERSION_KEYS))

    def world_at(self, conn: Connection, current: tuple[int, ...]) -> World:
        """The world at the ``VERSION_KEYS`` versions this transaction read itself."""
        with self._lock:
            if current != self._version or self._world is None:
                if self._version is None or current[-1] != self._version[-1]:
                    self._reload_holidays(conn)
                self._world = self._build(conn)
                self._version = current
            return self._world

    def unchecked(self, conn: Connection) -> tuple[World, tuple[int, ...]]:
        """The world as this process last read it and the versions it was read at, without a round trip.

        For a transaction that reads the versions later, in a statement it runs anyway (an intake's
        ticket number), and goes on with ``world_at`` when they moved; or that only describes what a
        transaction of its own just did.  Reads them now when this process has read none yet.
        """
        with self._lock:
            if self._world is not None and self._version is not None:
                return self._world, self._version
        current = versions(conn, VERSION_KEYS)
        return self.world_at(conn, current), current

    def holiday_table(self, conn: Connection) -> OverriddenHolidays:
        """The holidays as this transaction sees them, admins' overrides included."""
        self.world(conn)
        return self.holidays

    def _reload_holidays(self, conn: Connection) -> None:
        """Read the overrides again; calendars cache each day's kind, so they start afresh."""
        self.holidays = OverriddenHolidays(self.national, override_store.load_all(conn).values())
        self._calendars = {}

    def uncached(self, conn: Connection) -> World:
        """The world as this transaction sees it, never kept: for changes not yet committed (a registry import)."""
        return self._build(conn)

    def _build(self, conn: Connection) -> World:
        data = load_org(conn)
        org = data.organisation
        hours = BUILT_IN_HOURS | data.calendars
        away = absence_store.load_all(conn)
        post_calendar = {
            post.id: self._calendar(hours.get(data.calendar_for_post(post.id) or "", STANDARD_HOURS))
            for post in org.posts.values()
        }
        standard = self._calendar(STANDARD_HOURS)
        return World(
            org=org,
            workflows=self.catalogue.workflows,
            machines=self.catalogue.machines,
            calendar_for=lambda post_id: post_calendar.get(post_id, standard),
            absent=_absence_check(away),
        )

    def _calendar(self, hours: WorkingHours) -> WorkingCalendar:
        key = (hours.id, repr(hours.to_spec()))
        if key not in self._calendars:
            self._calendars[key] = WorkingCalendar(hours, self.holidays, self.tz)
        return self._calendars[key]

    def organisation(self, conn: Connection) -> Organisation:
        return self.world(conn).org


def _absence_check(away: dict[str, list[Absence]]) -> Absent:
    def absent(staff_id: str, at: datetime) -> bool:
        spells = away.get(staff_id)  # most staff have none: no generator for them (asked several times a ticket)
        return spells is not None and any(absence.covers(at) for absence in spells)

    return absent
