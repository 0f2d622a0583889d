"""The rules of the practice, as functions on a ticket: pure, given ``now``.

Each action checks who may do it, fires the workflow's shared state machine,
moves the deadline clock and returns an ``Outcome``.  The rules enforced:

- first-responder responsibility (首问负责制): the first staff member to
  register, acknowledge or pass on a ticket is its first responder for good,
  is told of every escalation and overdue, owns the callback, and may not
  alone may return the ticket to the resident (not their post partner);
- A/B posts (AB岗): see ``coverage``;
- volunteer posts (楼长, 街长, 店长) keep their own day-time calendar, and a
  deadline they miss is told to the grid leader (``escalation``);
- deadlines in working time on the post's calendar; pausing states stop the
  clock and resuming restores the time left;
- a ticket closes only through a recorded callback (回访) by the means its
  contact allows (phone, the resident's link, a visit, or a check of the
  result when nobody can be reached) — or, outside the community's remit,
  through a referral that is still called back; unreached attempts are
  spaced; a second 不满意 sends the ticket a tier up (``callback``);
- 诉求终结 is proposed by the handler and decided by a supervisor (``termination``);
- every choice a form offers (transfer targets, extensions, text lengths) is
  checked here against the list ``choices`` computes for the form too;
- when a post's holders change, its open tickets follow (``rehome``);
- another post of the community may be invited to join a ticket (协同) and
  released again, and a dispute's mediation outcome is recorded
  (``cooperation``); neither moves the ticket nor its deadlines.

The rules are one vocabulary, so callers use this package (``rules.acknowledge``);
its modules split them by concern: ``world``, ``acting``, ``clock``, ``offers``,
``escalation``, ``intake``, ``actions``, ``callback``, ``termination``, ``absence``, ``holders``,
``cooperation``.
"""

from __future__ import annotations

from ticketing.domain.field_rules import MAX_TEXT
from ticketing.domain.rules.absence import cover_absence, hand_back
from ticketing.domain.rules.actions import (
    acknowledge,
    close,
    extend,
    note,
    pause,
    refer,
    resolve,
    resume,
    return_to_resident,
    supervise,
    transfer,
)
from ticketing.domain.rules.callback import allowed_means, callback, next_attempt_at, resident_feedback, staff_means
from ticketing.domain.rules.clock import calendar_post
from ticketing.domain.rules.cooperation import invite, is_dispute, may_mediate, mediate, release
from ticketing.domain.rules.escalation import deadline_passed, grid_leader, supervisors
from ticketing.domain.rules.holders import rehome
from ticketing.domain.rules.intake import UNNUMBERED, Intake, number_ticket, open_ticket, usual_notice
from ticketing.domain.rules.offers import extension_choices, transfer_targets
from ticketing.domain.rules.termination import approve_termination, propose_termination, reject_termination
from ticketing.domain.rules.world import World, refuse_control

__all__ = [
    "MAX_TEXT",
    "UNNUMBERED",
    "Intake",
    "World",
    "acknowledge",
    "allowed_means",
    "approve_termination",
    "calendar_post",
    "callback",
    "close",
    "cover_absence",
    "deadline_passed",
    "extend",
    "extension_choices",
    "grid_leader",
    "hand_back",
    "invite",
    "is_dispute",
    "may_mediate",
    "mediate",
    "next_attempt_at",
    "note",
    "number_ticket",
    "open_ticket",
    "pause",
    "propose_termination",
    "refer",
    "refuse_control",
    "rehome",
    "reject_termination",
    "release",
    "resident_feedback",
    "resolve",
    "resume",
    "return_to_resident",
    "staff_means",
    "supervise",
    "supervisors",
    "transfer",
    "transfer_targets",
    "usual_notice",
]
