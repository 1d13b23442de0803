"""Forms for wellbeing check-ins."""
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import Optional


class ChoiceForm(FlaskForm):
    """Start, stop or begin check-ins: the button pressed says which."""


class AnswerForm(FlaskForm):
    # The service checks the choice, with a sentence a person can act on.
    answer = RadioField(coerce=int, validators=[Optional()], validate_choice=False)
