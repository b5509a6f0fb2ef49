"""The invitee's answer form (the organisers' forms are in forms.py)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired

from ..forms import max_length
from ..i18n import _l

ACCEPT = "accept"
DECLINE = "decline"
NOTE_MAX = 2000  # services.respond keeps at most this much


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class AnswerForm(FlaskForm):
    """Two submit buttons named `answer` (accept / decline) and an optional note.

    `answer` is rendered by the template as the two buttons, never as a text box."""

    answer = StringField(
        _l("Your answer"),
        validators=[
            InputRequired(message=_l("Choose whether you accept or decline.")),
            AnyOf((ACCEPT, DECLINE), message=_l("Choose whether you accept or decline.")),
        ],
    )
    note = TextAreaField(
        _l("Message to the organisers (optional)"),
        filters=[_strip],
        validators=[max_length(NOTE_MAX)],
        render_kw={"rows": 4},
    )

    @property
    def accepts(self) -> bool:
        return self.answer.data == ACCEPT
