"""The rates' daily roll-up, recomputed from the tickets: after a restore from elsewhere, or to check it."""

from __future__ import annotations

from sqlalchemy import Engine

from ticketing.db import rollup
from ticketing.services.unit_of_work import unit_of_work


def rebuild_rates(engine: Engine) -> int:
    """Recompute every day's counts in one transaction (the triggers keep them from then on); rows made."""
    with unit_of_work(engine) as work:
        return rollup.rebuild(work.conn)
