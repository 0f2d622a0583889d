"""The organisation, one community at a time, and changing who holds a post."""

from __future__ import annotations

import re

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


MAX_MORE_HOLDERS = 8


class HoldersForm(FlaskForm):
    holder_a = StringField(validators=[DataRequired(), Length(max=64)], filters=[strip])
    holder_b = StringField(validators=[DataRequired(), Length(max=64)], filters=[strip])
    more_holders = StringField(validators=[Length(max=(64 + 1) * MAX_MORE_HOLDERS)], filters=[strip])

    def further(self) -> list[str]:
        """The staff numbers after B, in the order written (spaces or commas between them)."""
        return [part for part in re.split(r"[\s,，、]+", self.more_holders.data or "") if part]


@bp.get("/organisation")
@requires("admin")
def organisation() -> str:
    """One community at a time: every post with its A and B holders, its hours, and who is away."""
    view = organisation_view(service(), request.args.get("community") or None, now())
    return render_template("admin/organisation.html", view=view, now=now())


@bp.route("/posts/<post_id>/holders", methods=["GET", "POST"])
@requires("admin")
def holders(post_id: str) -> str | Response | tuple[str, int]:
    """Change who holds a post (A, B and any after B); its open tickets pass to the new holders at once."""
    detail = post_detail(service(), post_id, now())
    post = detail.view.post
    current = {"holder_a": post.holder_a, "holder_b": post.holder_b, "more_holders": " ".join(post.more_holders)}
    form = HoldersForm(data=current)
    if form.validate_on_submit():
        try:
            holders = (form.holder_a.data, form.holder_b.data)
            summary = change_holders(service(), post_id, *holders, now(), current_user.id, form.further())
        except HolderProblems as problems:
            for name, code in problems.fields.items():
                form[name].errors.append(HOLDER_MESSAGES[code])
        else:
            flash(_("%(post)s: A is now %(a)s, B %(b)s.", post=post_id, a=form.holder_a.data, b=form.holder_b.data))
            if form.further():
                flash(_("After B, in order: %(holders)s.", holders=", ".join(form.further())))
            if summary.rehomed:
                flash(rehomed_text(summary.rehomed))
            return redirect(url_for(".organisation", community=detail.community_id, _anchor=post_id))
    page = render_template("admin/holders.html", detail=detail, form=form, staff=detail.staff)
    return (page, 400) if form.errors else page
