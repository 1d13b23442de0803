"""Forms for administrators."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length

from app.forms import KindredForm, options, required


class ApprovalForm(KindredForm):
    decision = RadioField(
        _l("Your decision"),
        choices=options([("approve", _l("Approve")), ("decline", _l("Decline"))]),
        validators=[required(_l("Choose approve or decline."))],
    )
    reason = TextAreaField(_l("Note for the record (optional)"), validators=[Length(max=1000, message=_l("Keep the note to 1,000 characters or fewer."))])
