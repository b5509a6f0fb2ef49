"""Forms of the speaker's pages and of the organisers' speakers' checklist."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, Optional, ValidationError

from ..forms import max_length
from ..i18n import _l


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """A button (CSRF only)."""


class DeclineForm(FlaskForm):
    message = TextAreaField(_l("A message for the organisers (optional)"), filters=[strip],
                            validators=[max_length(2000)])


class TaskDoneForm(FlaskForm):
    done = HiddenField(validators=[AnyOf(["0", "1"])])


class TaskForm(FlaskForm):
    title_id = StringField(_l("Title (Indonesian)"), filters=[strip], validators=[max_length(300)])
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[max_length(300)])
    details_id = TextAreaField(_l("Details (Indonesian)"), filters=[strip], validators=[max_length(5000)])
    details_en = TextAreaField(_l("Details (English)"), filters=[strip], validators=[max_length(5000)])
    due_on = DateField(_l("Due date (optional)"), validators=[Optional()])

    def validate_title_id(self, field) -> None:
        if not field.data and not self.title_en.data:
            raise ValidationError(_l("Give a title in at least one language."))

    def values(self) -> dict:
        return {"title_id": self.title_id.data or "", "title_en": self.title_en.data or "",
                "details_id": self.details_id.data or "", "details_en": self.details_en.data or "",
                "due_on": self.due_on.data}
