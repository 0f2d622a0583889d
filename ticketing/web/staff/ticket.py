"""The ticket page: details, history and deadlines, with a form for each action the user may take now."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed, TicketingError
from ticketing.domain.org import Post
from ticketing.domain.permissions import ORDER
from ticketing.domain.workflow import Duration, DurationUnit
from ticketing.read import queues
from ticketing.read.queues import TicketView
from ticketing.web.context import now, service
from ticketing.web.errors import message_of, status_of
from ticketing.web.labels import ACTION_TITLES, CALLBACK_MEANS, POST_KINDS, term
from ticketing.web.nav import requires
from ticketing.web.photos import small_copy, uploads
from ticketing.web.staff.action_forms import (
    ACTION_FORMS,
    ActionForm,
    CallbackForm,
    ExtendForm,
    InviteForm,
    ReleaseForm,
    TransferForm,
)
from ticketing.web.staff.blueprint import bp
from ticketing.web.staff.help import AskHelpForm, ask_draft
from ticketing.web.staff.help import help_of as _help


def working_time(duration: Duration) -> str:
    """``2 working days``, ``1 working day 2 working hours``, ``30 working minutes``."""
    words = {
        DurationUnit.DAYS: lambda n: ngettext("%(num)d working day", "%(num)d working days", n),
        DurationUnit.HOURS: lambda n: ngettext("%(num)d working hour", "%(num)d working hours", n),
        DurationUnit.MINUTES: lambda n: ngettext("%(num)d working minute", "%(num)d working minutes", n),
    }
    return " ".join(words[unit](amount) for amount, unit in duration.parts)


def _view(number: str, refused: int) -> TicketView:
    """The ticket page's data; ``refused`` (404 or 403) when the ticket is outside the user's scope."""
    view = queues.ticket_view(service(), number, current_user.id, now())
    if not current_user.can_see(view.ticket):
        abort(refused)
    return view


PRIMARY = ("acknowledge", "callback", "approve_termination", "resolve", "mediate", "resume")
"""The one action a ticket page puts first, the first of these offered; the others wait in the menu."""


def _post_choice(view: TicketView, post: Post) -> SelectChoice:
    holders = " / ".join(view.person(holder) for holder in post.holders)
    return SelectChoice(post.id, f"{term(POST_KINDS, post.kind)} · {view.unit_name(post.unit_id)} — {holders}")


def _by_tier(view: TicketView, posts: list[Post]) -> dict[str | None, list[SelectChoice]]:
    """Transfer targets in groups, one per post kind: the ticket's chain tier by tier, then the community's others."""
    chain = [tier.post_kind for tier in view.spec.chain]
    kinds = sorted({post.kind for post in posts}, key=lambda k: (chain.index(k) if k in chain else len(chain), k))
    groups: dict[str | None, list[SelectChoice]] = {None: [SelectChoice("", _("— choose a post —"))]}
    for kind in kinds:
        label = term(POST_KINDS, kind)
        if kind in chain:
            label = _("Tier %(tier)d · %(post)s", tier=chain.index(kind) + 1, post=label)
        groups[label] = [_post_choice(view, post) for post in posts if post.kind is kind]
    return groups


def _action_form(action: str, view: TicketView, formdata: MultiDict[str, str] | None = None) -> ActionForm:
    """A fresh form showing the ticket's version, or the posted one."""
    data = None if formdata is not None else {"version": str(view.ticket.version)}
    form = ACTION_FORMS[action](formdata=formdata, data=data, prefix=action)
    if isinstance(form, TransferForm):
        form.target_post.choices = _by_tier(view, view.targets)
    if isinstance(form, InviteForm):
        form.post.choices = [SelectChoice("", _("— choose a post —")), *(_post_choice(view, p) for p in view.invitable)]
    if isinstance(form, ReleaseForm):
        joined = [post for entry in view.ticket.joined if (post := view.post(entry.post_id)) is not None]
        form.post.choices = [SelectChoice("", _("— choose a post —")), *(_post_choice(view, p) for p in joined)]
    if isinstance(form, CallbackForm):
        form.means.choices = [SelectChoice(m.value, term(CALLBACK_MEANS, m)) for m in view.means]
    if isinstance(form, ExtendForm):
        form.by.choices = [SelectChoice(str(d), working_time(d)) for d in view.extensions]
        if formdata is None and view.extensions:
            offered = [str(d) for d in view.extensions]
            form.by.data = "1d" if "1d" in offered else offered[0]
    return form


