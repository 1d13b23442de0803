"""The notification settings form: one set of radios per kind of notification."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import AnyOf

from app.forms import KindredForm, options, required
from app.services import notifications


def preferences_form(user, formdata=None):
    """Built per request, because the fields come from the kinds registry."""
    fields = {}
    current = notifications.preferences_for(user)
    for kind, info in notifications.kinds_for(user).items():
        if info.can_turn_off:
            fields[kind] = RadioField(
                info.label,
                choices=options(notifications.DELIVERY_CHOICES),
                default=current[kind],
                validators=[required(_l("Choose how you want to hear about this.")), AnyOf(list(notifications.DELIVERY_WORDS))],
            )
    form_class = type("NotificationPreferencesForm", (KindredForm,), fields)
    return form_class() if formdata is None else form_class(formdata=formdata)


class SimpleChoiceForm(KindredForm):
    choice = RadioField(_l("What should we email you?"), choices=options(notifications.SIMPLE_CHOICES),
                        validators=[required(_l("Choose what we should email you.")), AnyOf([c for c, _ in notifications.SIMPLE_CHOICES])])
