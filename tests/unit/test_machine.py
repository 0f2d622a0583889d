"""The shared machine: every allowed and every forbidden (state, action) pair of the shipped workflows."""

from __future__ import annotations

import gc
import weakref
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_workflows import MINI, write

from ticketing.domain.errors import NotAllowed
from ticketing.domain.guards import DEFAULT_CALLBACK_ATTEMPTS, ActionContext, Satisfaction
from ticketing.domain.workflow import Action
from ticketing.workflow.files import load_workflow, load_workflows
from ticketing.workflow.machine import WorkflowMachine
from ticketing.workflow.translation import both

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SHIPPED = ["general", "dispute", "outside"]
GUARDED = "guarded"

# The expected table, written out by hand; the shared lifecycle (lifecycle.toml) must say exactly this.
EXPECTED: dict[tuple[str, Action], str] = {
    ("new", Action.ACKNOWLEDGE): "in_progress",
    ("new", Action.TRANSFER): "new",
    ("in_progress", Action.TRANSFER): "new",
    ("new", Action.ESCALATE): "new",
    ("in_progress", Action.ESCALATE): "new",
    ("in_progress", Action.PAUSE): "waiting_resident",
    ("waiting_resident", Action.RESUME): "in_progress",
    ("in_progress", Action.RESOLVE): "resolved",
    ("in_progress", Action.REFER): "referred",
    ("resolved", Action.CALLBACK): GUARDED,
    ("referred", Action.CALLBACK): GUARDED,
    ("new", Action.RETURN_TO_RESIDENT): "returned",
    ("in_progress", Action.TERMINATE): "terminated",
    ("waiting_resident", Action.TERMINATE): "terminated",
}
STATES = [
    "new",
    "in_progress",
    "waiting_resident",
    "resolved",
    "referred",
    "closed",
    "closed_unreachable",
    "returned",
    "terminated",
]
FORBIDDEN = [(s, a) for s in STATES for a in Action if (s, a) not in EXPECTED]
UNGUARDED = {pair: dest for pair, dest in EXPECTED.items() if dest != GUARDED}


@dataclass
class Ticket:
    state: str
    first_responder_id: str | None = "bob"
    callback_attempts: int = 0
    unsatisfied_count: int = 0


BOB = ActionContext(actor_id="bob")


@pytest.fixture(scope="module", params=SHIPPED)
def machine(request: pytest.FixtureRequest) -> WorkflowMachine:
    return WorkflowMachine(load_workflow(WORKFLOWS / f"{request.param}.toml"))


def test_file_table_is_the_expected_table(machine: WorkflowMachine) -> None:
    from_file = {(source, t.trigger) for t in machine.spec.transitions for source in t.sources}
    assert from_file == set(EXPECTED)
    assert list(machine.spec.states) == STATES


@pytest.mark.parametrize(("pair", "dest"), UNGUARDED.items(), ids=lambda v: "-".join(v) if isinstance(v, tuple) else v)
def test_allowed_pair(machine: WorkflowMachine, pair: tuple[str, Action], dest: str) -> None:
    state, action = pair
    ticket = Ticket(state)
    assert machine.can(ticket, action, BOB)
    assert machine.fire(ticket, action, BOB) == dest == ticket.state


@pytest.mark.parametrize(("state", "action"), FORBIDDEN, ids=lambda v: str(v))
def test_forbidden_pair(machine: WorkflowMachine, state: str, action: Action) -> None:
    ticket = Ticket(state)
    assert not machine.can(ticket, action, BOB)
    with pytest.raises(NotAllowed) as raised:
        machine.fire(ticket, action, BOB)
    labels = both(machine.spec.state(state).label)
    allowed = ", ".join(machine.allowed(state)) or "nothing"
    assert str(raised.value) == f"cannot {action} a ticket in state {state!r} ({labels}); allowed: {allowed}"
    assert ticket.state == state


def test_refusal_message_lists_what_is_allowed(machine: WorkflowMachine) -> None:
    with pytest.raises(
        NotAllowed, match=r"^cannot resolve a ticket in state 'new' \(待签收 / Awaiting acknowledgement\)"
    ):
        machine.fire(Ticket("new"), Action.RESOLVE, BOB)
    with pytest.raises(NotAllowed, match=r"allowed: acknowledge, transfer, escalate, return_to_resident$"):
        machine.fire(Ticket("new"), Action.RESOLVE, BOB)


def test_allowed_in_file_order(machine: WorkflowMachine) -> None:
    assert machine.allowed("new") == ["acknowledge", "transfer", "escalate", "return_to_resident"]
    assert machine.allowed("in_progress") == ["transfer", "escalate", "pause", "resolve", "refer", "terminate"]
    assert machine.allowed("closed") == []
    assert machine.allowed("no_such_state") == []


