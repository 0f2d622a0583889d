"""The organisation, one community at a time, and changing who holds a post."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ticketing.read.admin import organisation_view, post_detail
from ticketing.services.organisation import HolderProblems, change_holders
from ticketing.web.admin.blueprint import HOLDER_MESSAGES, bp, strip
from ticketing.web.context import now, service
from ticketing.web.nav import requires


def rehomed_text(count: int) -> str:
    return ngettext(
        "%(num)d open ticket passed to the new holders of its post.",
        "%(num)d open tickets passed to the new holders of their posts.",
        count,
    )


class HoldersForm(FlaskForm):
    holder_a = StringField(validators=[DataRequired(), Length(max=64)], filters=[strip])
    holder_b = StringField(validators=[DataRequired(), Length(max=64)], filters=[strip])


@bp.get("/organisation")
@requires("admin")
def organisation() -> str:
    """One community at a time: every post with its A and B holders, its hours, and who is away."""
    view = organisation_view(service(), request.args.get("community") or None, now())
    return render_template("admin/organisation.html", view=view, now=now())


@bp.route("/posts/<post_id>/holders", methods=["GET", "POST"])
@requires("admin")
def holders(post_id: str) -> str | Response | tuple[str, int]:
    """Change who holds a post (A and B); its open tickets pass to the new holders at once."""
    detail = post_detail(service(), post_id, now())
    post = detail.view.post
    form = HoldersForm(data={"holder_a": post.holder_a, "holder_b": post.holder_b})
    if form.validate_on_submit():
        try:
            summary = change_holders(service(), post_id, form.holder_a.data, form.holder_b.data, now(), current_user.id)
        except HolderProblems as problems:
            for name, code in problems.fields.items():
                form[name].errors.append(HOLDER_MESSAGES[code])
        else:
            flash(_("%(post)s: A is now %(a)s, B %(b)s.", post=post_id, a=form.holder_a.data, b=form.holder_b.data))
            if summary.rehomed:
                flash(rehomed_text(summary.rehomed))
            return redirect(url_for(".organisation", community=detail.community_id, _anchor=post_id))
    page = render_template("admin/holders.html", detail=detail, form=form, staff=detail.staff)
    return (page, 400) if form.errors else page
