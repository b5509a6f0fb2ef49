"""Forms of the team page: invite someone, change a role, remove (CSRF only)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.fields.choices import SelectChoice

from ..conferences.forms import strip
from ..forms import email_address, max_length, required
from ..i18n import _l
from .models import MEMBERSHIP_ROLE_LABELS, MembershipRole

# What each role may do, shown next to the role choice.
ROLE_EXPLANATIONS = {
    MembershipRole.ORGANISER: _l("Sees and changes everything, including the team."),
    MembershipRole.CHECKIN: _l("Uses the check-in desk only, on the conference days."),
    MembershipRole.VIEWER: _l("Sees the organiser pages but cannot change anything (not the Outbox)."),
}


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in MEMBERSHIP_ROLE_LABELS.items()]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address"), filters=[strip], validators=[required(), email_address(), max_length(254)])
    role = SelectField(
        _l("Role"), choices=_role_choices(), default=MembershipRole.ORGANISER.value,
        invalid_choice_message=_l("Choose one of the options."),
    )


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=_role_choices(), invalid_choice_message=_l("Choose one of the options."),
    )
