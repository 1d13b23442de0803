"""Forms for listing, finding and going to meet-ups. Forms check shapes; services enforce rules."""
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from app.forms import ChoiceField, KindredForm, options, required
from app.models import ACCESS_FEATURES
from app.models.meetups import MEETUP_AUDIENCE_LABELS
from app.services.meetups import DESCRIPTION_LIMIT, MAX_COMPANIONS, MESSAGE_LIMIT

ACCESS_CHOICES = [("yes", "Yes"), ("no", "No"), ("unknown", "Not sure")]


class StepOneForm(KindredForm):
    title = StringField("Name of the meet-up", render_kw={"autocomplete": "off"})
    description = TextAreaField("What happens there")
    cost_kind = ChoiceField("Does it cost anything?", choices=options([("free", "Free"), ("paid", "It costs something")]),
                            missing="Choose whether the meet-up is free or costs something.")
    cost = StringField("Cost in pounds", render_kw={"inputmode": "decimal", "autocomplete": "off"})


class StepTwoForm(KindredForm):
    date = StringField("Date", render_kw={"type": "date", "autocomplete": "off"})
    start_time = StringField("Start time", render_kw={"type": "time", "autocomplete": "off"})
    end_time = StringField("End time", render_kw={"type": "time", "autocomplete": "off"})
    repeat = RadioField(
        "Does it repeat?",
        choices=options([
            ("none", "No, it happens once"),
            ("weekly", "Every week"),
            ("fortnightly", "Every other week"),
            ("monthly", "Every month, on the same weekday (like the first Tuesday)"),
        ]),
        default="none",
    )
    repeat_count = StringField("How many dates should we list?", render_kw={"inputmode": "numeric", "autocomplete": "off"})


class StepThreeForm(KindredForm):
    attendance = ChoiceField(
        "How do people take part?",
        choices=options([("in_person", "In person"), ("online", "Online or by phone"), ("both", "Both")]),
        missing="Choose how people take part: in person, online or by phone, or both.",
    )
    venue_name = StringField("Name of the venue", render_kw={"autocomplete": "off"})
    address = StringField("Street address", render_kw={"autocomplete": "off"})
    town = StringField("Town or city", render_kw={"autocomplete": "off"})
    postcode = StringField("Postcode", render_kw={"autocomplete": "off", "spellcheck": "false"})
    joining_link = StringField("Joining link", render_kw={"type": "url", "autocomplete": "off", "spellcheck": "false"})
    dial_in = StringField("Phone number to dial in", render_kw={"type": "tel", "autocomplete": "off"})
    contact_phone = StringField("Phone number for the day (optional)", render_kw={"type": "tel", "autocomplete": "off"})


def step_four_form(organisations, *args, **kwargs):
    class StepFourForm(KindredForm):
        audience = RadioField("Who is it for?", choices=options([(item.value, label) for item, label in MEETUP_AUDIENCE_LABELS.items()]))
        capacity = StringField("How many places are there? (optional)", render_kw={"inputmode": "numeric", "autocomplete": "off"})
        organisation_id = RadioField(
            "Who is listing it?",
            choices=options([("", "Just me")] + [(str(org.id), org.name) for org in organisations]),
            default="",
        )

    for key, label in ACCESS_FEATURES:
        setattr(StepFourForm, f"access_{key}", RadioField(label, choices=options(ACCESS_CHOICES), default="unknown"))
    return StepFourForm(*args, **kwargs)


class GoingForm(KindredForm):
    companions = SelectField(
        "How many companions or carers are coming with you?",
        choices=options([(str(n), "None, just me" if n == 0 else str(n)) for n in range(MAX_COMPANIONS + 1)]),
        default="0",
    )


class DecisionForm(KindredForm):
    decision = RadioField(
        "Your decision",
        choices=options([("approve", "Approve and publish"), ("decline", "Do not publish")]),
        validators=[required("Choose whether to publish this meet-up.")],
    )
    reason = TextAreaField(
        "Reason (the organiser will read this; needed if you do not publish)",
        validators=[Length(max=1000, message="Keep the reason to 1,000 characters or fewer.")],
    )


class CancelForm(KindredForm):
    reason = TextAreaField(
        "Tell people why (optional)",
        validators=[Length(max=1000, message="Keep the reason to 1,000 characters or fewer.")],
    )


class MessageForm(KindredForm):
    message = TextAreaField(
        "Your message",
        validators=[
            required("Write the message you want to send."),
            Length(max=MESSAGE_LIMIT, message=f"Keep the message to {MESSAGE_LIMIT:,} characters or fewer."),
        ],
    )


class FilterForm(KindredForm):
    """The GET form on /meetups: works without JavaScript; no CSRF needed for a search."""

    class Meta:
        csrf = False

    near = StringField("Near a town or postcode", render_kw={"autocomplete": "postal-code"})
    miles = SelectField("Within", choices=options([("5", "5 miles"), ("10", "10 miles"), ("25", "25 miles")]), default="10")
    audience = RadioField(
        "Who is it for?",
        choices=options([("", "Anyone"), ("living_with_dementia", "People living with dementia"), ("carers", "Carers")]),
        default="",
    )
    free_only = BooleanField("Free meet-ups only")
    online_only = BooleanField("Online meet-ups only")


for _key, _label in ACCESS_FEATURES:
    setattr(FilterForm, _key, BooleanField(_label))


class OrganisationForm(KindredForm):
    name = StringField("Name of the organisation", validators=[required("Enter the name of the organisation.")], render_kw={"autocomplete": "organization"})
    kind = RadioField(
        "What kind of organisation is it?",
        choices=options([("charity", "A registered charity"), ("council", "A council or NHS team"), ("other", "Something else")]),
        validators=[required("Choose what kind of organisation it is.")],
    )
    registration = StringField("Charity number (optional)", render_kw={"autocomplete": "off"})
    website = StringField("Website (optional)", render_kw={"type": "url", "autocomplete": "url"})
    description = TextAreaField("What the organisation does")
    contact_email = EmailField("Email address for enquiries (optional)", render_kw={"autocomplete": "email"})
    contact_phone = StringField("Phone number for enquiries (optional)", render_kw={"type": "tel", "autocomplete": "tel"})


class EditOrganisationForm(OrganisationForm):
    logo = FileField("Logo (optional)")
    remove_logo = BooleanField("Remove the logo")


class AddMemberForm(KindredForm):
    email = EmailField("Their email address", validators=[required("Enter their email address.")], render_kw={"autocomplete": "off"})


class VerifyForm(KindredForm):
    decision = RadioField(
        "Your decision",
        choices=options([("verify", "Verify this organisation"), ("unverify", "Do not verify")]),
        validators=[required("Choose whether to verify this organisation.")],
    )
    reason = TextAreaField("Note for the record (optional)", validators=[Length(max=1000)])
