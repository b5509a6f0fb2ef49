"""Organiser forms for registration: the settings, a question, moving a session
choice. Forms check shape; services (settings, questions, services) check rules."""
from __future__ import annotations

from datetime import datetime, time

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ..conferences.forms import strip
from ..conferences.models import REGISTRATION_MODE_LABELS, Conference, RegistrationMode
from ..forms import max_length
from ..i18n import _l
from .models import QUESTION_KIND_LABELS, QuestionKind, RegistrationQuestion

CHOICE_MESSAGE = _l("Choose one of the options.")
TIME_FORMATS = ["%H:%M", "%H.%M"]


def _day(label):
    return DateField(label, validators=[Optional()], invalid_value_message=_l("Enter a date such as 2026-11-20."))


def _clock(label):
    return TimeField(label, validators=[Optional()], format=TIME_FORMATS,
                     invalid_value_message=_l("Enter a time such as 17:00."))


class SettingsForm(FlaskForm):
    registration_mode = SelectField(
        _l("Who can register"),
        choices=[SelectChoice(mode.value, label) for mode, label in REGISTRATION_MODE_LABELS.items()],
        invalid_choice_message=CHOICE_MESSAGE,
    )
    opens_on = _day(_l("Opens on (day)"))
    opens_time = _clock(_l("Opens at (time)"))
    closes_on = _day(_l("Closes on (day)"))
    closes_time = _clock(_l("Closes at (time)"))
    registration_capacity = IntegerField(
        _l("Seats for attendees"),
        validators=[Optional(), NumberRange(min=1, message=_l("Use at least 1, or leave empty for no limit."))],
        invalid_value_message=_l("Enter a whole number."),
    )
    requires_approval = BooleanField(_l("Organisers approve each registration"))

    def fill(self, conference: Conference) -> None:
        self.registration_mode.data = conference.registration_mode.value
        for prefix, instant in (("opens", conference.registration_opens_at),
                                ("closes", conference.registration_closes_at)):
            if instant is not None:
                local = instant.astimezone(conference.zone)
                getattr(self, f"{prefix}_on").data = local.date()
                getattr(self, f"{prefix}_time").data = time(local.hour, local.minute)
        self.registration_capacity.data = conference.registration_capacity
        self.requires_approval.data = conference.registration_requires_approval

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for prefix in ("opens", "closes"):
            day, clock = getattr(self, f"{prefix}_on"), getattr(self, f"{prefix}_time")
            if clock.data is not None:  # "17.30" shows again as "17:30", what <input type=time> takes
                clock.raw_data = [clock.data.strftime("%H:%M")]
            if not (day.errors or clock.errors) and (day.data is None) != (clock.data is None):
                (day if day.data is None else clock).errors.append(_l("Give both the day and the time, or neither."))
                valid = False
        return valid

    def instant(self, prefix: str, conference: Conference) -> datetime | None:
        day, clock = getattr(self, f"{prefix}_on").data, getattr(self, f"{prefix}_time").data
        if day is None or clock is None:
            return None
        return datetime.combine(day, clock, tzinfo=conference.zone)

    @property
    def mode(self) -> RegistrationMode:
        return RegistrationMode(self.registration_mode.data)


class QuestionForm(FlaskForm):
    label_id = StringField(_l("Question (Indonesian)"), filters=[strip], validators=[max_length(300)])
    label_en = StringField(_l("Question (English)"), filters=[strip], validators=[max_length(300)])
    kind = SelectField(
        _l("Kind of answer"),
        choices=[SelectChoice(kind.value, label) for kind, label in QUESTION_KIND_LABELS.items()],
        invalid_choice_message=CHOICE_MESSAGE,
    )
    options = TextAreaField(_l("Options (choice questions: one per line)"), validators=[max_length(5000)])
    required = BooleanField(_l("An answer is required"))

    def fill(self, question: RegistrationQuestion) -> None:
        self.label_id.data, self.label_en.data = question.label_id, question.label_en
        self.kind.data = question.kind.value
        self.options.data = "\n".join(question.options or [])
        self.required.data = question.required

    def values(self) -> dict:
        return {"label_id": self.label_id.data or "", "label_en": self.label_en.data or "",
                "kind": QuestionKind(self.kind.data), "required": bool(self.required.data),
                "options": (self.options.data or "").splitlines()}
