"""Validators with translated messages (WTForms ships no Indonesian catalog)."""
from wtforms.validators import DataRequired, Email, Length

from .i18n import _l


def required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


def email_address() -> Email:
    return Email(message=_l("Enter a valid e-mail address."))


def max_length(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters."))
