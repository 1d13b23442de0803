"""Forms for moderation. They collect input; services.moderation decides what is allowed and explains problems."""
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.forms import KindredForm, options
from app.models import MEMBER_REASONS, WATCHED_ACTION_LABELS
from app.services.moderation import DURATIONS


class ReportForm(KindredForm):
    reason = RadioField("Why are you reporting this?", choices=options([(r.value, r.label) for r in MEMBER_REASONS]),
                        validate_choice=False)
    words = TextAreaField("Anything else a volunteer should know? (optional, unless you chose “Something else”)",
                          validators=[Optional()])


class ActionForm(KindredForm):
    reason = TextAreaField("Your reason, written for the member", validators=[Optional()])
    days = SelectField("For how long?", choices=options([(str(days), words) for days, words in DURATIONS.items()]), default="7",
                       validate_choice=False)
    new_text = TextAreaField("The new text", validators=[Optional()])
    also_hide = BooleanField("Also hide the content", validators=[Optional()])
    confirmed = HiddenField()


class ConfirmForm(KindredForm):
    pass


class AppealForm(KindredForm):
    words = TextAreaField("Why do you think the decision was wrong?")


class AppealDecisionForm(KindredForm):
    decision = RadioField("Your decision", choices=options([("uphold", "The decision stays"), ("overturn", "Change the decision: put the content back and lift any pause")]),
                          validate_choice=False)
    reason = TextAreaField("Your reason, written for the member", validators=[Optional()])


class WatchedWordForm(KindredForm):
    label = StringField("Name (for administrators)", validators=[Optional()])
    kind = RadioField("What to look for", choices=options([("word", "A word or phrase"), ("regex", "A pattern (regular expression)")]),
                      default="word", validate_choice=False)
    pattern = StringField("Word, phrase or pattern", validators=[Optional()], render_kw={"autocomplete": "off", "spellcheck": "false"})
    action = RadioField("What happens", choices=options([(action.value, label) for action, label in WATCHED_ACTION_LABELS.items()]),
                        default="hold", validate_choice=False)
    message = TextAreaField("What the author is told (needed when their writing is stopped)", validators=[Optional()])
    enabled = BooleanField("Turned on", default=True)


class TrySafetyForm(KindredForm):
    text = TextAreaField("Text to try", validators=[Optional()])


class LogFilterForm(KindredForm):
    class Meta:
        csrf = False

    actor = SelectField("Who", choices=[], validate_choice=False, validators=[Optional()])
    action = SelectField("What", choices=[], validate_choice=False, validators=[Optional()])
    since = StringField("From (date, like 2026-03-01)", validators=[Optional()], render_kw={"autocomplete": "off"})
    until = StringField("To (date, like 2026-03-31)", validators=[Optional()], render_kw={"autocomplete": "off"})
