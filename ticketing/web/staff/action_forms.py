"""The forms of the actions on a ticket, one per action the ticket page may offer."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ticketing.domain.cooperation import MediationOutcome
from ticketing.domain.guards import Satisfaction
from ticketing.web.labels import MEDIATION, SATISFACTION, lazy_term


class ActionForm(FlaskForm):
    """An action on a ticket; it carries the version the page showed, so a stale page is a conflict."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d+$")])

    def params(self) -> dict[str, Any]:
        """The action's parameters, as ``Ticketing.act`` names them."""
        return {field.short_name: field.data for field in self if field.short_name not in ("version", "csrf_token")}


class NoteForm(ActionForm):
    text = TextAreaField(_l("Note"), validators=[DataRequired(_l("Write the note."))])


class TransferForm(ActionForm):
    """The posts offered are the rules' transfer targets; any other is refused by the rules, naming what is allowed."""

    target_post = SelectField(
        _l("Pass it to"), validators=[DataRequired(_l("Choose the post to pass it to."))], validate_choice=False
    )
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Say why it goes there."))])


class PauseForm(ActionForm):
    reason = TextAreaField(_l("What it is waiting for"), validators=[DataRequired(_l("Say what it waits for."))])


class ResolveForm(ActionForm):
    resolution = TextAreaField(_l("What was done"), validators=[DataRequired(_l("Write what was done."))])


class ReferForm(ActionForm):
    body = StringField(_l("Competent body"), validators=[DataRequired(_l("Name the competent body.")), Length(max=200)])
    reason = TextAreaField(_l("Why it is outside our remit"))


class CallbackForm(ActionForm):
    """The means offered are those the ticket's contact allows (``rules.staff_means``); the rules refuse any other."""

    means = SelectField(_l("How"), validate_choice=False)
    reached = RadioField(
        _l("Did you reach the resident?"),
        choices=[SelectChoice("yes", _l("Reached")), SelectChoice("no", _l("Not reached"))],
        default="yes",
    )
    solved = RadioField(
        _l("Is the problem solved?"),
        choices=[SelectChoice("yes", _l("Solved")), SelectChoice("no", _l("Not solved"))],
        validators=[Optional()],
    )
    satisfaction = SelectField(
        _l("Satisfaction"),
        choices=[SelectChoice("", "—"), *(SelectChoice(v.value, lazy_term(SATISFACTION, v)) for v in Satisfaction)],
        validators=[Optional()],
        default="",
    )
    comment = TextAreaField(_l("Comment"))

    def params(self) -> dict[str, Any]:
        return {
            "means": self.means.data,
            "reached": self.reached.data == "yes",
            "solved": self.solved.data or None,
            "satisfaction": self.satisfaction.data or None,
            "comment": self.comment.data,
        }


class ReturnForm(ActionForm):
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Give the reason."))])


class ProposeTerminationForm(ActionForm):
    reason = TextAreaField(
        _l("Why it cannot be solved under law or policy"), validators=[DataRequired(_l("Give the reason."))]
    )


class RejectTerminationForm(ActionForm):
    reason = TextAreaField(_l("Why it must still be handled"), validators=[DataRequired(_l("Give the reason."))])


class ExtendForm(ActionForm):
    """The extensions offered are those the rules allow at the ticket's tier; the rules refuse any other."""

    by = SelectField(_l("Extend by"), validate_choice=False)
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Give the reason for the extension."))])


class InviteForm(ActionForm):
    """The posts offered are the community's posts that may join (the police post first); the rules refuse others."""

    post = SelectField(
        _l("Post to invite"), validators=[DataRequired(_l("Choose the post to invite."))], validate_choice=False
    )
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Say why they should join."))])


class ReleaseForm(ActionForm):
    post = SelectField(
        _l("Joined post"), validators=[DataRequired(_l("Choose the post to release."))], validate_choice=False
    )


class MediateForm(ActionForm):
    outcome = RadioField(
        _l("How did the mediation end?"),
        choices=[SelectChoice(item.value, lazy_term(MEDIATION, item)) for item in MediationOutcome],
        validators=[InputRequired(_l("Choose how it ended."))],
    )
    agreement = TextAreaField(_l("Agreement reached (required unless it failed)"))


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "acknowledge": ActionForm,
    "note": NoteForm,
    "transfer": TransferForm,
    "pause": PauseForm,
    "resume": ActionForm,
    "resolve": ResolveForm,
    "refer": ReferForm,
    "callback": CallbackForm,
    "return_to_resident": ReturnForm,
    "propose_termination": ProposeTerminationForm,
    "approve_termination": ActionForm,
    "reject_termination": RejectTerminationForm,
    "extend": ExtendForm,
    "invite": InviteForm,
    "release": ReleaseForm,
    "mediate": MediateForm,
}
