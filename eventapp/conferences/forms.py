"""Organiser forms for the conference, its venues, rooms and sub-themes.
Forms check shape; the services in conferences.services check the rules."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    ColorField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from ..errors import DomainError
from ..forms import email_address, max_length, required
from ..i18n import _l
from .models import REGISTRATION_MODE_LABELS, ConferenceStatus, RegistrationMode, known_timezones
from .services import COLOUR_RE


def strip(value):
    return value.strip() if isinstance(value, str) else value


def optional_int(value):
    """Select values: an id, or None for nothing or garbage (never a coercion error)."""
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's message next to the field it names, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


# The zones of Indonesia; any other IANA name can be typed in.
INDONESIAN_ZONES = {
    "Asia/Jakarta": _l("Asia/Jakarta (WIB)"),
    "Asia/Pontianak": _l("Asia/Pontianak (WIB)"),
    "Asia/Makassar": _l("Asia/Makassar (WITA)"),
    "Asia/Jayapura": _l("Asia/Jayapura (WIT)"),
}
OTHER_ZONE = "other"


class ConferenceDetailsForm(FlaskForm):
    title_id = StringField(_l("Title (Indonesian)"), filters=[strip], validators=[max_length(300)])
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[max_length(300)])
    theme_id = StringField(_l("Theme (Indonesian)"), filters=[strip], validators=[max_length(500)])
    theme_en = StringField(_l("Theme (English)"), filters=[strip], validators=[max_length(500)])
    description_id = TextAreaField(_l("Description (Indonesian)"), filters=[strip])
    description_en = TextAreaField(_l("Description (English)"), filters=[strip])
    organisers = StringField(_l("Organisers"), filters=[strip], validators=[max_length(500)])
    timezone = SelectField(
        _l("Time zone"),
        choices=[
            *(SelectChoice(name, label) for name, label in INDONESIAN_ZONES.items()),
            SelectChoice(OTHER_ZONE, _l("Another time zone (type it below)")),
        ],
    )
    timezone_other = StringField(
        _l("Other time zone (IANA name, e.g. Asia/Singapore)"),
        filters=[strip],
        validators=[max_length(64)],
    )
    starts_on = DateField(_l("First day"), validators=[required()])
    ends_on = DateField(_l("Last day"), validators=[required()])
    status = SelectField(
        _l("Listed publicly"),
        choices=[
            SelectChoice(ConferenceStatus.DRAFT.value, _l("No: draft, only organisers see it")),
            SelectChoice(ConferenceStatus.PUBLISHED.value, _l("Yes: published")),
        ],
    )
    contact_email = EmailField(
        _l("Contact e-mail for invitees and attendees"), filters=[strip],
        validators=[Optional(), email_address(), max_length(254)],
    )
    registration_mode = SelectField(
        _l("Registration"),
        choices=[SelectChoice(mode.value, label) for mode, label in REGISTRATION_MODE_LABELS.items()],
        default=RegistrationMode.OPEN.value,
        invalid_choice_message=_l("Choose one of the options."),
    )
    registration_capacity = IntegerField(
        _l("Seats for attendees"),
        validators=[Optional(), NumberRange(min=1, message=_l("Use at least 1, or leave empty for no limit."))],
        invalid_value_message=_l("Enter a whole number."),
    )

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_submitted():
            self.status.data = obj.status.value
            self.registration_mode.data = obj.registration_mode.value
            if obj.timezone not in INDONESIAN_ZONES:
                self.timezone.data = OTHER_ZONE
                self.timezone_other.data = obj.timezone

    def validate_timezone_other(self, field) -> None:
        if self.timezone.data != OTHER_ZONE:
            return
        if not field.data:
            raise ValidationError(_l("Type the name of the time zone."))
        if field.data not in known_timezones():
            raise ValidationError(_l("Unknown time zone. Use an IANA name such as Asia/Jakarta."))

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def validate_title_id(self, field) -> None:
        if not field.data and not self.title_en.data:
            raise ValidationError(_l("Give a title in at least one language."))

    @property
    def zone_name(self) -> str:
        return self.timezone_other.data if self.timezone.data == OTHER_ZONE else self.timezone.data

    def changes(self) -> dict:
        """The fields for services.update_conference."""
        return {
            "title_id": self.title_id.data or "",
            "title_en": self.title_en.data or "",
            "theme_id": self.theme_id.data or "",
            "theme_en": self.theme_en.data or "",
            "description_id": self.description_id.data or "",
            "description_en": self.description_en.data or "",
            "organisers": self.organisers.data or "",
            "timezone": self.zone_name,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "status": ConferenceStatus(self.status.data),
            "contact_email": self.contact_email.data or "",
            "registration_mode": self.registration_mode.data,
            "registration_capacity": self.registration_capacity.data,
        }


class VenueForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[required(), max_length(200)])
    address = StringField(_l("Address"), filters=[strip], validators=[max_length(500)])
    city = StringField(_l("City"), filters=[strip], validators=[max_length(120)])


class RoomForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[required(), max_length(120)])
    capacity = IntegerField(
        _l("Capacity (seats)"),
        validators=[Optional(), NumberRange(min=1, message=_l("Capacity must be a positive number."))],
    )
    step_free = BooleanField(_l("Step-free access"))
    is_shared = BooleanField(_l("Shared space"))
    accessibility_id = StringField(
        _l("Accessibility note (Indonesian)"), filters=[strip], validators=[max_length(500)]
    )
    accessibility_en = StringField(
        _l("Accessibility note (English)"), filters=[strip], validators=[max_length(500)]
    )
    position = IntegerField(
        _l("Column order"),
        validators=[Optional(), NumberRange(min=0, message=_l("Use zero or a positive number."))],
    )

    def changes(self) -> dict:
        fields = {
            "name": self.name.data,
            "capacity": self.capacity.data,
            "step_free": bool(self.step_free.data),
            "is_shared": bool(self.is_shared.data),
            "accessibility_id": self.accessibility_id.data or "",
            "accessibility_en": self.accessibility_en.data or "",
        }
        if self.position.data is not None:
            fields["position"] = self.position.data
        return fields


MOVE = "move"
LEAVE = "leave"


class RoomDeleteForm(FlaskForm):
    """What happens to the sessions in a room that is deleted."""

    sessions = RadioField(
        _l("The sessions in this room"),
        choices=[
            SelectChoice(MOVE, _l("Move them to another room")),
            SelectChoice(LEAVE, _l("Leave them without a room")),
        ],
        validate_choice=False,
    )
    move_to = SelectField(_l("Room to move them to"), coerce=optional_int, validate_choice=False)


class SubThemeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[required(), max_length(20)])
    title_id = StringField(_l("Title (Indonesian)"), filters=[strip], validators=[max_length(300)])
    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[max_length(300)])
    # No required(): browsers always send a colour, and <input type=color required> is invalid HTML.
    colour = ColorField(_l("Colour"), filters=[strip], default="#1f6f8b")

    def validate_colour(self, field) -> None:
        if not COLOUR_RE.match(field.data or ""):
            raise ValidationError(_l("Use a colour such as #1f6f8b."))

    def validate_title_id(self, field) -> None:
        if not field.data and not self.title_en.data:
            raise ValidationError(_l("Give a title in at least one language."))


class SubThemeDeleteForm(FlaskForm):
    """What happens to the sessions of a sub-theme that is deleted."""

    sessions = RadioField(
        _l("The sessions with this sub-theme"),
        choices=[
            SelectChoice(MOVE, _l("Give them another sub-theme")),
            SelectChoice(LEAVE, _l("Leave them without a sub-theme")),
        ],
        validate_choice=False,
    )
    reassign_to = SelectField(_l("Sub-theme to give them"), coerce=optional_int, validate_choice=False)


class ConfirmForm(FlaskForm):
    """A delete button (CSRF only)."""
