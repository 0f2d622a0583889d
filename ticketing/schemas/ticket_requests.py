"""What the staff API takes about tickets: a new request, each action's fields, and the list's filters."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from ticketing.domain.cooperation import MediationOutcome
from ticketing.domain.field_rules import (
    ADDRESS,
    BODY,
    DESCRIPTION,
    EMAIL,
    MAX_PAGE,
    MAX_WORKING_TIME,
    NAME,
    PHONE,
    TEXT,
    WORKING_TIME,
    TextRule,
)
from ticketing.domain.guards import Satisfaction
from ticketing.domain.rules.callback import STAFF_MEANS
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.schemas.base import Request
from ticketing.schemas.fields import IDENTIFIER, Mismatch, boolean, choice, integer, mismatch, runtime_choice, text

CATEGORIES, STATES = "categories", "states"  # runtime choices: the loaded workflows' categories and states
Category = Annotated[str, runtime_choice(CATEGORIES)]
State = Annotated[str | None, runtime_choice(STATES)]
Description = Annotated[str, text(DESCRIPTION)]
Name = Annotated[str | None, text(NAME, required=False)]
Email = Annotated[str | None, text(EMAIL, required=False)]
StaffChannel = Annotated[
    str, choice([c.value for c in (Channel.WALK_IN, Channel.PHONE, Channel.PATROL, Channel.ON_BEHALF)])
]
MaybePhone = Annotated[str | None, text(PHONE, required=False)]
MaybeNotifyBy = Annotated[str | None, choice([way.value for way in ResidentChannel])]
Identifier = Annotated[str, text(IDENTIFIER)]
MaybeIdentifier = Annotated[str | None, text(IDENTIFIER, required=False)]
Address = Annotated[str | None, text(ADDRESS, required=False)]
Text = Annotated[str, text(TEXT)]
MaybeText = Annotated[str | None, text(TEXT, required=False)]
Body = Annotated[str, text(BODY)]
Verdict = Annotated[str | None, choice([s.value for s in Satisfaction], nullable=True)]
Mediated = Annotated[str, choice([outcome.value for outcome in MediationOutcome])]
WorkingTime = Annotated[
    str, text(TextRule(MAX_WORKING_TIME, WORKING_TIME, "a working time such as 2天, 3小时, 30分钟, 2d, 3h or 30m"))
]
Version = Annotated[int, integer(minimum=1)]
Reached = Annotated[bool, boolean()]
Solved = Annotated[bool | None, boolean()]
Means = Annotated[str, choice([means.value for means in STAFF_MEANS])]
Flag = Annotated[bool, boolean(query=True)]
MaybeFlag = Annotated[bool | None, boolean(query=True)]
Limit = Annotated[int, integer(minimum=1, maximum=100, query=True)]
PageNumber = Annotated[int, integer(minimum=1, maximum=MAX_PAGE, query=True)]
Cursor = Annotated[str | None, text(TextRule(200), required=False)]


def chosen(way: ResidentChannel) -> JsonDict:
    """The JSON Schema condition "notify_by is ``way``"."""
    return {"properties": {"notify_by": {"const": way.value}}, "required": ["notify_by"]}


NEEDS = {ResidentChannel.EMAIL: "contact_email", ResidentChannel.SMS: "contact_phone"}  # what each way reaches


class NewTicket(Request):
    """A request a staff member registers: a resident's by phone, at the desk or on their behalf (代办), or one
    found on patrol (巡查发现, no resident); give `location_id` or `address`."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [{"required": ["location_id"]}, {"required": ["address"]}],
            "allOf": [{"if": chosen(way), "then": {"required": [field]}} for way, field in NEEDS.items()],
        }
    )

    category: Category = Field(description="The request's category.")
    description: Description = Field(description="What the problem is.")
    contact_phone: MaybePhone = Field(
        None, description="The resident's phone, if they gave one (required when notify_by is sms; none on patrol)."
    )
    contact_name: Name = Field(None, description="The resident's name.")
    contact_email: Email = Field(None, description="The resident's e-mail address.")
    notify_by: MaybeNotifyBy = Field(
        None,
        description="How the resident hears that the request was resolved and closed: sms to contact_phone, "
        "email to contact_email (each then required), or none. Default: sms when a phone is given, else email "
        "when an address is given, else none; a patrol report has no resident to tell (none).",
    )
    channel: StaffChannel = Field(
        Channel.WALK_IN.value,
        description="How the request came in: walk_in, phone, on_behalf (代办: filed for a resident, their contact "
        "optional) or patrol (巡查发现: found on patrol; no resident, so no contact and notify_by none).",
    )
    location_id: MaybeIdentifier = Field(None, description="A building, street segment or shop id; or give `address`.")
    address: Address = Field(None, description="The address, when the place has no id.")

    @model_validator(mode="before")
    @classmethod
    def _place_and_address(cls, data: Any) -> Any:
        """The schema's ``anyOf`` and ``if``/``then``: a place, and the phone or address the chosen way reaches."""
        if isinstance(data, dict):
            if "location_id" not in data and "address" not in data:
                mismatch(Mismatch.REQUIRED_WITH, "give location_id or address", field="location_id")
            for way, field in NEEDS.items():
                if data.get("notify_by") == way.value and field not in data:
                    mismatch(Mismatch.REQUIRED_WITH, f"required when notify_by is {way.value}", field=field)
        return data


