"""Demo content for `make run`: the cast from PRODUCT.md, created through the real services."""
import sqlalchemy as sa

from app.extensions import db
from app.models import ApprovalStatus, HelpRequest, Meetup, Organisation, Role, User
from app.models.types import utcnow
from app.services import accounts, chat, help_requests, meetups, organisations
from app.services.forum_demo import seed_forums
from app.services.demo_profiles import seed_profiles
from app.services.moderation_demo import seed_moderation
from app.formatting import local

DEMO_PASSWORD = "kindred-demo-garden"

CAST = [
    ("alice", "Alice Morgan", Role.LIVING_WITH_DEMENTIA),
    ("bob", "Bob Morgan", Role.CARER),
    ("maya", "Maya Patel", Role.VOLUNTEER),
    ("hope", "Hope Dementia Care", Role.ORGANISATION),
    ("root", "Kindred Admin", Role.VOLUNTEER),
]


def _seed_forums(cast):
    seed_forums(cast)


# Later features add their own seeding here (forums, meet-ups, chat rooms), each idempotent.
def _seed_profiles(cast):
    seed_profiles(cast)


SEEDERS = [_seed_profiles, _seed_forums, chat.seed_demo]


def seed() -> int:
    created = 0
    for handle, name, role in CAST:
        address = f"{handle}@example.org"
        if db.session.scalar(sa.select(User).where(User.email == address)) is None:
            accounts.register(name, address, DEMO_PASSWORD, role, confirmed=True)
            created += 1
    cast = {handle: accounts.find_by_email(f"{handle}@example.org") for handle, _, _ in CAST}
    for handle in ("maya", "hope", "root"):
        member = cast[handle]
        if member.approval != ApprovalStatus.APPROVED:
            member.approval = ApprovalStatus.APPROVED
            member.approved_at = utcnow()
    cast["maya"].is_moderator = True
    cast["root"].is_moderator = True
    cast["root"].is_admin = True
    db.session.commit()
    # The cast are established members: their demo posts do not wait for approval. (The rule is back on
    # for Nina, in the moderation demo.)
    from flask import current_app

    saved = {key: current_app.config.get(key) for key in ("MODERATION_FIRST_POSTS_HELD", "MODERATION_LINK_TRUSTED_AFTER")}
    current_app.config.update(MODERATION_FIRST_POSTS_HELD=0, MODERATION_LINK_TRUSTED_AFTER=0)
    try:
        for seeder in SEEDERS:
            seeder(cast)
    finally:
        current_app.config.update(saved)
    seed_moderation(cast, DEMO_PASSWORD)
    return created


def seed_meetups(cast) -> None:
    """Hope Dementia Care (verified) with a weekly memory café in Chester next Tuesday, a carers'
    coffee morning and a singing group; Alice going to the café. Safe to run again."""
    from datetime import timedelta

    hope = cast["hope"]
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Hope Dementia Care"))
    if org is None:
        org = organisations.create(
            hope, name="Hope Dementia Care", kind="charity", registration="1234567",
            website="https://hope-dementia-care.example.org",
            description="We run memory cafés, singing groups and carers' mornings across Cheshire.",
            contact_email="hello@hope-dementia-care.example.org", contact_phone="01244 496000",
        )
    if not org.is_verified:
        organisations.verify(cast["root"], org, approve=True, reason="Demo organisation")
    if db.session.scalar(sa.select(Meetup.id).where(Meetup.organisation_id == org.id).limit(1)) is not None:
        return
    today = local(utcnow()).date()
    next_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    common = {
        "cost_kind": "free", "cost": "", "repeat": "none", "repeat_count": "", "attendance": "in_person",
        "joining_link": "", "dial_in": "", "contact_phone": "07700 900123", "capacity": "",
        "organisation_id": str(org.id),
    }
    listings = [
        common | {
            "title": "Memory café", "description": "Tea, cake, music and friendly faces.\nCarers and companions go free.",
            "date": next_tuesday.isoformat(), "start_time": "14:00", "end_time": "16:00", "repeat": "weekly",
            "repeat_count": "8", "venue_name": "St Mary's Centre", "address": "St Mary's Hill", "town": "Chester",
            "postcode": "CH1 2DW", "audience": "both", "capacity": "20",
            "access": {"step_free": "yes", "hearing_loop": "yes", "carers_free": "yes", "accessible_toilet": "yes"},
        },
        common | {
            "title": "Carers' coffee morning", "description": "A relaxed chat for carers, with a short talk each month.",
            "date": (next_tuesday + timedelta(days=2)).isoformat(), "start_time": "10:00", "end_time": "11:30",
            "venue_name": "Hoole Community Centre", "address": "Westminster Road", "town": "Chester", "postcode": "CH2 3AW",
            "audience": "carers", "attendance": "both", "joining_link": "https://meet.example.org/carers",
            "access": {"step_free": "yes", "parking": "yes", "quiet_space": "yes"},
        },
        common | {
            "title": "Singing for the brain", "description": "Warm-ups and songs everyone knows. No experience needed.",
            "date": (next_tuesday + timedelta(days=3)).isoformat(), "start_time": "13:30", "end_time": "15:00",
            "venue_name": "Ellesmere Port Library", "address": "Civic Way", "town": "Ellesmere Port", "postcode": "CH65 0BG",
            "audience": "both", "cost_kind": "paid", "cost": "2.50", "capacity": "2",
            "access": {"step_free": "yes", "hearing_loop": "no", "public_transport": "yes", "trained_staff": "yes"},
        },
    ]
    created = []
    for answers in listings:
        draft = meetups.start_draft(hope)
        meetups.save_answers(draft, answers)
        created.append(meetups.finish_draft(hope, draft)[0])
    meetups.rsvp(cast["alice"], created[0], companions=1)
    meetups.rsvp(cast["alice"], created[2], companions=1)  # the singing group is now full
    meetups.rsvp(cast["bob"], created[2])  # so Bob waits


SEEDERS.append(seed_meetups)


def seed_help_requests(cast) -> None:
    """A visitor's question waiting in the volunteers' inbox (Ask a volunteer). Safe to run again."""
    if db.session.scalar(sa.select(HelpRequest.id).limit(1)) is None:
        help_requests.ask(None, "My dad was diagnosed last week. Is there a memory café near Ellesmere Port?", "email",
                          email_address="sam.visitor@example.org")


SEEDERS.append(seed_help_requests)
