"""Organiser views for importing people and sessions from a CSV file.

Upload → preview (nothing written) → confirm (everything written, or nothing).
The rules and the idempotency guard live in agenda.imports.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from .. import PROJECT_ROOT
from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from ..forms import required
from ..i18n import _l
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender, Sector
from . import bp
from .imports import (
    COLUMNS,
    KINDS,
    MAX_UPLOAD_BYTES,
    ROLE_COLUMNS,
    ImportPlan,
    RowError,
    apply_import,
    decode_upload,
    dry_run,
    plan_import,
)
from .models import ROLE_LABELS, SESSION_KIND_LABELS, SessionKind

KIND_CHOICES = [
    SelectChoice("people", _l("People (speakers, moderators…)")),
    SelectChoice("sessions", _l("Sessions")),
]
EXAMPLES = PROJECT_ROOT / "docs"


class ImportForm(FlaskForm):
    kind = RadioField(_l("What the file contains"), choices=KIND_CHOICES, default="people",
                      validators=[required()])
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a CSV file.")),
        FileAllowed(["csv", "txt"], _l("Upload a .csv or .txt file.")),
    ])


class ConfirmForm(FlaskForm):
    # The CSV text itself travels back (as an ordinary url-encoded field, which
    # Werkzeug does not cap like a multipart text part); it is parsed and checked
    # again on confirm, never trusted.
    kind = HiddenField(validators=[AnyOf(KINDS)])
    text = HiddenField(validators=[required()])


def _render(conference: Conference, form: ImportForm, plan: ImportPlan | None = None,
            status: int = 200, confirm: ConfirmForm | None = None):
    if plan is not None and plan.ok and confirm is None:
        confirm = ConfirmForm(formdata=None, kind=plan.kind, text=plan.text)
    return render_template(
        "agenda/manage/import.html",
        conference=conference,
        active="import",
        form=form,
        plan=plan,
        confirm=confirm,
        columns=COLUMNS,
        max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
        labels={"kind": SESSION_KIND_LABELS, "sector": SECTOR_LABELS, "gender": GENDER_LABELS},
        role_labels=[(column, ROLE_LABELS[role]) for column, role in ROLE_COLUMNS.items()],
        kind_values=", ".join(kind.value for kind in SessionKind),
        sector_values=", ".join(sector.value for sector in Sector),
        gender_values=", ".join(gender.value for gender in Gender),
    ), status


@bp.route("/manage/<slug>/import", methods=["GET", "POST"])
@login_required
def manage_import(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = ImportForm()
    if not form.validate_on_submit():
        return _render(conference, form, status=422 if form.errors else 200)
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors.append(
            _("The file is too large: at most %(size)d MB.", size=MAX_UPLOAD_BYTES // (1024 * 1024))
        )
        return _render(conference, form, status=422)
    try:
        text = decode_upload(data)
    except DomainError as error:
        form.file.errors.append(error.message)
        return _render(conference, form, status=422)
    plan = plan_import(conference, form.kind.data, text)
    dry_run(conference, plan, actor=current_user)
    return _render(conference, form, plan, status=200 if plan.ok else 422)


@bp.post("/manage/<slug>/import/confirm")
@login_required
def manage_import_confirm(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    confirm = ConfirmForm()
    form = ImportForm(formdata=None, kind=confirm.kind.data if confirm.kind.data in KINDS else "people")
    if not confirm.validate_on_submit():
        form.file.errors = [_("Upload the file again.")]
        return _render(conference, form, status=422)
    plan = plan_import(conference, confirm.kind.data, confirm.text.data)
    if plan.ok:
        try:
            count = apply_import(conference, plan, actor=current_user)
        except RowError as error:
            db.session.rollback()
            # Show every error, not only the first one that stopped the import.
            plan = dry_run(conference, plan_import(conference, plan.kind, plan.text), actor=current_user)
            if plan.ok:  # the rows changed meanwhile; show at least the error met
                row = plan.row_at(error.line)
                if row is not None:
                    row.error(error.column, error.message)
        except DomainError as error:
            db.session.rollback()
            plan.file_errors.append(error.message)
        else:
            db.session.commit()
            if plan.kind == "people":
                flash(ngettext("Imported %(num)d person.", "Imported %(num)d people.", count), "success")
            else:
                flash(ngettext("Imported %(num)d session.", "Imported %(num)d sessions.", count), "success")
            return redirect(_after_import_url(conference, plan.kind), code=303)
    else:
        dry_run(conference, plan, actor=current_user)
    return _render(conference, form, plan, status=422)


def _after_import_url(conference: Conference, kind: str) -> str:
    """The list of what was imported, where that page exists."""
    endpoint = "people.manage_list" if kind == "people" else "agenda.manage_list"
    if endpoint in current_app.view_functions:
        return url_for(endpoint, slug=conference.slug)
    return url_for("agenda.manage_import", slug=conference.slug)


@bp.get("/manage/<slug>/import/example/<kind>.csv")
@login_required
def manage_import_example(slug: str, kind: str):
    get_conference_or_404(slug, manage=True)
    if kind not in KINDS:
        abort(404)
    path = EXAMPLES / f"import-example-{kind}.csv"
    response = current_app.response_class(path.read_bytes(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="import-example-{kind}.csv"'
    return response