def _ticket_page(
    view: TicketView,
    failed: tuple[str, ActionForm] | None = None,
    message: str | None = None,
    status: int = 200,
    help_form: AskHelpForm | None = None,
) -> tuple[str, int]:
    """The page with a form for each action allowed now; a failed form keeps what was typed and its errors."""
    shown = [name for name in ORDER if name in view.actions or (failed and name == failed[0])]
    forms = {name: failed[1] if failed and name == failed[0] else _action_form(name, view) for name in shown}
    failed_action = failed[0] if failed else None
    primary = next((name for name in PRIMARY if name in forms), None)
    return (
        render_template(
            "staff/ticket.html",
            view=view,
            forms=forms,
            failed=failed_action,
            message=message,
            primary=primary,
            help=_help(view, help_form),
        ),
        status,
    )


@bp.get("/t/<ticket:number>")
@requires("staff")
def ticket(number: str) -> tuple[str, int]:
    """Details, history, deadlines and the actions I may take now."""
    return _ticket_page(_view(number, 404))


@bp.get("/t/<ticket:number>/photos/<int:photo_id>")
@requires("staff")
def photo(number: str, photo_id: int) -> Response:
    """A photo sent with the request (or taken on patrol), to whoever may see the ticket."""
    shown = _view(number, 404).photo(photo_id)
    return send_from_directory(uploads(), shown.file_name, mimetype=shown.content_type)


@bp.get("/t/<ticket:number>/photos/<int:photo_id>/small")
@requires("staff")
def small_photo(number: str, photo_id: int) -> Response:
    """A photo's thumbnail, to whoever may see the ticket (the photo itself if it has no small copy)."""
    shown = _view(number, 404).photo(photo_id)
    file_name, content_type = small_copy(shown.file_name, shown.content_type)
    return send_from_directory(uploads(), file_name, mimetype=content_type)


@bp.post("/t/<ticket:number>/<action>")
@requires("staff")
def act(number: str, action: str) -> ResponseReturnValue:
    """Apply one action; a refusal or a stale version re-shows the page with what was typed."""
    if action not in ACTION_FORMS:
        abort(404)
    view = _view(number, 404)
    form = _action_form(action, view, request.form)
    if not form.validate():
        return _ticket_page(view, (action, form), status=400)
    try:
        changed = service().act(
            view.ticket.number, action, current_user.id, now(), expected_version=int(form.version.data), **form.params()
        )
    except Conflict:
        view = _view(number, 404)
        form.version.data = str(view.ticket.version)
        message = _("Someone else changed this ticket — here is the current state.")
        return _ticket_page(view, (action, form), message=message, status=409)
    except (InvalidInput, NotAllowed) as error:
        form.form_errors.append(message_of(error))
        return _ticket_page(view, (action, form), status=status_of(error))
    flash(_("Done: %(action)s.", action=term(ACTION_TITLES, action)))
    if current_user.can_see(changed):
        return redirect(url_for(".ticket", number=changed.number))
    return redirect(url_for(".queue"))


@bp.post("/tickets/<ticket:number>/help")
@requires("staff")
def ask_help(number: str) -> ResponseReturnValue:
    """Ask the ticket's community for volunteer help: a need on its service list, linked to the ticket."""
    view = _view(number, 404)
    form = AskHelpForm(prefix="help")
    if not form.validate_on_submit():
        return _ticket_page(view, status=400, help_form=form)
    try:
        service().volunteering.ask_help(view.ticket.number, current_user.id, ask_draft(form), now())
    except TicketingError as error:
        form.form_errors.append(message_of(error))
        return _ticket_page(view, status=status_of(error), help_form=form)
    flash(_("Volunteer help asked for: the need is on the community's service list."))
    return redirect(url_for(".ticket", number=view.ticket.number) + "#help")
