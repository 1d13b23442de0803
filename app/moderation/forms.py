"""Forms for moderation. They collect input; services.moderation decides what is allowed and explains problems."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.forms import KindredForm, options
from app.models import MEMBER_REASONS, WATCHED_ACTION_LABELS
from app.services.moderation import DURATIONS

# The labels below are English data in app.models and app.services.moderation; listed here so that
# they are extracted for translation (their Welsh is looked up with _l(label) where they are shown).
LABEL_MSGIDS = (
    _l("It's unkind or rude"), _l("It looks like a scam or spam"), _l("It shares someone's personal details"),
    _l("I'm worried about someone's safety"), _l("Something else"), _l("Waiting for approval"),
    _l("Stop it being posted, and show the author the message"), _l("Hold it until a volunteer approves it"),
    _l("Post it, and report it to the volunteers as a possible scam"),
    _l("Post it, show the author support lines, and tell the safeguarding lead"),
    _l("1 day"), _l("3 days"), _l("1 week"), _l("2 weeks"), _l("30 days"), _l("90 days"),
)


class ReportForm(KindredForm):
    reason = RadioField(_l("Why are you reporting this?"), choices=options([(r.value, _l(r.label)) for r in MEMBER_REASONS]),
                        validate_choice=False)
    words = TextAreaField(_l("Anything else a volunteer should know? (optional, unless you chose “Something else”)"),
                          validators=[Optional()])


class ActionForm(KindredForm):
    reason = TextAreaField(_l("Your reason, written for the member"), validators=[Optional()])
    days = SelectField(_l("For how long?"), choices=options([(str(days), _l(words)) for days, words in DURATIONS.items()]), default="7",
                       validate_choice=False)
    new_text = TextAreaField(_l("The new text"), validators=[Optional()])
    also_hide = BooleanField(_l("Also hide the content"), validators=[Optional()])
    confirmed = HiddenField()


class ConfirmForm(KindredForm):
    pass


class AppealForm(KindredForm):
    words = TextAreaField(_l("Why do you think the decision was wrong?"))


class AppealDecisionForm(KindredForm):
    decision = RadioField(_l("Your decision"), choices=options([("uphold", _l("The decision stays")), ("overturn", _l("Change the decision: put the content back and lift any pause"))]),
                          validate_choice=False)
    reason = TextAreaField(_l("Your reason, written for the member"), validators=[Optional()])


class WatchedWordForm(KindredForm):
    label = StringField(_l("Name (for administrators)"), validators=[Optional()])
    kind = RadioField(_l("What to look for"), choices=options([("word", _l("A word or phrase")), ("regex", _l("A pattern (regular expression)"))]),
                      default="word", validate_choice=False)
    pattern = StringField(_l("Word, phrase or pattern"), validators=[Optional()], render_kw={"autocomplete": "off", "spellcheck": "false"})
    action = RadioField(_l("What happens"), choices=options([(action.value, _l(label)) for action, label in WATCHED_ACTION_LABELS.items()]),
                        default="hold", validate_choice=False)
    message = TextAreaField(_l("What the author is told (needed when their writing is stopped)"), validators=[Optional()])
    enabled = BooleanField(_l("Turned on"), default=True)


class TrySafetyForm(KindredForm):
    text = TextAreaField(_l("Text to try"), validators=[Optional()])


class LogFilterForm(KindredForm):
    class Meta:
        csrf = False

    actor = SelectField(_l("Who"), choices=[], validate_choice=False, validators=[Optional()])
    action = SelectField(_l("What"), choices=[], validate_choice=False, validators=[Optional()])
    since = StringField(_l("From (date, like 2026-03-01)"), validators=[Optional()], render_kw={"autocomplete": "off"})
    until = StringField(_l("To (date, like 2026-03-31)"), validators=[Optional()], render_kw={"autocomplete": "off"})
