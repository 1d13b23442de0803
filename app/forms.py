"""Shared form pieces: kind validation messages and the helpers every feature's forms use."""
from babel import support
from flask_babel import get_locale, lazy_gettext as _l
from flask import current_app, flash
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms.i18n import messages_path
from wtforms import EmailField, PasswordField, RadioField, SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, Length, ValidationError

from app.security import csrf_secret, csrf_token
from app.services.errors import ServiceError


class _SessionsSignedToken(_FlaskFormCSRF):  # noqa: SLF001 - Flask-WTF's own, as FlaskForm.Meta uses it
    """A form's CSRF token as the templates' csrf_token gives it: signed once per session
    (app/security.py), not when each form is made."""

    def generate_csrf_token(self, csrf_token_field):
        if self.meta.csrf_secret != csrf_secret(current_app):
            return super().generate_csrf_token(csrf_token_field)  # a form with a secret of its own
        return csrf_token()


class KindredForm(FlaskForm):
    """Every form's base. Its hidden CSRF field has no id: a page with several forms (a profile,
    a chat room for a volunteer) would otherwise repeat id="csrf_token", which is invalid HTML."""

    class Meta(FlaskForm.Meta):
        csrf_class = _SessionsSignedToken

        def render_field(self, field, render_kw):
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _WTFORMS_WORDS


def field_names(form_class) -> tuple[str, ...]:
    """A form class's field names in the order they were declared (fields added after the class
    statement, by setattr, come last), without making a form."""
    fields = [(getattr(form_class, name).creation_counter, name) for name in dir(form_class)
              if not name.startswith("_") and isinstance(getattr(form_class, name), UnboundField)]
    return tuple(name for _counter, name in sorted(fields))


class _WTFormsWords:
    """WTForms' own messages in the page's language, as Flask-WTF gives them, but with each
    language's catalogue read from disk once per process (Flask-WTF reads it again for every
    request that makes a form: half a millisecond of a member's thread page, issue 15)."""

    catalogues: dict = {}

    def _catalogue(self):
        locale = get_locale()
        key = str(locale)
        catalogue = self.catalogues.get(key)
        if catalogue is None:
            catalogue = self.catalogues[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
        return catalogue

    def gettext(self, string):
        return self._catalogue().ugettext(string)

    def ngettext(self, singular, plural, n):
        return self._catalogue().ungettext(singular, plural, n)


_WTFORMS_WORDS = _WTFormsWords()


class ChoiceField(RadioField):
    """Radio buttons that, when none is chosen (or a made-up value is sent), say what to do in
    `missing` instead of WTForms' "Not a valid choice."."""

    def __init__(self, label=None, validators=None, *, missing: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.missing = missing

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.iter_choices()}:
            raise ValidationError(self.missing)


def required(message: str):
    return DataRequired(message=message)


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as choices for a RadioField or SelectField (WTForms 3.4 drops raw tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class EmailAddressField(EmailField):
    """An email box; the service checks the form properly and explains problems."""

    def __init__(self, label=_l("Email address"), **kwargs):
        kwargs.setdefault("validators", [required(_l("Enter your email address."))])
        kwargs.setdefault("render_kw", {"autocomplete": "email", "spellcheck": "false"})
        super().__init__(label, **kwargs)


class NewPasswordField(PasswordField):
    def __init__(self, label=_l("Password"), **kwargs):
        kwargs.setdefault("validators", [required(_l("Enter a password.")), Length(max=1000)])
        kwargs.setdefault("render_kw", {"autocomplete": "new-password"})
        super().__init__(label, **kwargs)


def add_service_error(form: FlaskForm, error) -> None:
    """Show a service's sentence next to the field it is about (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def flash_service_call(call, success: str, category: str = "success") -> bool:
    """Run a service call from a button (no form to show errors on): its ServiceError sentence is
    flashed as an error, else the `success` sentence in `category`. True when it worked.
    The one form of the try / except ServiceError / flash block the routes used to repeat."""
    try:
        call()
    except ServiceError as error:
        flash(error.message, "error")
        return False
    flash(success, category)
    return True
