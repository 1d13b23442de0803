"""Forms for administrators."""
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length

from app.forms import KindredForm, options, required


class ApprovalForm(KindredForm):
    decision = RadioField(
        "Your decision",
        choices=options([("approve", "Approve"), ("decline", "Decline")]),
        validators=[required("Choose approve or decline.")],
    )
    reason = TextAreaField("Note for the record (optional)", validators=[Length(max=1000, message="Keep the note to 1,000 characters or fewer.")])
