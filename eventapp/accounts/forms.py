from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField

from ..forms import email_address, max_length, required
from ..i18n import _l


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[required(), email_address(), max_length(254)])
    password = PasswordField(_l("Password"), validators=[required(), max_length(200)])
    next = HiddenField()
