"""Organiser forms for invitations and their categories. Forms check shape
(required fields, an e-mail address, a complete deadline); the services in
invitations.services check the rules (duplicates, quotas, a future deadline)."""
from __future__ import annotations

from datetime import datetime, time

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from ..agenda.models import ROLE_LABELS, AgendaSession, RoleKind
from ..conferences.forms import optional_int, strip
from ..conferences.models import Conference
from ..forms import email_address, max_length, required
from ..i18n import LANGUAGE_NAMES, _l, format_datetime_local
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender, Sector
from .models import INVITABLE_ROLES, InvitationCategory, InvitationKind

CHOICE_MESSAGE = _l("Choose one of the options.")
TIME_FORMATS = ["%H:%M", "%H.%M"]


def _deadline_fields():
    day = DateField(_l("Answer by (day)"), validators=[Optional()],
                    invalid_value_message=_l("Enter a date such as 2026-11-20."))
    clock = TimeField(_l("Answer by (time)"), validators=[Optional()], format=TIME_FORMATS,
                      invalid_value_message=_l("Enter a time such as 17:00."))
    return day, clock


class DeadlineMixin:
    """An answer deadline typed as a day and a time in the conference's zone.
    The date field is called `respond_by` so the services' errors land next to it."""

    def fill_deadline(self, deadline: datetime, conference: Conference) -> None:
        local = deadline.astimezone(conference.zone)
        self.respond_by.data = local.date()
        self.respond_by_time.data = time(local.hour, local.minute)

    def deadline_complete(self, needed: bool) -> bool:
        """Both parts, or (unless `needed`) neither; appends the error otherwise."""
        day, clock = self.respond_by, self.respond_by_time
        if day.errors or clock.errors:
            return False
        if (day.data is None) != (clock.data is None) or (needed and day.data is None):
            target = day if day.data is None else clock
            target.errors.append(_l("Give the day and the time of the deadline."))
            return False
        return True

    def deadline(self, conference: Conference) -> datetime | None:
        if self.respond_by.data is None or self.respond_by_time.data is None:
            return None
        return datetime.combine(self.respond_by.data, self.respond_by_time.data, tzinfo=conference.zone)


class InviteForm(DeadlineMixin, FlaskForm):
    """One invitation; speaker or delegate (the view says which with `setup`)."""

    honorific = StringField(_l("Honorific (e.g. Dr., H., Ibu)"), filters=[strip],
                            validators=[max_length(40)])
    full_name = StringField(_l("Full name"), filters=[strip], validators=[required(), max_length(200)])
    email = EmailField(_l("E-mail address"), filters=[strip],
                       validators=[required(), email_address(), max_length(254)])
    position = StringField(_l("Position"), filters=[strip], validators=[max_length(200)])
    organisation = StringField(_l("Organisation"), filters=[strip], validators=[max_length(200)])
    sector = SelectField(
        _l("Sector"), choices=[SelectChoice(s.value, label) for s, label in SECTOR_LABELS.items()],
        default=Sector.OTHER.value, invalid_choice_message=CHOICE_MESSAGE,
    )
    gender = SelectField(
        _l("Gender (optional)"),
        choices=[SelectChoice(g.value, label) for g, label in GENDER_LABELS.items()],
        default=Gender.NOT_STATED.value, invalid_choice_message=CHOICE_MESSAGE,
    )
    language = SelectField(
        _l("Language of the invitation"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        default="id", invalid_choice_message=CHOICE_MESSAGE,
    )
    category = SelectField(_l("Category"), coerce=optional_int, invalid_choice_message=CHOICE_MESSAGE)
    session = SelectField(_l("Session"), coerce=optional_int, invalid_choice_message=CHOICE_MESSAGE)
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in INVITABLE_ROLES],
        default=RoleKind.SPEAKER.value, invalid_choice_message=CHOICE_MESSAGE,
    )
    reserved_seat = BooleanField(_l("Reserve a seat (even when registration is full or closed)"))
    respond_by, respond_by_time = _deadline_fields()
    message = TextAreaField(_l("Personal message (optional)"), filters=[strip],
                            validators=[max_length(5000)])

    kind: InvitationKind = InvitationKind.DELEGATE

    def setup(self, kind: InvitationKind, categories: list[InvitationCategory],
              sessions: list[AgendaSession], conference: Conference) -> InviteForm:
        self.kind = kind
        self.category.choices = [SelectChoice("", _l("No category"))] + [
            SelectChoice(str(c.id), c.name if c.quota is None else
                         _l("%(name)s (quota %(quota)d)", name=c.name, quota=c.quota))
            for c in categories
        ]
        self.session.choices = [SelectChoice("", _l("Choose a session"))] + [
            SelectChoice(str(s.id), session_label(s, conference)) for s in sessions
        ]
        # Only the fields of this kind are read (and shown).
        if kind is InvitationKind.SPEAKER:
            self.session.flags.required = True
            del self.reserved_seat
        else:
            del self.session
            del self.role
        return self

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        valid = self.deadline_complete(needed=False) and valid
        if self.kind is InvitationKind.SPEAKER and not self.session.errors and self.session.data is None:
            self.session.errors.append(_l("Choose the session."))
            valid = False
        return valid

    def invitee_fields(self) -> dict:
        """The fields for services.Invitee."""
        return {
            "email": self.email.data or "",
            "full_name": self.full_name.data or "",
            "honorific": self.honorific.data or "",
            "position": self.position.data or "",
            "organisation": self.organisation.data or "",
            "sector": Sector(self.sector.data),
            "gender": Gender(self.gender.data),
            "language": self.language.data,
        }


def session_label(session: AgendaSession, conference: Conference) -> str:
    """"10 Mar 2026 09.00 WIB · Title", so organisers pick the right one of similar titles."""
    if session.starts_at is None:
        return f"{_l('Not scheduled')} · {session.local('title')}"
    return f"{format_datetime_local(session.starts_at, conference.timezone)} · {session.local('title')}"


class DeadlineForm(DeadlineMixin, FlaskForm):
    respond_by, respond_by_time = _deadline_fields()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.deadline_complete(needed=True) and valid


ACCEPT = "accept"
DECLINE = "decline"


class RecordAnswerForm(FlaskForm):
    """An answer the invitee gave another way (e.g. by phone)."""

    answer = RadioField(
        _l("Their answer"),
        choices=[SelectChoice(ACCEPT, _l("Accepted")), SelectChoice(DECLINE, _l("Declined"))],
        validators=[InputRequired(message=_l("Choose accepted or declined."))],
        invalid_choice_message=CHOICE_MESSAGE,
    )
    note = TextAreaField(_l("Note (e.g. “told us by phone on Monday”)"), filters=[strip],
                         validators=[max_length(2000)])


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[required(), max_length(120)])
    quota = IntegerField(
        _l("Quota (acceptances)"),
        validators=[Optional(), NumberRange(min=1, message=_l("A quota must be at least 1."))],
        invalid_value_message=_l("Enter a whole number."),
    )
