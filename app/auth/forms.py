"""Forms for registering and signing in."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import Length

from app.forms import EmailAddressField, KindredForm, NewPasswordField, options, required
from app.models.users import ROLE_CHOICES


class RegisterForm(KindredForm):
    display_name = StringField(
        _l("Your name, as other members will see it"),
        validators=[required(_l("Enter the name you would like other members to see.")), Length(max=60, message=_l("Your name can be up to 60 characters."))],
        render_kw={"autocomplete": "nickname"},
    )
    email = EmailAddressField()
    password = NewPasswordField(_l("Choose a password"))
    role = RadioField(_l("Which describes you?"), choices=options(ROLE_CHOICES), validators=[required(_l("Choose the option that describes you best."))])


class SignInForm(KindredForm):
    email = EmailAddressField()
    password = PasswordField(_l("Password"), validators=[required(_l("Enter your password."))], render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class EmailLinkForm(KindredForm):
    email = EmailAddressField()
    next = HiddenField()


class ConfirmForm(KindredForm):
    """A form with only a button (and the CSRF token)."""


class ResetPasswordForm(KindredForm):
    password = NewPasswordField(_l("New password"))
