"""Organiser forms for people (speakers, moderators). Forms check shape; the
services in people.services check the rules (a unique e-mail address)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..conferences.forms import strip
from ..forms import email_address, max_length, required
from ..i18n import _l
from .models import GENDER_LABELS, SECTOR_LABELS, SPEAKER_EDITABLE_FIELDS, Gender, Sector
from .profile import FIELD_LABELS


class PersonForm(FlaskForm):
    honorific = StringField(_l("Honorific (e.g. Dr., H., Ibu)"), filters=[strip],
                            validators=[max_length(40)])
    full_name = StringField(_l("Full name"), filters=[strip],
                            validators=[required(), max_length(200)])
    position = StringField(_l("Position"), filters=[strip], validators=[max_length(200)])
    organisation = StringField(_l("Organisation"), filters=[strip], validators=[max_length(200)])
    sector = SelectField(
        _l("Sector"),
        choices=[SelectChoice(value.value, label) for value, label in SECTOR_LABELS.items()],
        default=Sector.OTHER.value,
    )
    gender = SelectField(
        _l("Gender (optional)"),
        choices=[SelectChoice(value.value, label) for value, label in GENDER_LABELS.items()],
        default=Gender.NOT_STATED.value,
    )
    email = EmailField(_l("E-mail address (optional)"), filters=[strip],
                       validators=[Optional(), email_address(), max_length(254)])
    bio_id = TextAreaField(_l("Short biography (Indonesian)"), filters=[strip])
    bio_en = TextAreaField(_l("Short biography (English)"), filters=[strip])
    # Edit page only (not part of values()): the speaker's locks and the photo.
    locked_fields = SelectMultipleField(
        _l("Fields the speaker cannot change"),
        choices=[SelectChoice(name, FIELD_LABELS[name]) for name in SPEAKER_EDITABLE_FIELDS],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    # Not called "photo": the form is filled from the Person, whose .photo is a row.
    photo_upload = FileField(_l("New photo (JPEG, PNG or WebP, at most 5 MB)"))
    remove_photo = BooleanField(_l("Remove the photo"))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_submitted():
            self.sector.data = obj.sector.value
            self.gender.data = obj.gender.value
            self.email.data = obj.email or ""

    def values(self) -> dict:
        """The fields for services.create_person / update_person."""
        return {
            "honorific": self.honorific.data or "",
            "full_name": self.full_name.data or "",
            "position": self.position.data or "",
            "organisation": self.organisation.data or "",
            "sector": Sector(self.sector.data),
            "gender": Gender(self.gender.data),
            "email": self.email.data or None,
            "bio_id": self.bio_id.data or "",
            "bio_en": self.bio_en.data or "",
        }
