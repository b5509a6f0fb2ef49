"""Organiser views for inviting delegates in bulk from a CSV file.

Upload (with the options for everyone) → preview (nothing written) → confirm
(every invitation written, or none). The rules live in invitations.bulk.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, TextAreaField
from wtforms.validators import AnyOf, Optional, ValidationError

from .. import PROJECT_ROOT
from ..agenda.imports import MAX_UPLOAD_BYTES, decode_upload
from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from ..forms import max_length, required
from ..i18n import _l
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender, Sector
from . import bp
from .bulk import (
    COLUMNS,
    LANGUAGES,
    MAX_MESSAGE_LENGTH,
    BulkOptions,
    BulkPlan,
    RowAction,
    apply_bulk,
    deadline_on,
    lock_and_plan,
    plan_bulk,
)
from .models import INVITATION_STATUS_LABELS
from .services import _check_respond_by, default_respond_by

EXAMPLE = PROJECT_ROOT / "docs" / "invitations-example.csv"


def strip(value):
    return value.strip() if isinstance(value, str) else value


class DayField(DateField):
    """A date (YYYY-MM-DD, as browsers send it) with a translated error."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter the date as YYYY-MM-DD.")) from None

    def _value(self) -> str:
        # A date input may only hold a valid date: an unreadable one is not shown again.
        return super()._value() if self.data else ""


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a CSV file.")),
        FileAllowed(["csv", "txt"], _l("Upload a .csv or .txt file.")),
    ])
    reserved_seat = BooleanField(_l("Reserve a seat for everyone invited"))
    respond_by = DayField(_l("Answer by (optional)"), validators=[Optional()])
    message = TextAreaField(_l("Personal message (optional)"), filters=[strip],
                            validators=[max_length(MAX_MESSAGE_LENGTH)])


class ConfirmForm(FlaskForm):
    # The CSV text and the options travel back as ordinary url-encoded fields;
    # everything is parsed and checked again on confirm, never trusted.
    text = HiddenField(validators=[required()])
    reserved_seat = HiddenField(default="", validators=[AnyOf(["", "y"])])
    respond_by = HiddenField(default="")
    message = HiddenField(default="", validators=[max_length(MAX_MESSAGE_LENGTH)])

    def validate_respond_by(self, field) -> None:
        if field.data:
            try:
                date.fromisoformat(field.data)
            except ValueError:
                raise ValidationError(_l("Enter the date as YYYY-MM-DD.")) from None


def _options(conference: Conference, reserved_seat: bool, day: date | None, message: str) -> BulkOptions:
    return BulkOptions(
        reserved_seat=reserved_seat,
        respond_by=deadline_on(conference, day) if day else None,
        message=(message or "").strip(),
    )


def _confirm_form(options: BulkOptions, plan: BulkPlan, day: date | None) -> ConfirmForm:
    return ConfirmForm(
        formdata=None, text=plan.text, reserved_seat="y" if options.reserved_seat else "",
        respond_by=day.isoformat() if day else "", message=options.message,
    )


def _render(conference: Conference, form: UploadForm, plan: BulkPlan | None = None,
            options: BulkOptions | None = None, confirm: ConfirmForm | None = None, status: int = 200):
    deadline = None
    if options is not None:
        deadline = options.respond_by or default_respond_by(conference)
    return render_template(
        "invitations/manage/import.html",
        conference=conference,
        active="invitations",
        form=form,
        plan=plan,
        options=options,
        deadline=deadline,
        confirm=confirm,
        columns=COLUMNS,
        actions=RowAction,
        status_labels=INVITATION_STATUS_LABELS,
        labels={"sector": SECTOR_LABELS, "gender": GENDER_LABELS},
        max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
        sector_values=", ".join(sector.value for sector in Sector),
        gender_values=", ".join(gender.value for gender in Gender),
        language_values=", ".join(LANGUAGES),
    ), status


def _check_deadline(conference: Conference, options: BulkOptions) -> str | None:
    try:
        _check_respond_by(conference, options.respond_by)
    except DomainError as error:
        return error.message
    return None


@bp.route("/manage/<slug>/invitations/import", methods=["GET", "POST"])
@login_required
def manage_import(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = UploadForm()
    if not form.validate_on_submit():
        return _render(conference, form, status=422 if form.errors else 200)
    options = _options(conference, form.reserved_seat.data, form.respond_by.data, form.message.data)
    if problem := _check_deadline(conference, options):
        form.respond_by.errors = [*form.respond_by.errors, problem]
        return _render(conference, form, status=422)
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors = [
            _("The file is too large: at most %(size)d MB.", size=MAX_UPLOAD_BYTES // (1024 * 1024))
        ]
        return _render(conference, form, status=422)
    try:
        text = decode_upload(data)
    except DomainError as error:
        form.file.errors = [error.message]
        return _render(conference, form, status=422)
    plan = plan_bulk(conference, text)
    confirm = _confirm_form(options, plan, form.respond_by.data) if plan.ok and plan.to_invite else None
    return _render(conference, form, plan, options, confirm, status=200 if plan.ok else 422)


@bp.post("/manage/<slug>/invitations/import/confirm")
@login_required
def manage_import_confirm(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    confirm = ConfirmForm()
    if not confirm.validate_on_submit():
        form = UploadForm(formdata=None)
        form.file.errors = [_("Upload the file again.")]
        return _render(conference, form, status=422)
    day = date.fromisoformat(confirm.respond_by.data) if confirm.respond_by.data else None
    options = _options(conference, confirm.reserved_seat.data == "y", day, confirm.message.data)
    # The upload form, filled in as it was, for uploading a corrected file.
    form = UploadForm(formdata=None, reserved_seat=options.reserved_seat, respond_by=day,
                      message=options.message)
    plan = lock_and_plan(conference, confirm.text.data)
    if plan.ok:
        try:
            result = apply_bulk(conference, plan, options, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            if error.field == "respond_by":
                form.respond_by.errors = [error.message]
            else:
                form.file.errors = [error.message]
            return _render(conference, form, plan_bulk(conference, confirm.text.data), options, status=422)
        db.session.commit()
        flash(_invited_message(result.invited, result.skipped), "success")
        return redirect(url_for("invitations.manage_list", slug=conference.slug), code=303)
    db.session.rollback()  # let go of the lock
    return _render(conference, form, plan, options, status=422)


def _invited_message(invited: int, skipped: int) -> str:
    if not invited:
        return ngettext("Nobody new to invite: the %(num)d person in the file was already invited.",
                        "Nobody new to invite: all %(num)d people in the file were already invited.",
                        skipped)
    message = ngettext("Invited %(num)d person.", "Invited %(num)d people.", invited)
    if skipped:
        message += " " + ngettext("%(num)d was already invited and was skipped.",
                                  "%(num)d were already invited and were skipped.", skipped)
    return message


@bp.get("/manage/<slug>/invitations/import/example.csv")
@login_required
def manage_import_example(slug: str):
    get_conference_or_404(slug, manage=True)
    response = current_app.response_class(EXAMPLE.read_bytes(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="invitations-example.csv"'
    return response
