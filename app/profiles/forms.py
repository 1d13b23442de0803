"""Forms for editing a profile, searching the directory and confirming a block."""
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import KindredForm, options, required
from app.models.profiles import FIELD_LABELS, VISIBILITY_LABELS, Visibility

VISIBILITY_CHOICES = [(level.value, VISIBILITY_LABELS[level]) for level in Visibility]


def _who_can_see(field_name: str) -> RadioField:
    label = f"Who can see your {FIELD_LABELS[field_name].lower()}?"
    return RadioField(label, choices=options(VISIBILITY_CHOICES), validators=[required(f"Choose who can see your {FIELD_LABELS[field_name].lower()}.")])


class EditProfileForm(KindredForm):
    photo = FileField("Photo")
    remove_photo = BooleanField("Remove my photo")
    photo_visibility = _who_can_see("photo")
    about = TextAreaField("About me", validators=[Optional(), Length(max=2000, message="About me can be up to 2,000 characters. Please make it a little shorter.")])
    about_visibility = _who_can_see("about")
    helps_me = TextAreaField("Things that help me", validators=[Optional(), Length(max=1000, message="Things that help me can be up to 1,000 characters. Please make it a little shorter.")])
    helps_me_visibility = _who_can_see("helps_me")
    interests = StringField("Interests", validators=[Optional(), Length(max=300, message="Interests can be up to 300 characters. Please make them a little shorter.")])
    interests_visibility = _who_can_see("interests")
    town = StringField("Town or area", validators=[Optional(), Length(max=80, message="Town or area can be up to 80 characters.")], render_kw={"autocomplete": "address-level2"})
    town_visibility = _who_can_see("town")


class DirectorySearchForm(KindredForm):
    class Meta:
        csrf = False  # a GET search: nothing changes

    q = StringField("Search by name, town or interest", validators=[Optional(), Length(max=80)])


class ConfirmForm(KindredForm):
    """Only a button (and the CSRF token)."""
