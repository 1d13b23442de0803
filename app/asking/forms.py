"""Forms for asking a volunteer and for the volunteers' replies. The service checks the rules."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, StringField, TextAreaField

from app.forms import KindredForm, options
from app.models import ReplyBy


class AskForm(KindredForm):
    body = TextAreaField(_l("What do you need help with?"))
    reply_by = RadioField(_l("How should we reply?"), choices=[], default=ReplyBy.KINDRED.value, validate_choice=False)
    email = EmailField(_l("Your email address"), render_kw={"autocomplete": "email", "spellcheck": "false"})
    phone = StringField(_l("Your phone number"), render_kw={"autocomplete": "tel", "inputmode": "tel"})
    call_time = StringField(_l("A good time to call you"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made for each request, so the labels are in the page's language.
        self.reply_by.choices = options([(how.value, how.label) for how in ReplyBy])


class ReplyForm(KindredForm):
    body = TextAreaField(_l("Your reply"))


class ConfirmForm(KindredForm):
    """Claim, close and open again: a button and the CSRF token."""
