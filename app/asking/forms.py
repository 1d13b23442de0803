"""Forms for asking a volunteer and for the volunteers' replies. The service checks the rules."""
from app.forms import KindredForm, options
from wtforms import EmailField, RadioField, StringField, TextAreaField

from app.models import ReplyBy


class AskForm(KindredForm):
    body = TextAreaField("What do you need help with?")
    reply_by = RadioField("How should we reply?", choices=options([(how.value, how.label) for how in ReplyBy]), default=ReplyBy.KINDRED.value,
                          validate_choice=False)
    email = EmailField("Your email address", render_kw={"autocomplete": "email", "spellcheck": "false"})
    phone = StringField("Your phone number", render_kw={"autocomplete": "tel", "inputmode": "tel"})
    call_time = StringField("A good time to call you")


class ReplyForm(KindredForm):
    body = TextAreaField("Your reply")


class ConfirmForm(KindredForm):
    """Claim, close and open again: a button and the CSRF token."""
