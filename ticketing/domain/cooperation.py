"""Joint work on a ticket (协同) and the outcome of a mediation (调解), as plain values.

A post invited to join a ticket works beside the post that holds it: its
holders see the ticket in their queues, may note it and take some actions,
while the holder's post and the first responder stay accountable and the
deadlines stay as they are.  Dispute tickets record how a mediation ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Joined:
    """A post invited to join a ticket, by whom, when and why; it works on the ticket until released."""

    post_id: str
    invited_by: str
    invited_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class Release:
    """An invitation ended: the post no longer works on the ticket."""

    post_id: str
    released_by: str
    released_at: datetime


class MediationOutcome(StrEnum):
    """How a mediation (调解) ended."""

    SUCCESS = "success"  # 调解成功
    PARTIAL = "partial"  # 部分达成
    FAILED = "failed"  # 未成功


# The outcomes that come with an agreement (调解协议), which must then be written down.
WITH_AGREEMENT = frozenset({MediationOutcome.SUCCESS, MediationOutcome.PARTIAL})
