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
from ticketing.read.source import current_organisation
from ticketing.services.organisation import HolderProblems, change_holders
from ticketing.web.admin.blueprint import HOLDER_MESSAGES, bp, strip
from ticketing.web.context import now, service
from ticketing.web.labels import POST_KINDS, term
from ticketing.web.nav import requires


def rehomed_text(count: int) -> str:
    return ngettext(
        "%(num)d open ticket passed to the new holders of its post.",
        "%(num)d open tickets passed to the new holders of their posts.",
        count,
    )


MAX_MORE_HOLDERS = 8


def holders_text(where: str, before: tuple[str, str], after: tuple[str, str], names: dict[str, str]) -> str:
    """``1号楼 楼长: A is now 张三 (was 李四), B stays 王五.``: the change in names, never in ids."""
    (old_a, old_b), (new_a, new_b) = before, after
    a = (
        _("A stays %(name)s", name=names.get(new_a, new_a))
        if new_a == old_a
        else _("A is now %(name)s (was %(old)s)", name=names.get(new_a, new_a), old=names.get(old_a, old_a))
    )
    b = (
        _("B stays %(name)s", name=names.get(new_b, new_b))
        if new_b == old_b
        else _("B is now %(name)s (was %(old)s)", name=names.get(new_b, new_b), old=names.get(old_b, old_b))
    )
    return _("%(post)s: %(a)s; %(b)s.", post=where, a=a, b=b)


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
        names = dict(detail.staff)
        canonical = current_organisation(service()).staff_id_for
        holders = (canonical(form.holder_a.data), canonical(form.holder_b.data))
        further = [canonical(typed) for typed in form.further()]
        try:
            summary = change_holders(service(), post_id, *holders, now(), current_user.id, further)
        except HolderProblems as problems:
            for name, code in problems.fields.items():
                form[name].errors.append(HOLDER_MESSAGES[code])
        else:
            where = _("%(unit)s %(post)s", unit=detail.unit.name, post=term(POST_KINDS, post.kind))
            flash(holders_text(where, (post.holder_a, post.holder_b), holders, names))
            if further:
                flash(_("After B, in order: %(holders)s.", holders=", ".join(names.get(h, h) for h in further)))
            if summary.rehomed:
                flash(rehomed_text(summary.rehomed))
            return redirect(url_for(".organisation", community=detail.community_id, _anchor=post_id))
    page = render_template("admin/holders.html", detail=detail, form=form, staff=detail.staff)
    return (page, 400) if form.errors else page
