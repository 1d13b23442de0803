"""Forms for a member's settings."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, RadioField
from wtforms.validators import AnyOf

from app.i18n import LANGUAGES
from app.forms import ChoiceField, EmailAddressField, KindredForm, NewPasswordField, options, required
from app.models.users import COLOUR_SCHEMES, TEXT_SIZES

TEXT_SIZE_CHOICES = [("standard", _l("Standard text")), ("large", _l("Large text")), ("largest", _l("Largest text"))]
COLOUR_CHOICES = [
    ("standard", _l("Standard colours: dark text on white")),
    ("high-contrast", _l("High contrast: white text on black")),
    ("cream", _l("Cream background: dark text on soft cream")),
]


class DisplayForm(KindredForm):
    text_size = RadioField(_l("Text size"), choices=options(TEXT_SIZE_CHOICES), validators=[required(_l("Choose a text size.")), AnyOf(TEXT_SIZES)])
    colour_scheme = RadioField(_l("Colours"), choices=options(COLOUR_CHOICES), validators=[required(_l("Choose the colours you like.")), AnyOf(COLOUR_SCHEMES)])


class LanguageForm(KindredForm):
    # Each language is named in its own words (app.i18n.LANGUAGES); the label is in both.
    language = ChoiceField("Iaith / Language", choices=options(LANGUAGES.items()), missing="Dewiswch iaith. / Choose a language.")
    next = HiddenField()


class ChangeEmailForm(KindredForm):
    email = EmailAddressField(_l("New email address"))
    password = PasswordField(_l("Your current password"), validators=[required(_l("Enter your current password."))], render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(KindredForm):
    current_password = PasswordField(_l("Your current password"), validators=[required(_l("Enter your current password."))], render_kw={"autocomplete": "current-password"})
    new_password = NewPasswordField(_l("New password"))


class DeleteAccountForm(KindredForm):
    posts_choice = RadioField(
        _l("What should happen to your posts?"),
        choices=options([
            ("remove", _l("Remove my posts")),
            ("keep", _l("Keep my posts, without my name. They will say “a former member”.")),
        ]),
        validators=[required(_l("Choose what should happen to your posts.")), AnyOf(("remove", "keep"))],
    )


class ListeningForm(KindredForm):
    speech_rate = RadioField(_l("How fast Listen reads"), choices=options([("normal", _l("Normal speed")), ("slower", _l("Slower"))]),
                             validators=[required(_l("Choose how fast Listen reads.")), AnyOf(("normal", "slower"))])
    show_listen = BooleanField(_l("Show a Listen button beside posts, meet-ups and help pages"))
    show_newcomer_badge = BooleanField(_l("Show “New to Kindred” on my profile in my first month"))
