"""The speaker's own profile form. Forms check shape; people.profile checks the
rules (locked fields)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField

from ..conferences.forms import strip
from ..forms import max_length
from ..i18n import _l
from ..people.profile import MAX_LENGTHS, TEXT_FIELDS


class ProfileForm(FlaskForm):
    honorific = StringField(_l("Honorific (e.g. Dr., H., Ibu)"), filters=[strip],
                            validators=[max_length(MAX_LENGTHS["honorific"])])
    position = StringField(_l("Position"), filters=[strip],
                           validators=[max_length(MAX_LENGTHS["position"])])
    organisation = StringField(_l("Organisation"), filters=[strip],
                               validators=[max_length(MAX_LENGTHS["organisation"])])
    bio_id = TextAreaField(_l("Short biography (Indonesian)"), filters=[strip],
                           validators=[max_length(MAX_LENGTHS["bio_id"])])
    bio_en = TextAreaField(_l("Short biography (English)"), filters=[strip],
                           validators=[max_length(MAX_LENGTHS["bio_en"])])
    photo = FileField(_l("New photo (JPEG, PNG or WebP, at most 5 MB)"))

    def __init__(self, *args, person=None, **kwargs):
        # Filled from the person's text fields only (Person.photo is a row, not a file).
        if person is not None:
            kwargs.update({name: getattr(person, name) for name in TEXT_FIELDS})
        super().__init__(*args, **kwargs)

    def values(self, locked) -> dict[str, str]:
        """The unlocked text fields for people.profile.update_own_profile."""
        return {name: self[name].data or "" for name in TEXT_FIELDS if name not in locked}
