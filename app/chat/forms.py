"""Forms for chat: a message, the moderators' tools, and a member's chat choices."""
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import KindredForm, options, required
from app.services.chat import MUTE_CHOICES, SLOW_MODE_CHOICES


class MessageForm(KindredForm):
    body = TextAreaField("Your message", validators=[required("Write a message before pressing Send message.")])
    # A new id each time the page is drawn: pressing Send twice stores the message once.
    client_id = HiddenField()


class ConfirmForm(KindredForm):
    """Only the CSRF token: for "Yes, delete" and similar buttons."""


class HideForm(KindredForm):
    reason = TextAreaField("Why are you hiding it? (optional — only volunteers see this)", validators=[Optional(), Length(max=1000)])


def _minutes_label(minutes: int) -> str:
    return {15: "15 minutes", 60: "1 hour", 24 * 60: "1 day"}[minutes]


class MuteForm(KindredForm):
    minutes = RadioField(
        "For how long?",
        choices=options([(str(m), _minutes_label(m)) for m in MUTE_CHOICES]),
        validators=[required("Choose how long to pause their messages.")],
    )
    reason = TextAreaField("Why? (optional — only volunteers see this)", validators=[Optional(), Length(max=1000)])


def _slow_label(seconds: int) -> str:
    if seconds == 0:
        return "Off: members send as often as they like"
    if seconds < 60:
        return f"One message every {seconds} seconds"
    return "One message every minute" if seconds == 60 else f"One message every {seconds // 60} minutes"


class SlowModeForm(KindredForm):
    seconds = RadioField(
        "Slow mode",
        choices=options([(str(s), _slow_label(s)) for s in SLOW_MODE_CHOICES]),
        validators=[required("Choose how often each member may send a message.")],
    )


class PreferencesForm(KindredForm):
    appear_offline = BooleanField("Appear offline: do not show me under \u201cWho\u2019s here\u201d")
    dm_from_anyone = BooleanField("Let any member send me private messages, not only people I am connected with")
