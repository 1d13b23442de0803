"""Forms for the circle of support."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from app.forms import KindredForm, required


class InviteForm(KindredForm):
    carer = RadioField(_l("Who would you like to invite?"), coerce=int, validators=[required(_l("Choose the person you would like to invite."))])
