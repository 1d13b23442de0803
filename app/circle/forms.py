"""Forms for the circle of support."""
from flask_wtf import FlaskForm
from wtforms import RadioField

from app.forms import required


class InviteForm(FlaskForm):
    carer = RadioField("Who would you like to invite?", coerce=int, validators=[required("Choose the person you would like to invite.")])
