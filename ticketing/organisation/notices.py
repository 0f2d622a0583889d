"""State Council holiday notices shipped with this code, for years no holiday library carries yet.

The State Council publishes next year's holidays and make-up workdays (调休)
late in the year; the libraries carry them only in a later release. A notice
dropped into ``state_council/`` as ``YEAR.toml`` fills that gap for every
district at once, and the warning about a missing notice ends:

    notice = "国务院办公厅关于2027年部分节假日安排的通知"
    [days]
    "2027-02-06" = "holiday"   # every day of each break, weekends included
    "2027-02-20" = "workday"   # 调休上班

Days not listed follow the week (Monday to Friday work). Once a library
carries the year, the library wins and the file may go.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ticketing.domain.calendar import DayKind
from ticketing.domain.errors import FileProblems
from ticketing.organisation.holidays import load_overrides

STATE_COUNCIL = Path(__file__).with_name("state_council")


def load_notices(folder: Path = STATE_COUNCIL) -> dict[int, dict[date, DayKind]]:
    """Each ``YEAR.toml`` notice in ``folder``, by year; refused if a file is misnamed or lists another year."""
    notices: dict[int, dict[date, DayKind]] = {}
    problems = []
    for path in sorted(folder.glob("*.toml")):
        days = load_overrides(path, keys=("notice", "days"))
        year = int(path.stem) if path.stem.isdigit() and len(path.stem) == 4 else None
        strays = sorted(day.isoformat() for day in days if day.year != year)
        if year is None:
            problems.append(f"{path}: name a notice file after its year, e.g. 2027.toml")
        elif strays:
            problems.append(f"{path}: a notice for {year} lists days of another year: {', '.join(strays)}")
        else:
            notices[year] = days
    if problems:
        raise FileProblems(problems)
    return notices
