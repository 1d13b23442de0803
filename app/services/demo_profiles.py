"""Demo profiles, a connection and a circle of support for the cast (idempotent)."""
import sqlalchemy as sa

from app.extensions import db
from app.models import CircleLink, CircleStatus, Connection, ConnectionStatus, Visibility
from app.models.types import utcnow
from app.services import profiles

PROFILES = {
    "alice": dict(
        about="I was a primary school teacher for thirty years. I love my garden and my two cats.",
        helps_me="Give me time to answer. Short messages are best.",
        interests="gardening, cats, choir singing",
        town="Chester",
    ),
    "bob": dict(
        about="Alice's son. I help Mum with the computer and I am learning about dementia as we go.",
        helps_me="I work shifts, so I may reply late in the evening.",
        interests="football, cooking, walking",
        town="Ellesmere Port",
    ),
    "maya": dict(
        about="Volunteer moderator. I used to be a nurse on a memory clinic.",
        helps_me="",
        interests="knitting, crosswords",
        town="Chester",
    ),
    "hope": dict(
        about="Hope Dementia Care runs memory cafés and walking groups across Cheshire.",
        helps_me="",
        interests="memory cafés, walking groups, singing for the brain",
        town="Cheshire West",
    ),
}


def seed_profiles(cast: dict) -> None:
    for handle, fields in PROFILES.items():
        member = cast[handle]
        if member.profile is None:
            profile = profiles.ensure_profile(member)
            for name, value in fields.items():
                setattr(profile, name, value)
            if handle == "hope":
                for name in ("about", "interests", "town"):
                    setattr(profile, f"{name}_visibility", Visibility.EVERYONE)
    alice, bob = cast["alice"], cast["bob"]
    pair = sa.or_(
        sa.and_(Connection.requester_id == alice.id, Connection.addressee_id == bob.id),
        sa.and_(Connection.requester_id == bob.id, Connection.addressee_id == alice.id),
    )
    if db.session.scalar(sa.select(Connection).where(pair)) is None:
        db.session.add(Connection(requester_id=bob.id, addressee_id=alice.id, status=ConnectionStatus.ACCEPTED, accepted_at=utcnow()))
    link = db.session.scalar(sa.select(CircleLink).where(CircleLink.person_id == alice.id, CircleLink.carer_id == bob.id))
    if link is None:
        db.session.add(CircleLink(person_id=alice.id, carer_id=bob.id, requested_by_id=alice.id, status=CircleStatus.ACTIVE, started_at=utcnow()))
    db.session.commit()
