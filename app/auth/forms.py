"""Forms for registering and signing in."""
from wtforms import HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import Length

from app.forms import EmailAddressField, KindredForm, NewPasswordField, options, required
from app.models.users import ROLE_CHOICES


class RegisterForm(KindredForm):
    display_name = StringField(
        "Your name, as other members will see it",
        validators=[required("Enter the name you would like other members to see."), Length(max=60, message="Your name can be up to 60 characters.")],
        render_kw={"autocomplete": "nickname"},
    )
    email = EmailAddressField()
    password = NewPasswordField("Choose a password")
    role = RadioField("Which describes you?", choices=options(ROLE_CHOICES), validators=[required("Choose the option that describes you best.")])


class SignInForm(KindredForm):
    email = EmailAddressField()
    password = PasswordField("Password", validators=[required("Enter your password.")], render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class EmailLinkForm(KindredForm):
    email = EmailAddressField()
    next = HiddenField()


class ConfirmForm(KindredForm):
    """A form with only a button (and the CSRF token)."""


class ResetPasswordForm(KindredForm):
    password = NewPasswordField("New password")
