"""Forms for the forums. They collect input; services.forums decides what is allowed and explains problems."""
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from app.forms import KindredForm, options
from app.models import AUDIENCE_LABELS

AUDIENCE_CHOICES = [(audience.value, label) for audience, label in AUDIENCE_LABELS.items()]

WRITING_HINT = _l("You can use **bold**, *italics*, lists starting with -, quotes starting with >, and links.")


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


class _Submission(KindredForm):
    # A random key per form: pressing "Post" twice sends the same key, and finds the first post.
    submission_key = HiddenField(default=new_submission_key)


class _InWelsh:
    # The member says which language they wrote in: the post is marked lang="cy", so screen
    # readers and Listen read it in a Welsh voice. We mark only what the writer told us.
    in_welsh = BooleanField(_l("This post is in Welsh"))


class ReplyForm(_InWelsh, _Submission):
    body = TextAreaField(_l("Your reply"))


class ThreadForm(_InWelsh, _Submission):
    title = StringField(_l("Title"), render_kw={"autocomplete": "off", "spellcheck": "true"})
    body = TextAreaField(_l("Your post"))


class EditForm(_InWelsh, KindredForm):
    body = TextAreaField(_l("Your post"))


class ConfirmForm(KindredForm):
    pass


class SearchForm(KindredForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search the forums"), render_kw={"type": "search", "autocomplete": "off"})


class CategoryForm(KindredForm):
    name = StringField(_l("Name"), render_kw={"autocomplete": "off"})
    description = TextAreaField(_l("Description"))
    position = IntegerField(_l("Position in the list"), validators=[Optional()], default=0,
                            render_kw={"inputmode": "numeric"})
    read_audience = RadioField(_l("Who can read it"), choices=options(AUDIENCE_CHOICES), default="members")
    post_audience = RadioField(_l("Who can start threads"), choices=options(AUDIENCE_CHOICES), default="members")
