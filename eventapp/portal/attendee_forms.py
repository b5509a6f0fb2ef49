"""Forms of the attendee's personal pages (shape only; the views check the rules)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired


class StarForm(FlaskForm):
    """Star or unstar one session of the latest release, by its uid."""

    session = HiddenField(validators=[DataRequired()])


class ResetFeedForm(FlaskForm):
    """Confirm a new calendar address; `next` is where to go back to."""

    next = HiddenField()
