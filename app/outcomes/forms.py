"""The period and area of an outcomes report (a GET form: choosing changes nothing)."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.forms import KindredForm, options

from app.services import outcomes, places


class ChooseForm(KindredForm):
    class Meta:
        csrf = False

    first = SelectField(_l("From the start of"))
    last = SelectField(_l("To the end of"))
    area = SelectField(_l("Area"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        months = [(month.key, month.name) for month in outcomes.month_choices()]
        self.first.choices = months
        self.last.choices = months
        self.area.choices = options([(area.key, area.name) for area in places.area_choices()])
