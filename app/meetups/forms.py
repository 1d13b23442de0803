"""Forms for listing, finding and going to meet-ups. Forms check shapes; services enforce rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from app.forms import ChoiceField, KindredForm, options, required
from app.models import ACCESS_FEATURES
from app.models.meetups import MEETUP_AUDIENCE_LABELS
from app.services.meetups import DESCRIPTION_LIMIT, MAX_COMPANIONS, MESSAGE_LIMIT

ACCESS_CHOICES = [("yes", _l("Yes")), ("no", _l("No")), ("unknown", _l("Not sure"))]


class StepOneForm(KindredForm):
    title = StringField(_l("Name of the meet-up"), render_kw={"autocomplete": "off"})
    description = TextAreaField(_l("What happens there"))
    cost_kind = ChoiceField(_l("Does it cost anything?"), choices=options([("free", _l("Free")), ("paid", _l("It costs something"))]),
                            missing=_l("Choose whether the meet-up is free or costs something."))
    cost = StringField(_l("Cost in pounds"), render_kw={"inputmode": "decimal", "autocomplete": "off"})


class StepTwoForm(KindredForm):
    date = StringField(_l("Date"), render_kw={"type": "date", "autocomplete": "off"})
    start_time = StringField(_l("Start time"), render_kw={"type": "time", "autocomplete": "off"})
    end_time = StringField(_l("End time"), render_kw={"type": "time", "autocomplete": "off"})
    repeat = RadioField(
        _l("Does it repeat?"),
        choices=options([
            ("none", _l("No, it happens once")),
            ("weekly", _l("Every week")),
            ("fortnightly", _l("Every other week")),
            ("monthly", _l("Every month, on the same weekday (like the first Tuesday)")),
        ]),
        default="none",
    )
    repeat_count = StringField(_l("How many dates should we list?"), render_kw={"inputmode": "numeric", "autocomplete": "off"})


class StepThreeForm(KindredForm):
    attendance = ChoiceField(
        _l("How do people take part?"),
        choices=options([("in_person", _l("In person")), ("online", _l("Online or by phone")), ("both", _l("Both"))]),
        missing=_l("Choose how people take part: in person, online or by phone, or both."),
    )
    venue_name = StringField(_l("Name of the venue"), render_kw={"autocomplete": "off"})
    address = StringField(_l("Street address"), render_kw={"autocomplete": "off"})
    town = StringField(_l("Town or city"), render_kw={"autocomplete": "off"})
    postcode = StringField(_l("Postcode"), render_kw={"autocomplete": "off", "spellcheck": "false"})
    joining_link = StringField(_l("Joining link"), render_kw={"type": "url", "autocomplete": "off", "spellcheck": "false"})
    dial_in = StringField(_l("Phone number to dial in"), render_kw={"type": "tel", "autocomplete": "off"})
    contact_phone = StringField(_l("Phone number for the day (optional)"), render_kw={"type": "tel", "autocomplete": "off"})


def step_four_form(organisations, *args, **kwargs):
    class StepFourForm(KindredForm):
        audience = RadioField(_l("Who is it for?"), choices=options([(item.value, label) for item, label in MEETUP_AUDIENCE_LABELS.items()]))
        capacity = StringField(_l("How many places are there? (optional)"), render_kw={"inputmode": "numeric", "autocomplete": "off"})
        organisation_id = RadioField(
            _l("Who is listing it?"),
            choices=options([("", _l("Just me"))] + [(str(org.id), org.name) for org in organisations]),
            default="",
        )

    for key, label in ACCESS_FEATURES:
        setattr(StepFourForm, f"access_{key}", RadioField(label, choices=options(ACCESS_CHOICES), default="unknown"))
    return StepFourForm(*args, **kwargs)


class GoingForm(KindredForm):
    companions = SelectField(
        _l("How many companions or carers are coming with you?"),
        choices=options([(str(n), _l("None, just me") if n == 0 else str(n)) for n in range(MAX_COMPANIONS + 1)]),
        default="0",
    )


class DecisionForm(KindredForm):
    decision = RadioField(
        _l("Your decision"),
        choices=options([("approve", _l("Approve and publish")), ("decline", _l("Do not publish"))]),
        validators=[required(_l("Choose whether to publish this meet-up."))],
    )
    reason = TextAreaField(
        _l("Reason (the organiser will read this; needed if you do not publish)"),
        validators=[Length(max=1000, message=_l("Keep the reason to 1,000 characters or fewer."))],
    )


class CancelForm(KindredForm):
    reason = TextAreaField(
        _l("Tell people why (optional)"),
        validators=[Length(max=1000, message=_l("Keep the reason to 1,000 characters or fewer."))],
    )


class MessageForm(KindredForm):
    message = TextAreaField(
        _l("Your message"),
        validators=[
            required(_l("Write the message you want to send.")),
            Length(max=MESSAGE_LIMIT, message=_l("Keep the message to %(limit)s characters or fewer.", limit=f"{MESSAGE_LIMIT:,}")),
        ],
    )


class FilterForm(KindredForm):
    """The GET form on /meetups: works without JavaScript; no CSRF needed for a search."""

    class Meta:
        csrf = False

    near = StringField(_l("Near a town or postcode"), render_kw={"autocomplete": "postal-code"})
    miles = SelectField(_l("Within"), choices=options([("5", _l("5 miles")), ("10", _l("10 miles")), ("25", _l("25 miles"))]), default="10")
    audience = RadioField(
        _l("Who is it for?"),
        choices=options([("", _l("Anyone")), ("living_with_dementia", _l("People living with dementia")), ("carers", _l("Carers"))]),
        default="",
    )
    free_only = BooleanField(_l("Free meet-ups only"))
    online_only = BooleanField(_l("Online meet-ups only"))


for _key, _label in ACCESS_FEATURES:
    setattr(FilterForm, _key, BooleanField(_label))


class OrganisationForm(KindredForm):
    name = StringField(_l("Name of the organisation"), validators=[required(_l("Enter the name of the organisation."))], render_kw={"autocomplete": "organization"})
    kind = RadioField(
        _l("What kind of organisation is it?"),
        choices=options([("charity", _l("A registered charity")), ("council", _l("A council or NHS team")), ("other", _l("Something else"))]),
        validators=[required(_l("Choose what kind of organisation it is."))],
    )
    registration = StringField(_l("Charity number (optional)"), render_kw={"autocomplete": "off"})
    website = StringField(_l("Website (optional)"), render_kw={"type": "url", "autocomplete": "url"})
    description = TextAreaField(_l("What the organisation does"))
    contact_email = EmailField(_l("Email address for enquiries (optional)"), render_kw={"autocomplete": "email"})
    contact_phone = StringField(_l("Phone number for enquiries (optional)"), render_kw={"type": "tel", "autocomplete": "tel"})


class EditOrganisationForm(OrganisationForm):
    logo = FileField(_l("Logo (optional)"))
    remove_logo = BooleanField(_l("Remove the logo"))


class AddMemberForm(KindredForm):
    email = EmailField(_l("Their email address"), validators=[required(_l("Enter their email address."))], render_kw={"autocomplete": "off"})


class VerifyForm(KindredForm):
    decision = RadioField(
        _l("Your decision"),
        choices=options([("verify", _l("Verify this organisation")), ("unverify", _l("Do not verify"))]),
        validators=[required(_l("Choose whether to verify this organisation."))],
    )
    reason = TextAreaField(_l("Note for the record (optional)"), validators=[Length(max=1000, message=_l("Keep the note to 1,000 characters or fewer."))])
