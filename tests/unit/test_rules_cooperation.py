"""Joint work (协同) and mediation (调解): the grid leader invites the police; they mediate and record how it ended."""

from __future__ import annotations

from copy import deepcopy

import pytest
from district import (
    BUILDING_1,
    GRID_1,
    INTAKE_1,
    MONDAY,
    PARTY_1,
    POLICE_1,
    POLICE_2,
    STREET_COMMITTEE,
    SUPERVISOR,
    District,
    a,
    b,
    c,
    cst,
)

from ticketing.domain import choices, rules
from ticketing.domain.errors import InvalidInput, NotAllowed
from ticketing.domain.guards import Satisfaction
from ticketing.domain.permissions import available_actions
from ticketing.domain.ticket import Event, Notice, Ticket

REASON = "双方情绪激动，请民警协助调解"
AGREEMENT = "双方同意共同出资维修漏水管道，楼上住户承担七成"


def _dispute(d: District) -> Ticket:
    """A neighbour dispute in building 1, signed for by the grid leader (the first tier of disputes)."""
    ticket = d.open("b1", category="neighbour_dispute")
    rules.acknowledge(d.world, ticket, a(GRID_1), MONDAY)
    return ticket


def _with_the_police(d: District) -> Ticket:
    ticket = _dispute(d)
    rules.invite(d.world, ticket, a(GRID_1), POLICE_1, REASON, cst(3, 2, 10))
    return ticket


def test_the_grid_leader_invites_the_police_to_mediate_a_dispute_at_any_time(d: District) -> None:
    ticket = d.open("b1", category="neighbour_dispute")  # not even signed for yet
    due, state, holder = ticket.due_at, ticket.state, ticket.holder_id

    outcome = rules.invite(d.world, ticket, a(GRID_1), POLICE_1, REASON, cst(3, 2, 9, 10))

    assert [joined.post_id for joined in ticket.joined] == [POLICE_1]
    assert (ticket.due_at, ticket.state, ticket.holder_id, ticket.post_id) == (due, state, holder, GRID_1)
    assert not outcome.deadline_changed
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.reason) == ("invite", a(GRID_1), REASON)
    assert entry.details == {"post": POLICE_1}
    assert outcome.notices == [Notice(a(POLICE_1), Event.INVITED)]
    assert [joined.post_id for joined in outcome.invited] == [POLICE_1]


def test_the_invitation_goes_to_the_first_present_police_holder(d: District) -> None:
    d.away(a(POLICE_1))
    ticket = _dispute(d)

    outcome = rules.invite(d.world, ticket, a(GRID_1), POLICE_1, REASON, cst(3, 2, 10))

    assert outcome.notices == [Notice(b(POLICE_1), Event.INVITED)]


@pytest.mark.parametrize("inviter", [b(GRID_1), SUPERVISOR, a(INTAKE_1)])
def test_the_holders_the_first_responder_and_supervisors_may_invite(d: District, inviter: str) -> None:
    ticket = d.open("b1", category="neighbour_dispute", registrar=a(INTAKE_1))

    rules.invite(d.world, ticket, inviter, POLICE_1, REASON, cst(3, 2, 10))

    assert [joined.invited_by for joined in ticket.joined] == [inviter]


@pytest.mark.parametrize("outsider", [a(POLICE_1), a(BUILDING_1), a(PARTY_1), "volunteer"])
def test_nobody_else_may_invite(d: District, outsider: str) -> None:
    ticket = _dispute(d)

    with pytest.raises(NotAllowed, match="first responder"):
        rules.invite(d.world, ticket, outsider, POLICE_1, REASON, cst(3, 2, 10))


def test_only_posts_of_the_tickets_community_may_join_the_police_first(d: District) -> None:
    ticket = _dispute(d)

    targets = [post.id for post in choices.invite_targets(d.org, ticket)]

    assert targets[0] == POLICE_1
    assert {PARTY_1, INTAKE_1, BUILDING_1} <= set(targets)
    assert GRID_1 not in targets and POLICE_2 not in targets and STREET_COMMITTEE not in targets
    with pytest.raises(InvalidInput, match="another post of its community c1"):
        rules.invite(d.world, ticket, a(GRID_1), POLICE_2, REASON, cst(3, 2, 10))


def test_an_invitation_needs_a_post_and_a_reason_and_a_post_joins_once(d: District) -> None:
    ticket = _with_the_police(d)

    with pytest.raises(InvalidInput, match="needs the post to invite and a reason"):
        rules.invite(d.world, deepcopy(ticket), a(GRID_1), PARTY_1, "  ", cst(3, 2, 11))
    with pytest.raises(InvalidInput, match="already works on ticket"):
        rules.invite(d.world, ticket, a(GRID_1), POLICE_1, REASON, cst(3, 2, 11))


def test_joined_police_see_it_as_theirs_to_note_and_work_but_not_to_sign_for(d: District) -> None:
    ticket = _with_the_police(d)

    assert available_actions(d.world, ticket, b(POLICE_1), cst(3, 2, 11)) == ["note", "pause", "mediate", "resolve"]
    rules.note(d.world, ticket, c(POLICE_1), "已约双方周三到警务室", cst(3, 2, 11))
    with pytest.raises(NotAllowed):
        rules.refer(d.world, deepcopy(ticket), a(POLICE_1), "区人民法院", "需诉讼", cst(3, 2, 11))
    with pytest.raises(NotAllowed):
        rules.transfer(d.world, deepcopy(ticket), a(POLICE_1), PARTY_1, "上报", cst(3, 2, 11))


