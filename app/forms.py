"""Shared form pieces: kind validation messages and the helpers every feature's forms use."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice
from wtforms.validators import DataRequired, Length


def required(message: str):
    return DataRequired(message=message)


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as choices for a RadioField or SelectField (WTForms 3.4 drops raw tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class EmailAddressField(EmailField):
    """An email box; the service checks the form properly and explains problems."""

    def __init__(self, label="Email address", **kwargs):
        kwargs.setdefault("validators", [required("Enter your email address.")])
        kwargs.setdefault("render_kw", {"autocomplete": "email", "spellcheck": "false"})
        super().__init__(label, **kwargs)


class NewPasswordField(PasswordField):
    def __init__(self, label="Password", **kwargs):
        kwargs.setdefault("validators", [required("Enter a password."), Length(max=1000)])
        kwargs.setdefault("render_kw", {"autocomplete": "new-password"})
        super().__init__(label, **kwargs)


def add_service_error(form: FlaskForm, error) -> None:
    """Show a service's sentence next to the field it is about (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)
