"""Forms for wellbeing check-ins."""
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import Optional


class ChoiceForm(FlaskForm):
    """Start, stop or begin check-ins: the button pressed says which."""


class AnswerForm(FlaskForm):
    answer = RadioField(coerce=int, validators=[Optional()])
