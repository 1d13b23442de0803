"""Forms for wellbeing check-ins."""
from app.forms import KindredForm
from wtforms import RadioField
from wtforms.validators import Optional


class ChoiceForm(KindredForm):
    """Start, stop or begin check-ins: the button pressed says which."""


class AnswerForm(KindredForm):
    # The service checks the choice, with a sentence a person can act on.
    answer = RadioField(coerce=int, validators=[Optional()], validate_choice=False)