def test_the_holder_and_first_responder_stay_accountable_when_the_police_resolve(d: District) -> None:
    ticket = _with_the_police(d)

    rules.resolve(d.world, ticket, a(POLICE_1), "调解成功，双方签订协议", cst(3, 3, 10))

    assert (ticket.state, ticket.post_id, ticket.holder_id) == ("resolved", GRID_1, a(GRID_1))
    assert ticket.first_responder_id == a(GRID_1)
    with pytest.raises(NotAllowed):
        rules.callback(
            d.world, deepcopy(ticket), a(POLICE_1), True, Satisfaction.SATISFIED, "", cst(3, 3, 11), solved=True
        )
    rules.callback(d.world, ticket, a(GRID_1), True, Satisfaction.SATISFIED, "", cst(3, 3, 11), solved=True)
    assert ticket.state == "closed"


def test_whoever_may_invite_releases_the_joined_post(d: District) -> None:
    ticket = _with_the_police(d)

    with pytest.raises(NotAllowed):
        rules.release(d.world, deepcopy(ticket), a(POLICE_1), POLICE_1, cst(3, 2, 12))
    outcome = rules.release(d.world, ticket, SUPERVISOR, POLICE_1, cst(3, 2, 12))

    assert ticket.joined == ()
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.details) == ("release", SUPERVISOR, {"post": POLICE_1})
    assert [(ended.post_id, ended.released_by) for ended in outcome.released] == [(POLICE_1, SUPERVISOR)]
    assert available_actions(d.world, ticket, a(POLICE_1), cst(3, 2, 13)) == []
    with pytest.raises(NotAllowed, match="nobody to release"):
        rules.release(d.world, ticket, a(GRID_1), POLICE_1, cst(3, 2, 13))


def test_a_closed_ticket_takes_no_invitation(d: District) -> None:
    ticket = _dispute(d)
    rules.resolve(d.world, ticket, a(GRID_1), "已调解", cst(3, 2, 10))
    rules.callback(d.world, ticket, a(GRID_1), True, Satisfaction.SATISFIED, "", cst(3, 2, 11), solved=True)

    with pytest.raises(NotAllowed, match="is closed"):
        rules.invite(d.world, ticket, a(GRID_1), POLICE_1, REASON, cst(3, 2, 12))


@pytest.mark.parametrize(("result", "agreement"), [("success", AGREEMENT), ("partial", AGREEMENT), ("failed", "")])
def test_a_joined_police_holder_records_how_the_mediation_ended(d: District, result: str, agreement: str) -> None:
    ticket = _with_the_police(d)

    outcome = rules.mediate(d.world, ticket, c(POLICE_1), result, agreement, cst(3, 3, 15))

    assert (ticket.mediation, ticket.mediation_agreement, ticket.mediated_at) == (
        result,
        agreement or None,
        cst(3, 3, 15),
    )
    assert (ticket.state, ticket.due_at) == ("in_progress", _with_the_police(District()).due_at)
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id) == ("mediate", c(POLICE_1))


def test_the_handler_records_the_mediation_and_the_latest_record_stands(d: District) -> None:
    ticket = _dispute(d)

    rules.mediate(d.world, ticket, a(GRID_1), "failed", "", cst(3, 2, 15))
    rules.mediate(d.world, ticket, b(GRID_1), "partial", AGREEMENT, cst(3, 3, 15))

    assert (ticket.mediation, ticket.mediation_agreement) == ("partial", AGREEMENT)


@pytest.mark.parametrize("result", ["success", "partial"])
def test_an_agreement_must_be_written_down_when_one_was_reached(d: District, result: str) -> None:
    ticket = _with_the_police(d)

    with pytest.raises(InvalidInput, match="write down the agreement"):
        rules.mediate(d.world, ticket, a(POLICE_1), result, "   ", cst(3, 3, 15))


def test_the_outcome_is_one_of_the_three(d: District) -> None:
    ticket = _with_the_police(d)

    with pytest.raises(InvalidInput, match="success, partial, failed"):
        rules.mediate(d.world, ticket, a(POLICE_1), "settled", AGREEMENT, cst(3, 3, 15))


def test_only_the_handler_or_a_joined_police_holder_records_a_mediation(d: District) -> None:
    ticket = _dispute(d)
    rules.invite(d.world, ticket, a(GRID_1), PARTY_1, "请书记参与", cst(3, 2, 10))

    for outsider in (a(PARTY_1), a(POLICE_1), SUPERVISOR):
        with pytest.raises(NotAllowed, match="community police post invited to join"):
            rules.mediate(d.world, deepcopy(ticket), outsider, "failed", "", cst(3, 2, 11))


def test_a_request_that_is_not_a_dispute_records_no_mediation(d: District) -> None:
    ticket = d.in_progress()

    with pytest.raises(NotAllowed, match="dispute tickets"):
        rules.mediate(d.world, ticket, a(BUILDING_1), "failed", "", cst(3, 2, 11))
    assert "mediate" not in available_actions(d.world, ticket, a(BUILDING_1), cst(3, 2, 11))
