"""Forms for administrators."""
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length

from app.forms import options, required


class ApprovalForm(FlaskForm):
    decision = RadioField(
        "Your decision",
        choices=options([("approve", "Approve"), ("decline", "Decline")]),
        validators=[required("Choose approve or decline.")],
    )
    reason = TextAreaField("Note for the record (optional)", validators=[Length(max=1000, message="Keep the note to 1,000 characters or fewer.")])
