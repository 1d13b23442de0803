"""Forms for editing a profile, searching the directory and confirming a block."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import KindredForm, options, required
from app.models.profiles import Visibility
from app.services.profiles import CHOOSE_WHO_CAN_SEE, VISIBILITY_TITLES

VISIBILITY_CHOICES = [(level.value, VISIBILITY_TITLES[level]) for level in Visibility]

# Whole questions, so that each can be translated (not "Who can see your " + a lowered label).
WHO_CAN_SEE_QUESTIONS = {
    "photo": _l("Who can see your photo?"),
    "about": _l("Who can see your about me?"),
    "helps_me": _l("Who can see your things that help me?"),
    "interests": _l("Who can see your interests?"),
    "town": _l("Who can see your town or area?"),
}


def _who_can_see(field_name: str) -> RadioField:
    return RadioField(WHO_CAN_SEE_QUESTIONS[field_name], choices=options(VISIBILITY_CHOICES),
                      validators=[required(CHOOSE_WHO_CAN_SEE[field_name])])


class EditProfileForm(KindredForm):
    photo = FileField(_l("Photo"))
    remove_photo = BooleanField(_l("Remove my photo"))
    photo_visibility = _who_can_see("photo")
    about = TextAreaField(_l("About me"), validators=[Optional(), Length(max=2000, message=_l("About me can be up to 2,000 characters. Please make it a little shorter."))])
    about_visibility = _who_can_see("about")
    helps_me = TextAreaField(_l("Things that help me"), validators=[Optional(), Length(max=1000, message=_l("Things that help me can be up to 1,000 characters. Please make it a little shorter."))])
    helps_me_visibility = _who_can_see("helps_me")
    interests = StringField(_l("Interests"), validators=[Optional(), Length(max=300, message=_l("Interests can be up to 300 characters. Please make them a little shorter."))])
    interests_visibility = _who_can_see("interests")
    town = StringField(_l("Town or area"), validators=[Optional(), Length(max=80, message=_l("Town or area can be up to 80 characters."))], render_kw={"autocomplete": "address-level2"})
    town_visibility = _who_can_see("town")


class DirectorySearchForm(KindredForm):
    class Meta:
        csrf = False  # a GET search: nothing changes

    q = StringField(_l("Search by name, town or interest"), validators=[Optional(), Length(max=80)])


class ConfirmForm(KindredForm):
    """Only a button (and the CSRF token)."""
