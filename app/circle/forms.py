"""Forms for the circle of support."""
from wtforms import RadioField

from app.forms import KindredForm, required


class InviteForm(KindredForm):
    carer = RadioField("Who would you like to invite?", coerce=int, validators=[required("Choose the person you would like to invite.")])