LAST = DEFAULT_CALLBACK_ATTEMPTS
CALLBACKS = [
    (ActionContext(satisfaction=Satisfaction.SATISFIED, solved=True), 0, 0, "closed"),
    (ActionContext(satisfaction=Satisfaction.BASICALLY_SATISFIED, solved=False), 0, 0, "closed"),
    (ActionContext(satisfaction=Satisfaction.UNSATISFIED, solved=False), 0, 0, "in_progress"),
    (ActionContext(satisfaction=Satisfaction.UNSATISFIED, solved=False), 0, 1, "new"),
    (ActionContext(solved=True), 0, 0, "closed"),
    (ActionContext(solved=False), 0, 0, "in_progress"),
    (ActionContext(reached=False), LAST, 0, "closed_unreachable"),
    (ActionContext(reached=False, satisfaction=Satisfaction.SATISFIED), LAST, 0, "closed_unreachable"),
    (ActionContext(reached=False), LAST - 1, 0, "source"),
    (ActionContext(reached=False), 1, 0, "source"),
]


@pytest.mark.parametrize("source", ["resolved", "referred"])
@pytest.mark.parametrize(("ctx", "attempts", "unsatisfied", "dest"), CALLBACKS)
def test_callback_branches(
    machine: WorkflowMachine, source: str, ctx: ActionContext, attempts: int, unsatisfied: int, dest: str
) -> None:
    ticket = Ticket(source, callback_attempts=attempts, unsatisfied_count=unsatisfied)
    assert machine.fire(ticket, Action.CALLBACK, ctx) == (source if dest == "source" else dest)


@pytest.mark.parametrize("source", ["resolved", "referred"])
def test_callback_reached_without_verdict_is_refused(machine: WorkflowMachine, source: str) -> None:
    ticket = Ticket(source)
    assert not machine.can(ticket, Action.CALLBACK, ActionContext())
    with pytest.raises(NotAllowed, match="record whether the resident was satisfied") as raised:
        machine.fire(ticket, Action.CALLBACK, ActionContext())
    assert str(raised.value).startswith(f"cannot callback a ticket in state {source!r}")
    assert "[satisfied] -> closed" in str(raised.value)
    assert ticket.state == source


def test_only_the_first_responder_may_send_the_resident_away(machine: WorkflowMachine) -> None:
    ticket = Ticket("new", first_responder_id="alice")
    assert not machine.can(ticket, Action.RETURN_TO_RESIDENT, BOB)
    with pytest.raises(NotAllowed) as raised:
        machine.fire(ticket, Action.RETURN_TO_RESIDENT, BOB)
    message = str(raised.value)
    assert message.startswith("cannot return_to_resident a ticket in state 'new' (待签收")
    assert "首问负责制" in message and "only the first responder" in message
    assert ticket.state == "new"
    assert machine.fire(ticket, Action.RETURN_TO_RESIDENT, ActionContext(actor_id="alice")) == "returned"


def test_before_there_is_a_first_responder_anyone_the_rules_allow_may_return_it(machine: WorkflowMachine) -> None:
    assert machine.fire(Ticket("new", first_responder_id=None), Action.RETURN_TO_RESIDENT, BOB) == "returned"


def test_one_machine_drives_independent_tickets() -> None:
    catalogue = load_workflows([WORKFLOWS])
    machine = catalogue.machines["general"]
    first, second = Ticket("new"), Ticket("new")
    machine.fire(first, Action.ACKNOWLEDGE, BOB)
    machine.fire(first, Action.RESOLVE, BOB)
    machine.fire(second, Action.ACKNOWLEDGE, BOB)
    assert (first.state, second.state) == ("resolved", "in_progress")
    assert catalogue.machines["general"] is machine
    assert catalogue.machines["general"].spec is catalogue.workflows["general"]


def test_machine_keeps_no_ticket(machine: WorkflowMachine) -> None:
    ticket = Ticket("new")
    machine.fire(ticket, Action.ACKNOWLEDGE, BOB)
    assert not hasattr(ticket, "acknowledge")
    ref = weakref.ref(ticket)
    del ticket
    gc.collect()
    assert ref() is None


def test_mermaid_has_every_state_and_transition(machine: WorkflowMachine) -> None:
    diagram = machine.mermaid()
    assert diagram.startswith("stateDiagram-v2\n")
    assert "    [*] --> new\n" in diagram
    for state in machine.spec.states.values():
        assert f'state "{both(state.label)}" as {state.name}\n' in diagram
    for transition in machine.spec.transitions:
        guards = f" [{', '.join(transition.guards)}]" if transition.guards else ""
        for source in transition.sources:
            assert f"    {source} --> {transition.dest}: {transition.trigger}{guards}\n" in diagram
    assert "    closed --> [*]\n" in diagram


def test_a_workflow_s_own_transitions_drive_its_tickets_and_no_others(tmp_path: Path) -> None:
    resolve_while_waiting = MINI + (
        '\n[[lifecycle.transitions]]\ntrigger = "resolve"\nsource = ["in_progress", "waiting_resident"]\n'
        'dest = "resolved"\n'
    )
    catalogue = load_workflows([write(tmp_path, resolve_while_waiting), WORKFLOWS / "general.toml"])
    mine, general = catalogue.machines["mini"], catalogue.machines["general"]
    assert mine.fire(Ticket("waiting_resident"), Action.RESOLVE, BOB) == "resolved"
    assert not general.can(Ticket("waiting_resident"), Action.RESOLVE, BOB)
    assert mine.allowed("waiting_resident") == ["resume", "resolve", "terminate"]
