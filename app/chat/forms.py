"""Forms for chat: a message, the moderators' tools, and a member's chat choices."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import KindredForm, options, required
from app.services.chat import MUTE_CHOICES, SLOW_MODE_CHOICES


class MessageForm(KindredForm):
    body = TextAreaField(_l("Your message"), validators=[required(_l("Write a message before pressing Send message."))])
    # A new id each time the page is drawn: pressing Send twice stores the message once.
    client_id = HiddenField()


class ConfirmForm(KindredForm):
    """Only the CSRF token: for "Yes, delete" and similar buttons."""


class HideForm(KindredForm):
    reason = TextAreaField(_l("Why are you hiding it? (optional — only volunteers see this)"), validators=[Optional(), Length(max=1000)])


def _minutes_label(minutes: int) -> str:
    return {15: _l("15 minutes"), 60: _l("1 hour"), 24 * 60: _l("1 day")}[minutes]


class MuteForm(KindredForm):
    minutes = RadioField(
        _l("For how long?"),
        choices=options([(str(m), _minutes_label(m)) for m in MUTE_CHOICES]),
        validators=[required(_l("Choose how long to pause their messages."))],
    )
    reason = TextAreaField(_l("Why? (optional — only volunteers see this)"), validators=[Optional(), Length(max=1000)])


def _slow_label(seconds: int) -> str:
    if seconds == 0:
        return _l("Off: members send as often as they like")
    if seconds < 60:
        return _l("One message every %(seconds)s seconds", seconds=seconds)
    return _l("One message every minute") if seconds == 60 else _l("One message every %(minutes)s minutes", minutes=seconds // 60)


class SlowModeForm(KindredForm):
    seconds = RadioField(
        _l("Slow mode"),
        choices=options([(str(s), _slow_label(s)) for s in SLOW_MODE_CHOICES]),
        validators=[required(_l("Choose how often each member may send a message."))],
    )


class PreferencesForm(KindredForm):
    appear_offline = BooleanField(_l("Appear offline: do not show me under \u201cWho\u2019s here\u201d"))
    dm_from_anyone = BooleanField(_l("Let any member send me private messages, not only people I am connected with"))
