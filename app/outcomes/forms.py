"""The period and area of an outcomes report (a GET form: choosing changes nothing)."""
from app.forms import KindredForm, options
from wtforms import SelectField

from app.services import outcomes, places


class ChooseForm(KindredForm):
    class Meta:
        csrf = False

    first = SelectField("From the start of")
    last = SelectField("To the end of")
    area = SelectField("Area", choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        months = [(month.key, month.name) for month in outcomes.month_choices()]
        self.first.choices = months
        self.last.choices = months
        self.area.choices = options([(area.key, area.name) for area in places.area_choices()])
