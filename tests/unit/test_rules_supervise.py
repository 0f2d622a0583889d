"""督办: a supervisor's note is its own kind of history line, apart from the handlers' notes."""

from __future__ import annotations

import pytest
from district import BUILDING_1, SUPERVISOR, District, a, cst

from ticketing.domain import rules
from ticketing.domain.errors import InvalidInput, NotAllowed


def test_a_supervisors_note_is_a_supervision_line_with_their_words(d: District) -> None:
    ticket = d.open("b1")

    outcome = rules.supervise(d.world, ticket, SUPERVISOR, "  请今天内处理 ", cst(3, 2, 10))

    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.reason, entry.details) == ("supervise", SUPERVISOR, "请今天内处理", {})
    assert (ticket.state, ticket.holder_id) == ("new", a(BUILDING_1))  # the ticket itself stays where it was
    assert not outcome.deadline_changed and not outcome.notices


def test_a_holders_note_stays_a_note_and_only_supervisors_write_supervision_notes(d: District) -> None:
    ticket = d.open("b1")

    assert rules.note(d.world, ticket, a(BUILDING_1), "已联系物业", cst(3, 2, 10)).entries[0].action == "note"
    with pytest.raises(NotAllowed, match="written by supervisors"):
        rules.supervise(d.world, ticket, a(BUILDING_1), "请今天内处理", cst(3, 2, 10))
    with pytest.raises(InvalidInput, match="write the supervision note"):
        rules.supervise(d.world, ticket, SUPERVISOR, "  ", cst(3, 2, 10))
