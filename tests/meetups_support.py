"""Shared set-up for the meet-up stories: Hope's verified organisation and listing meet-ups
through the same services (draft, answers, finish) as the stepped form."""
from datetime import timedelta

from app.formatting import local
from app.models.types import utcnow
from app.services import meetups, organisations


def hope_dementia_care(hope, root):
    """Hope makes the organisation page; root verifies it."""
    org = organisations.create(
        hope, name="Hope Dementia Care", kind="charity", registration="1234567", website="https://hope.example.org",
        description="Memory cafés across Cheshire.", contact_email="hello@hope.example.org", contact_phone="01244 000000",
    )
    organisations.verify(root, org, approve=True, reason="Charity number checked")
    return org


def answers(**overrides):
    day = local(utcnow() + timedelta(days=7)).date()
    base = {
        "title": "Memory café",
        "description": "Tea, cake and music.\nEveryone welcome.",
        "cost_kind": "free",
        "cost": "",
        "date": day.isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "repeat": "none",
        "repeat_count": "",
        "attendance": "in_person",
        "venue_name": "St Mary's Centre",
        "address": "1 Bridge Street",
        "town": "Chester",
        "postcode": "ch1 1aa",
        "joining_link": "",
        "dial_in": "",
        "contact_phone": "07700 900123",
        "audience": "both",
        "capacity": "",
        "organisation_id": "",
        "access": {"step_free": "yes", "hearing_loop": "yes", "carers_free": "yes"},
    }
    base.update(overrides)
    return base


def list_meetup(author, organisation=None, **overrides):
    """List a meet-up as the stepped form does; returns the first (or only) date."""
    draft = meetups.start_draft(author)
    if organisation is not None:
        overrides.setdefault("organisation_id", str(organisation.id))
    meetups.save_answers(draft, answers(**overrides))
    return meetups.finish_draft(author, draft)[0]
