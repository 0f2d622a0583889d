"""Every choice a form offers is a rule: a value the page would not offer is refused, naming what is allowed."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import replace
from pathlib import Path

import pytest
from district import (
    BUILDING_1,
    BUILDING_2,
    GRID_1,
    MONDAY,
    PARTY_1,
    PARTY_2,
    STREET_COMMITTEE,
    SUPERVISOR,
    District,
    a,
)
from test_workflows import CHAIN, MINI, edit, problems_of, write

from ticketing.domain import choices, rules
from ticketing.domain.errors import InvalidInput, Named, NameKind
from ticketing.domain.guards import Satisfaction
from ticketing.domain.rules import World
from ticketing.domain.ticket import ResidentChannel, Ticket
from ticketing.domain.workflow import Duration
from ticketing.workflow.files import load_workflow


def _with_max_extension(world: World, ticket: Ticket, limit: str) -> World:
    """The world with the ticket's workflow capping extensions at its current tier to ``limit``."""
    spec = world.spec(ticket)
    chain = list(spec.chain)
    chain[ticket.tier] = replace(chain[ticket.tier], max_extension=Duration.parse(limit))
    return replace(world, workflows={**world.workflows, spec.name: replace(spec, chain=tuple(chain))})


# --- transfer targets ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", [BUILDING_2, PARTY_2, STREET_COMMITTEE])
def test_a_post_outside_the_chain_and_the_community_is_refused_naming_what_is_allowed(d: District, target: str) -> None:
    ticket = d.in_progress()
    before = deepcopy(ticket)

    with pytest.raises(InvalidInput) as refused:
        rules.transfer(d.world, ticket, a(BUILDING_1), target, "不归我们社区", MONDAY)

    assert str(refused.value) == (
        f"ticket {ticket.number} may be passed only to a post of its chain for its place ({GRID_1}, {PARTY_1}) "
        f"or another post of its community c1; {target} is neither"
    )
    assert ticket == before


def test_a_supervisor_may_not_pass_a_ticket_outside_the_targets_either(d: District) -> None:
    ticket = d.in_progress()

    with pytest.raises(InvalidInput):
        rules.transfer(d.world, ticket, SUPERVISOR, PARTY_2, "转到北京路社区", MONDAY)


def test_the_form_lists_exactly_the_posts_the_rule_accepts(d: District) -> None:
    ticket = d.in_progress()
    offered = {post.id for post in rules.transfer_targets(d.world, ticket)}

    for post_id in d.org.posts:
        moved = deepcopy(ticket)
        try:
            rules.transfer(d.world, moved, a(BUILDING_1), post_id, "转交", MONDAY)
        except InvalidInput:
            assert post_id not in offered
        else:
            assert post_id in offered


# --- extensions ---------------------------------------------------------------------------------


def test_an_extension_longer_than_the_tiers_resolve_time_is_refused_naming_the_limit(d: District) -> None:
    ticket = d.in_progress()  # general workflow, building leader tier: resolve 3d
    before = deepcopy(ticket)

    with pytest.raises(InvalidInput) as refused:
        rules.extend(d.world, ticket, SUPERVISOR, Duration.parse("9999d"), "需协调物业", MONDAY)

    assert str(refused.value) == (
        "extend: at most 3d of working time at a time at tier 1 of workflow general; 9999d is longer"
    )
    assert ticket == before


def test_an_extension_up_to_the_limit_is_accepted_in_any_unit(d: District) -> None:
    for by in ("3d", "1d", "8h", "90m"):
        ticket = d.in_progress()
        due = ticket.due_at
        rules.extend(d.world, ticket, SUPERVISOR, Duration.parse(by), "需协调物业", MONDAY)
        assert ticket.due_at is not None and due is not None and ticket.due_at > due


def test_a_workflows_max_extension_replaces_the_resolve_time(d: District) -> None:
    ticket = d.in_progress()
    world = _with_max_extension(d.world, ticket, "4h")

    with pytest.raises(InvalidInput, match="at most 4h of working time"):
        rules.extend(world, ticket, SUPERVISOR, Duration.parse("1d"), "需协调物业", MONDAY)
    rules.extend(world, ticket, SUPERVISOR, Duration.parse("4h"), "需协调物业", MONDAY)


def test_the_page_offers_the_usual_extensions_up_to_the_limit_and_the_limit_itself(d: District) -> None:
    ticket = d.in_progress()

    assert [str(x) for x in rules.extension_choices(d.world, ticket)] == ["1h", "4h", "1d", "2d", "3d"]
    world = _with_max_extension(d.world, ticket, "6h")
    assert [str(x) for x in rules.extension_choices(world, ticket)] == ["1h", "4h", "6h"]
    for offered in rules.extension_choices(world, ticket):
        rules.extend(world, deepcopy(ticket), SUPERVISOR, offered, "需协调物业", MONDAY)


def test_nothing_is_offered_without_a_running_deadline(d: District) -> None:
    ticket = d.in_progress()
    rules.pause(d.world, ticket, a(BUILDING_1), "等居民回家", MONDAY)

    assert rules.extension_choices(d.world, ticket) == []


def test_max_extension_is_read_from_the_chain_and_checked_when_loading(tmp_path: Path) -> None:
    spec = load_workflow(write(tmp_path, edit(MINI, 'callback = "1d"\n', 'callback = "1d"\nmax_extension = "2d"\n')))
    assert spec.chain[0].extension_limit == Duration.parse("2d")
    assert load_workflow(write(tmp_path, MINI)).chain[0].extension_limit == Duration.parse("3d")

    capped = CHAIN.replace('callback = "1d"', 'callback = "1d"\nmax_extension = "0d"')
    broken = write(tmp_path, edit(MINI, CHAIN, capped))
    assert problems_of(broken) == [
        f"{broken}: chain[0].max_extension: '0d': each amount of a working time is a whole number from 1 to 9999"
    ]


# --- texts and named choices ----------------------------------------------------------------------


def test_texts_longer_than_the_forms_allow_are_refused_with_the_limit(d: District) -> None:
    ticket = d.in_progress()

    with pytest.raises(InvalidInput, match=r"^text: at most 2000 characters, got 2001$"):
        rules.note(d.world, ticket, a(BUILDING_1), "长" * 2001, MONDAY)
    with pytest.raises(InvalidInput, match=r"^body: at most 200 characters, got 201$"):
        rules.refer(d.world, ticket, a(BUILDING_1), "局" * 201, "不属社区职权", MONDAY)
    rules.refer(d.world, ticket, a(BUILDING_1), "局" * 200, "不属社区职权", MONDAY)


def test_a_verdict_or_a_way_to_tell_the_resident_outside_the_list_is_refused_naming_the_list() -> None:
    assert choices.satisfaction_of("basically_satisfied") is Satisfaction.BASICALLY_SATISFIED
    assert choices.satisfaction_of("") is None
    with pytest.raises(InvalidInput, match="'happy' is not one of: satisfied, basically_satisfied, unsatisfied"):
        choices.satisfaction_of("happy")
    assert choices.resident_channel_of("email") is ResidentChannel.EMAIL
    with pytest.raises(InvalidInput, match="choose one of: sms, email, none") as refused:
        choices.resident_channel_of("wechat")
    assert refused.value.params["allowed"] == Named(NameKind.RESIDENT_CHANNEL, ("sms", "email", "none"))
