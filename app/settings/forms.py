"""Forms for a member's settings."""
from wtforms import BooleanField, HiddenField, PasswordField, RadioField
from wtforms.validators import AnyOf

from app.i18n import LANGUAGES
from app.forms import ChoiceField, EmailAddressField, KindredForm, NewPasswordField, options, required
from app.models.users import COLOUR_SCHEMES, TEXT_SIZES

TEXT_SIZE_CHOICES = [("standard", "Standard text"), ("large", "Large text"), ("largest", "Largest text")]
COLOUR_CHOICES = [
    ("standard", "Standard colours: dark text on white"),
    ("high-contrast", "High contrast: white text on black"),
    ("cream", "Cream background: dark text on soft cream"),
]


class DisplayForm(KindredForm):
    text_size = RadioField("Text size", choices=options(TEXT_SIZE_CHOICES), validators=[required("Choose a text size."), AnyOf(TEXT_SIZES)])
    colour_scheme = RadioField("Colours", choices=options(COLOUR_CHOICES), validators=[required("Choose the colours you like."), AnyOf(COLOUR_SCHEMES)])


class LanguageForm(KindredForm):
    # Each language is named in its own words (app.i18n.LANGUAGES); the label is in both.
    language = ChoiceField("Iaith / Language", choices=options(LANGUAGES.items()), missing="Dewiswch iaith. / Choose a language.")
    next = HiddenField()


class ChangeEmailForm(KindredForm):
    email = EmailAddressField("New email address")
    password = PasswordField("Your current password", validators=[required("Enter your current password.")], render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(KindredForm):
    current_password = PasswordField("Your current password", validators=[required("Enter your current password.")], render_kw={"autocomplete": "current-password"})
    new_password = NewPasswordField("New password")


class DeleteAccountForm(KindredForm):
    posts_choice = RadioField(
        "What should happen to your posts?",
        choices=options([
            ("remove", "Remove my posts"),
            ("keep", "Keep my posts, without my name. They will say “a former member”."),
        ]),
        validators=[required("Choose what should happen to your posts."), AnyOf(("remove", "keep"))],
    )


class ListeningForm(KindredForm):
    speech_rate = RadioField("How fast Listen reads", choices=options([("normal", "Normal speed"), ("slower", "Slower")]),
                             validators=[required("Choose how fast Listen reads."), AnyOf(("normal", "slower"))])
    show_listen = BooleanField("Show a Listen button beside posts, meet-ups and help pages")
    show_newcomer_badge = BooleanField("Show “New to Kindred” on my profile in my first month")