class Action(Request):
    version: Version = Field(
        description="The ticket version you read; if the ticket changed since, the action is refused with 409."
    )


class AcknowledgeAction(Action):
    pass


class NoteAction(Action):
    text: Text = Field(description="The note.")


class TransferAction(Action):
    target_post: Identifier = Field(description="The post to pass it to (see transfer_targets).")
    reason: Text = Field(description="Why.")


class PauseAction(Action):
    reason: Text = Field(description="What the ticket is waiting for.")


class ResumeAction(Action):
    pass


class ResolveAction(Action):
    resolution: Text = Field(description="What was done.")


class ReferAction(Action):
    body: Body = Field(description="The competent body the resident is referred to.")
    reason: MaybeText = Field(None, description="Why it is outside the community's remit.")


class CallbackAction(Action):
    means: Means = Field(
        "phone",
        description="How: phone (needs the resident's phone), visit (上门回访, the first responder only), or none "
        "(nobody to reach: the handler's result was checked; no satisfaction).",
    )
    reached: Reached = Field(True, description="Whether the resident was reached (unreached attempts are spaced).")
    solved: Solved = Field(None, description="Whether the problem is solved (问题是否解决), when reached or checked.")
    satisfaction: Verdict = Field(None, description="The resident's verdict, when reached (not with means none).")
    comment: MaybeText = Field(None, description="What the resident said.")


class ExtendAction(Action):
    by: WorkingTime = Field(
        description="Working time to add: working days, hours or minutes, e.g. 2天, 3小时, 30分钟, 1天2小时, 2d, 3h, "
        "30m; at most the tier's "
        "`max_extension` (default: its resolve time), else 400."
    )
    reason: Text = Field(description="Why the deadline is extended.")


class ReturnAction(Action):
    reason: Text = Field(description="Why the request goes back to the resident.")


class InviteAction(Action):
    post: Identifier = Field(description="The post of the ticket's community to invite (see invite_targets).")
    reason: Text = Field(description="Why it should join.")


class ReleaseAction(Action):
    post: Identifier = Field(description="The joined post whose invitation ends.")


class MediateAction(Action):
    outcome: Mediated = Field(description="How the mediation ended: success (调解成功), partial (部分达成), failed.")
    agreement: MaybeText = Field(
        None,
        description="The agreement reached (调解协议); required for success and partial, never shown to residents.",
    )


class ProposeTerminationAction(Action):
    reason: Text = Field(description="Why the request cannot be solved under law or policy.")


class ApproveTerminationAction(Action):
    pass


class RejectTerminationAction(Action):
    reason: Text = Field(description="Why the request must still be handled.")


ACTIONS: dict[str, tuple[type[Action], str]] = {
    "acknowledge": (
        AcknowledgeAction,
        "Acknowledge (签收): a holder of the ticket's post takes it; the first one becomes first responder",
    ),
    "note": (NoteAction, "Add a note (holders, the first responder, supervisors)"),
    "transfer": (TransferAction, "Transfer (转办) to another post of the chain or the community"),
    "pause": (PauseAction, "Pause the clock while waiting for something (holders)"),
    "resume": (ResumeAction, "Resume a paused ticket with the working time it had left (holders)"),
    "resolve": (ResolveAction, "Resolve (holders); the first responder then calls the resident back"),
    "refer": (ReferAction, "Refer (转介) to a competent body outside the community's remit (holders)"),
    "callback": (
        CallbackAction,
        "Record the callback (回访): the holders of the workflow's callback post (by default the first responder "
        "and their post's other holder); a visit only the first responder",
    ),
    "extend": (ExtendAction, "Extend (延期) the running deadline, before it passes (supervisors)"),
    "return_to_resident": (
        ReturnAction,
        "Send the request back to the resident (不予受理): the first responder only, or the post's holders before "
        "there is one",
    ),
    "invite": (
        InviteAction,
        "Invite another post of the community to join (协同); the holder and first responder stay accountable",
    ),
    "release": (ReleaseAction, "End a joined post's invitation (whoever may invite)"),
    "mediate": (
        MediateAction,
        "Record how a dispute's mediation ended (the handler or a joined community police holder)",
    ),
    "propose_termination": (
        ProposeTerminationAction,
        "Propose 诉求终结 with a reason (holders, while the ticket is handled)",
    ),
    "approve_termination": (ApproveTerminationAction, "Approve a proposed 诉求终结: the ticket ends (supervisors)"),
    "reject_termination": (RejectTerminationAction, "Reject a proposed 诉求终结 with a reason (supervisors)"),
}
"""Each action's body and summary."""


class TicketQuery(Request):
    state: State = Field(None, description="Only tickets in this state.")
    post: MaybeIdentifier = Field(None, description="Only tickets at this post.")
    holder: MaybeIdentifier = Field(None, description="Only tickets held by this staff member.")
    first_responder: MaybeIdentifier = Field(None, description="Only tickets this staff member is first responder for.")
    community: MaybeIdentifier = Field(None, description="Only tickets of this community.")
    overdue: MaybeFlag = Field(None, description="Only overdue (true) or not overdue (false) tickets.")
    open: Flag = Field(False, description="Only open tickets (true).")
    limit: Limit = Field(25, description="Tickets per page.")
    cursor: Cursor = Field(None, description="`next_cursor` of the previous page.")


class PageQuery(Request):
    page: PageNumber = Field(1, description="Page number.")


class NoQuery(Request):
    """No query parameters."""
