"""The attendee's forms: registering, changing a session choice, cancelling.

The registration form has a fixed part (who you are, needs, consent) and a
part built per conference: the organisers' questions (`q-<id>`) and one radio
group per parallel-session slot (`slot-<key>`, the field name services'
DomainError uses). `registration_form()` builds the class for one request.
"""
from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import email_address, max_length, required
from ..i18n import LANGUAGE_NAMES, _l
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender
from .models import NEEDS, QuestionKind, RegistrationQuestion

NONE_CHOICE = ""  # "No session in this slot"
CLIENT_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SLOT_FIELD_RE = re.compile(r"^slot-(\d{8}T\d{4})$")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes (the template renders each option in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _gender_choices() -> list[tuple[str, Any]]:
    labels = {**GENDER_LABELS, Gender.NOT_STATED: _l("Prefer not to say")}
    order = (Gender.WOMAN, Gender.MAN, Gender.ANOTHER, Gender.NOT_STATED)
    return [SelectChoice(gender.value, labels[gender]) for gender in order]


class RegistrationForm(FlaskForm):
    full_name = StringField(_l("Full name"), filters=[_strip], validators=[required(), max_length(200)])
    honorific = StringField(_l("Title or honorific (optional)"), filters=[_strip], validators=[max_length(40)],
                            description=_l("For example Dr., Prof., Ibu, Bapak."))
    email = StringField(_l("E-mail"), filters=[_strip], validators=[required(), email_address(), max_length(254)])
    phone = StringField(_l("Phone (optional)"), filters=[_strip], validators=[max_length(40)])
    organisation = StringField(_l("Organisation"), filters=[_strip], validators=[required(), max_length(200)])
    position = StringField(_l("Position"), filters=[_strip], validators=[required(), max_length(200)])
    sector = SelectField(
        _l("Sector"),
        choices=[SelectChoice("", _l("Choose your sector"))]
        + [SelectChoice(s.value, label) for s, label in SECTOR_LABELS.items()],
        validators=[required()],
    )
    gender = RadioField(_l("Gender (optional)"), choices=_gender_choices(), default=Gender.NOT_STATED.value)
    province = StringField(_l("Province (optional)"), filters=[_strip], validators=[max_length(120)])
    regency = StringField(_l("Regency or city (optional)"), filters=[_strip], validators=[max_length(120)])
    needs = MultiCheckboxField(_l("Accessibility needs"), choices=[SelectChoice(column, label) for column, label in NEEDS])
    needs_other = StringField(_l("Other needs"), filters=[_strip], validators=[max_length(500)])
    dietary = StringField(_l("Dietary needs (optional)"), filters=[_strip], validators=[max_length(300)])
    language = RadioField(_l("Language for e-mails"), choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
                          validators=[InputRequired(message=_l("Choose a language."))])
    consent = BooleanField(
        _l("I agree that the organisers store and use these details to run the conference."),
        validators=[DataRequired(message=_l("Registration needs your consent to the processing of your data."))],
    )
    public_listing = BooleanField(_l("Show my name and organisation in the public list of participants (optional)."))
    client_token = HiddenField("")  # no label: WTForms would translate a made-up one on every POST
    # Honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"))

    # Filled by registration_form().
    question_fields: list[tuple[RegistrationQuestion, str]] = []
    slot_fields: list[tuple[Any, str]] = []

    @property
    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())

    def answers(self) -> dict[str, Any]:
        """{str(question id): value}: text, [options], or True/False for yes/no."""
        result: dict[str, Any] = {}
        for question, name in self.question_fields:
            data = self[name].data
            if question.kind is QuestionKind.YES_NO:
                if data in ("yes", "no"):
                    result[str(question.id)] = data == "yes"
            elif question.kind is QuestionKind.MULTIPLE_CHOICE:
                if data:
                    result[str(question.id)] = list(data)
            elif data:
                result[str(question.id)] = data
        return result

    def token(self) -> str | None:
        value = self.client_token.data or ""
        return value if CLIENT_TOKEN_RE.match(value) else None


def _question_field(question: RegistrationQuestion):
    label = question.local("label") or question.label_id or question.label_en
    need = [InputRequired(message=_l("This field is required."))] if question.required else [Optional()]
    if question.kind is QuestionKind.SHORT_TEXT:
        return StringField(label, filters=[_strip], validators=[*need, max_length(500)])
    if question.kind is QuestionKind.LONG_TEXT:
        return TextAreaField(label, filters=[_strip], validators=[*need, max_length(2000)], render_kw={"rows": 4})
    if question.kind is QuestionKind.SINGLE_CHOICE:
        return RadioField(label, choices=[SelectChoice(o, o) for o in question.options], validators=need)
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        return MultiCheckboxField(label, choices=[SelectChoice(o, o) for o in question.options], validators=need)
    return RadioField(label, choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))], validators=need)


def _slot_choices(slot) -> list[SelectChoice]:
    return [*(SelectChoice(str(s.id), s.local("title")) for s in slot.sessions),
            SelectChoice(NONE_CHOICE, _l("No session in this slot"))]


def submitted_choices(formdata) -> dict[str, str | None]:
    """{slot key: the session id sent, or None for none} from the `slot-<key>`
    fields of a submitted registration form. A submitted form is read without a
    field per slot (a big conference has fifty slots of a dozen sessions);
    registration.services checks each choice against the published agenda."""
    chosen: dict[str, str | None] = {}
    for name in formdata:
        match = SLOT_FIELD_RE.match(name)
        if match:
            chosen[match.group(1)] = formdata.get(name) or None
    return chosen


def registration_form(questions: list[RegistrationQuestion], slots: list, **kwargs) -> RegistrationForm:
    """A RegistrationForm with this conference's questions and session slots."""

    class ConferenceRegistrationForm(RegistrationForm):
        pass

    question_fields, slot_fields = [], []
    for question in questions:
        name = f"q-{question.id}"
        setattr(ConferenceRegistrationForm, name, _question_field(question))
        question_fields.append((question, name))
    for slot in slots:
        name = f"slot-{slot.key}"
        setattr(ConferenceRegistrationForm, name,
                RadioField(_l("Your session"), choices=_slot_choices(slot), default=NONE_CHOICE, validate_choice=False))
        slot_fields.append((slot, name))
    ConferenceRegistrationForm.question_fields = question_fields
    ConferenceRegistrationForm.slot_fields = slot_fields
    return ConferenceRegistrationForm(**kwargs)


class ResendLinkForm(FlaskForm):
    email = StringField(_l("E-mail"), filters=[_strip])


class ChoiceForm(FlaskForm):
    """Change one slot's session on the manage page."""

    slot = HiddenField(validators=[DataRequired()])
    session = StringField()  # a session id, or "" for none (radios in the template)


class CancelForm(FlaskForm):
    confirm = HiddenField(validators=[DataRequired()])


__all__ = ["RegistrationForm", "registration_form", "submitted_choices", "ResendLinkForm", "ChoiceForm", "CancelForm"]
