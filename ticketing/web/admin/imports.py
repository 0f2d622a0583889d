"""Importing the registry: organisation files and rosters, uploaded together."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileRequired, FileSize, MultipleFileField

from ticketing.domain.errors import OrgFileError
from ticketing.organisation.data import ORG_SUFFIXES, ROSTER_SUFFIXES
from ticketing.services.organisation import import_uploads
from ticketing.web.admin.blueprint import bp
from ticketing.web.context import now, service
from ticketing.web.nav import requires

MAX_UPLOAD = 2 * 1024 * 1024
UPLOAD_SUFFIXES = sorted(suffix.lstrip(".") for suffix in ORG_SUFFIXES | ROSTER_SUFFIXES)


class ImportForm(FlaskForm):
    files = MultipleFileField(
        validators=[
            FileRequired(_l("Choose at least one file.")),
            FileAllowed(UPLOAD_SUFFIXES, _l("Only .yaml, .yml, .toml, .csv and .xlsx files can be imported.")),
            FileSize(MAX_UPLOAD, message=_l("Each file may be at most 2 MB.")),
        ]
    )


@bp.route("/import", methods=["GET", "POST"])
@requires("admin")
def import_files() -> str | tuple[str, int]:
    """Upload organisation files and rosters; all are applied in one transaction, or none."""
    form = ImportForm()
    summary, problems = None, []
    if form.validate_on_submit():
        try:
            uploads = [(f.filename or "", f.stream) for f in form.files.data]
            summary = import_uploads(service(), uploads, now(), current_user.id)
        except OrgFileError as error:
            problems = error.problems
    page = render_template("admin/import.html", form=form, summary=summary, problems=problems)
    return (page, 400) if form.errors or problems else page
