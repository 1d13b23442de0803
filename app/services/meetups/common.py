"""What several parts of meet-ups share: the access answers, the fields a meet-up is made of, who may see
one, and the organisations a member lists for.
"""
import sqlalchemy as sa

from app.extensions import db
from app.facts import is_organiser
from app.models import ACCESS_FEATURES, Meetup, MeetupStatus, Organisation, OrganisationMember, User
from app.permissions import can_moderate
from app.services import personal_details

ACCESS_KEYS = [key for key, _ in ACCESS_FEATURES]

MEETUP_FIELDS = (
    "title description cost_pence starts_at ends_at in_person online venue_name address town postcode latitude "
    "longitude joining_link dial_in contact_phone audience capacity"
).split() + [f"access_{key}" for key in ACCESS_KEYS]


# ---- Who may do what ----


def organisations_of(user: User) -> list[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .join(OrganisationMember)
            .where(OrganisationMember.user_id == user.id)
            .order_by(Organisation.name)
        )
    )


def can_see(user: User, meetup: Meetup) -> bool:
    if meetup.status in (MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED):
        return True
    return is_organiser(user, meetup) or can_moderate(user)


def _numbers_of(organisation: Organisation | None) -> frozenset[str]:
    """A verified organisation may share the numbers on its own page (and its meet-ups' contact phone)."""
    if organisation is None or not organisation.is_verified:
        return frozenset()
    return personal_details.numbers_in(" ".join(str(value or "") for value in vars(organisation).values() if isinstance(value, str)))
