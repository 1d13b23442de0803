"""The notification settings form: one set of radios per kind of notification."""
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import AnyOf

from app.forms import options, required
from app.services import notifications


def preferences_form(user, formdata=None):
    """Built per request, because the fields come from the kinds registry."""
    fields = {}
    current = notifications.preferences_for(user)
    for kind, info in notifications.KINDS.items():
        if info.can_turn_off:
            fields[kind] = RadioField(
                info.label,
                choices=options(notifications.DELIVERY_CHOICES),
                default=current[kind],
                validators=[required("Choose how you want to hear about this."), AnyOf(list(notifications.DELIVERY_WORDS))],
            )
    form_class = type("NotificationPreferencesForm", (FlaskForm,), fields)
    return form_class() if formdata is None else form_class(formdata=formdata)
