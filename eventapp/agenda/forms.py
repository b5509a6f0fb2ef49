"""Organiser forms for sessions and the people in them. Forms check shape
(a title, complete times, numbers); the services check the rules."""
from __future__ import annotations

from datetime import date, datetime, time

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ..conferences.models import Conference
from ..forms import email_address, max_length, required
from ..i18n import _l
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender, Sector
from .models import ROLE_LABELS, SESSION_KIND_LABELS, RoleKind, SessionKind

CHOICE_MESSAGE = _l("Choose one of the options.")


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.value, ROLE_LABELS[kind]) for kind in RoleKind]


def conference_days(conference: Conference) -> list[date]:
    from datetime import timedelta

    days = (conference.ends_on - conference.starts_on).days + 1
    return [conference.starts_on + timedelta(days=n) for n in range(days)]


class SessionForm(FlaskForm):
    title_id = StringField(_l("Title (Indonesian)"), validators=[max_length(300)])
    title_en = StringField(_l("Title (English)"), validators=[max_length(300)])
    abstract_id = TextAreaField(_l("Abstract (Indonesian)"), validators=[max_length(5000)])
    abstract_en = TextAreaField(_l("Abstract (English)"), validators=[max_length(5000)])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in SESSION_KIND_LABELS.items()],
        default=SessionKind.PARALLEL.value,
        invalid_choice_message=CHOICE_MESSAGE,
    )
    sub_theme = SelectField(_l("Sub-theme"), invalid_choice_message=CHOICE_MESSAGE)
    room = SelectField(_l("Room"), invalid_choice_message=CHOICE_MESSAGE)
    spans_all_rooms = BooleanField(_l("Takes every room (opening, plenary, break or closing only)"))
    day = SelectField(_l("Day"), invalid_choice_message=CHOICE_MESSAGE)
    starts_at = TimeField(
        _l("Start time"), validators=[Optional()], format=["%H:%M", "%H.%M"],
        invalid_value_message=_l("Enter a time such as 09:30."),
    )
    ends_at = TimeField(
        _l("End time"), validators=[Optional()], format=["%H:%M", "%H.%M"],
        invalid_value_message=_l("Enter a time such as 10:30."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, message=_l("Capacity must be a positive number."))],
        invalid_value_message=_l("Enter a whole number."),
    )
    client_token = HiddenField()
    version = HiddenField()

    def setup(self, conference: Conference) -> SessionForm:
        """The choices that depend on the conference: its sub-themes, rooms by venue, days."""
        from ..i18n import format_day

        self.sub_theme.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(theme.id), f"{theme.code} · {theme.local('title')}")
            for theme in conference.sub_themes
        ]
        self.room.choices = [SelectChoice("", _l("No room yet"))] + [
            SelectChoice(str(room.id), room.name, optgroup=venue.name)
            for venue in conference.venues
            for room in venue.rooms
        ]
        self.day.choices = [SelectChoice("", _l("Not scheduled"))] + [
            SelectChoice(day.isoformat(), format_day(day)) for day in conference_days(conference)
        ]
        return self

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not ((self.title_id.data or "").strip() or (self.title_en.data or "").strip()):
            self.title_id.errors.append(_l("Give the session a title in at least one language."))
            valid = False
        parts = (self.day, self.starts_at, self.ends_at)
        given = [f for f in parts if f.raw_data and f.raw_data[0].strip()]
        if given and len(given) < len(parts):
            for f in parts:
                if f not in given and not f.errors:
                    f.errors.append(_l("Give the day, start and end time, or none of them."))
            valid = False
        return valid

    # --- to and from the model -------------------------------------------------

    def times(self, conference: Conference) -> tuple[datetime | None, datetime | None]:
        """Aware instants in the conference's zone, or (None, None) when unscheduled."""
        if not self.day.data or self.starts_at.data is None or self.ends_at.data is None:
            return None, None
        day = date.fromisoformat(self.day.data)
        zone = conference.zone
        return (
            datetime.combine(day, self.starts_at.data, tzinfo=zone),
            datetime.combine(day, self.ends_at.data, tzinfo=zone),
        )

    def fill_from(self, session) -> None:
        """GET of the edit page: the session's values, times in the conference's zone."""
        for name in ("title_id", "title_en", "abstract_id", "abstract_en", "capacity", "spans_all_rooms"):
            getattr(self, name).data = getattr(session, name)
        self.kind.data = session.kind.value
        self.sub_theme.data = str(session.sub_theme_id or "")
        self.room.data = str(session.room_id or "")
        self.version.data = str(session.version)
        if session.starts_at is not None and session.ends_at is not None:
            zone = session.conference.zone
            start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
            self.day.data = start.date().isoformat()
            self.starts_at.data = time(start.hour, start.minute)
            self.ends_at.data = time(end.hour, end.minute)
        else:
            self.day.data = ""


class NewPersonForm(FlaskForm):
    """A person created and added to the session in one go."""

    honorific = StringField(_l("Honorific"), validators=[max_length(40)])
    full_name = StringField(_l("Full name"), validators=[required(), max_length(200)])
    position = StringField(_l("Position"), validators=[max_length(200)])
    organisation = StringField(_l("Organisation"), validators=[max_length(200)])
    sector = SelectField(
        _l("Sector"), choices=[SelectChoice(s.value, label) for s, label in SECTOR_LABELS.items()],
        default=Sector.OTHER.value, invalid_choice_message=CHOICE_MESSAGE,
    )
    gender = SelectField(
        _l("Gender"), choices=[SelectChoice(g.value, label) for g, label in GENDER_LABELS.items()],
        default=Gender.NOT_STATED.value, invalid_choice_message=CHOICE_MESSAGE,
    )
    email = EmailField(_l("E-mail address"), validators=[Optional(), email_address(), max_length(254)])
    role = SelectField(
        _l("Role in this session"), choices=role_choices(), default=RoleKind.SPEAKER.value,
        invalid_choice_message=CHOICE_MESSAGE,
    )


class RoleForm(FlaskForm):
    """Add an existing person, or change a role (person_id unused there)."""

    person_id = IntegerField(validators=[Optional()])
    role = SelectField(choices=role_choices(), invalid_choice_message=CHOICE_MESSAGE)


class MoveForm(FlaskForm):
    direction = SelectField(choices=[SelectChoice("up"), SelectChoice("down")], invalid_choice_message=CHOICE_MESSAGE)
