from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField

from ..forms import email_address, max_length, required
from ..i18n import _l


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[required(), email_address(), max_length(254)])
    password = PasswordField(_l("Password"), validators=[required(), max_length(200)])
    next = HiddenField()


class EmailLinkForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[required(), email_address(), max_length(254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[required(), max_length(200)])
    confirm = PasswordField(_l("New password again"), validators=[required(), max_length(200)])

    def validate_confirm(self, field) -> None:
        from wtforms.validators import ValidationError

        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same."))
