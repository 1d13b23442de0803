"""Forms for the forums. They collect input; services.forums decides what is allowed and explains problems."""
import secrets

from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from app.forms import KindredForm, options
from app.models import AUDIENCE_LABELS

AUDIENCE_CHOICES = [(audience.value, label) for audience, label in AUDIENCE_LABELS.items()]

WRITING_HINT = "You can use **bold**, *italics*, lists starting with -, quotes starting with >, and links."


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


class _Submission(KindredForm):
    # A random key per form: pressing "Post" twice sends the same key, and finds the first post.
    submission_key = HiddenField(default=new_submission_key)


class ReplyForm(_Submission):
    body = TextAreaField("Your reply")


class ThreadForm(_Submission):
    title = StringField("Title", render_kw={"autocomplete": "off", "spellcheck": "true"})
    body = TextAreaField("Your post")


class EditForm(KindredForm):
    body = TextAreaField("Your post")


class ConfirmForm(KindredForm):
    pass


class SearchForm(KindredForm):
    class Meta:
        csrf = False

    q = StringField("Search the forums", render_kw={"type": "search", "autocomplete": "off"})


class CategoryForm(KindredForm):
    name = StringField("Name", render_kw={"autocomplete": "off"})
    description = TextAreaField("Description")
    position = IntegerField("Position in the list", validators=[Optional()], default=0,
                            render_kw={"inputmode": "numeric"})
    read_audience = RadioField("Who can read it", choices=options(AUDIENCE_CHOICES), default="members")
    post_audience = RadioField("Who can start threads", choices=options(AUDIENCE_CHOICES), default="members")
