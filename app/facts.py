"""Small read-only facts about members, read straight from the models.

The layers are models <- facts <- permissions <- services <- routes (the import-linter
contract in .importlinter checks it). Permission checks need a few facts that features own
(is this member suspended, are these two connected, has one blocked the other, is this
person going to that meet-up, may this carer act for that person). They live here, below
permissions, so that permissions never imports a service. The services re-export the ones
their callers already use, so `blocking.is_blocked` and `facts.is_blocked` are one function.

Nothing here writes: every function is one query (or a cached one) and returns a fact.
"""
import sqlalchemy as sa
from flask import g

from app.extensions import db
from app.models import (
    Block,
    ChatPreference,
    CircleLink,
    CircleStatus,
    Connection,
    ConnectionStatus,
    Meetup,
    Message,
    MessageStatus,
    OrganisationMember,
    Post,
    PostStatus,
    Rsvp,
    Sanction,
    SanctionKind,
    User,
)
from app.models.types import utcnow


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# ---- Sanctions (silences and suspensions) ----

def active_sanctions(user) -> list[Sanction]:
    """Silences and suspensions in force now. Cached for one request (cleared when one is added)."""
    if not _signed_in(user):
        return []
    if user.restricted_until is None or user.restricted_until <= utcnow():
        return []
    cache = g.setdefault("_kindred_sanctions", {})
    if user.id not in cache:
        now = utcnow()
        cache[user.id] = list(db.session.scalars(
            sa.select(Sanction).where(
                Sanction.member_id == user.id, Sanction.kind.in_((SanctionKind.SILENCE, SanctionKind.SUSPEND)),
                Sanction.lifted_at.is_(None), sa.or_(Sanction.until.is_(None), Sanction.until > now),
            ).order_by(Sanction.until.desc())
        ))
    return cache[user.id]


def forget_cached_sanctions() -> None:
    g.pop("_kindred_sanctions", None)


def suspension_of(user) -> Sanction | None:
    return next((s for s in active_sanctions(user) if s.kind == SanctionKind.SUSPEND), None)


def silence_of(user) -> Sanction | None:
    return suspension_of(user) or next((s for s in active_sanctions(user) if s.kind == SanctionKind.SILENCE), None)


def not_silenced(user) -> bool:
    """A signed-in member with no silence or suspension in force."""
    return _signed_in(user) and silence_of(user) is None


# ---- Blocks ----

def is_blocked(viewer: User | None, author: User | None) -> bool:
    """Has `viewer` blocked `author`? The forums use this to collapse the author's posts for the viewer."""
    if viewer is None or author is None or not _signed_in(viewer):
        return False
    return db.session.scalar(
        sa.select(sa.literal(True)).where(Block.blocker_id == viewer.id, Block.blocked_id == author.id)
    ) is not None


def either_blocked(a: User, b: User) -> bool:
    """True if either has blocked the other: they cannot connect, link or (later) message."""
    return db.session.scalar(
        sa.select(sa.literal(True)).where(
            sa.or_(
                sa.and_(Block.blocker_id == a.id, Block.blocked_id == b.id),
                sa.and_(Block.blocker_id == b.id, Block.blocked_id == a.id),
            )
        )
    ) is not None


# ---- Connections ----

def connection_pair(a: User, b: User):
    """The SQL condition for the connection between a and b, whichever of them asked."""
    return sa.or_(
        sa.and_(Connection.requester_id == a.id, Connection.addressee_id == b.id),
        sa.and_(Connection.requester_id == b.id, Connection.addressee_id == a.id),
    )


def connection_between(a: User, b: User) -> Connection | None:
    """The connection or request between two members, whichever of them asked."""
    return db.session.scalar(sa.select(Connection).where(connection_pair(a, b)))


def are_connected(a: User, b: User) -> bool:
    found = connection_between(a, b)
    return found is not None and found.status == ConnectionStatus.ACCEPTED


# ---- Circle of support ----

def circle_link(person: User, carer: User) -> CircleLink | None:
    return db.session.scalar(sa.select(CircleLink).where(CircleLink.person_id == person.id, CircleLink.carer_id == carer.id))


def acting_for(carer: User, person: User) -> bool:
    """May `carer` act for `person` right now? Features that let a carer act (RSVP) ask this first."""
    if carer is None or person is None or carer.id == person.id:
        return False
    link = circle_link(person, carer)
    return link is not None and link.status == CircleStatus.ACTIVE and not person.is_closing


# ---- Meet-ups ----

def is_organiser(user: User, meetup: Meetup) -> bool:
    """The author, or any member of the organisation it belongs to."""
    if not _signed_in(user):
        return False
    if meetup.author_id == user.id:
        return True
    if meetup.organisation_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(OrganisationMember.id).where(
                OrganisationMember.organisation_id == meetup.organisation_id, OrganisationMember.user_id == user.id
            )
        )
        is not None
    )


def rsvp_for(member: User, meetup: Meetup) -> Rsvp | None:
    if not _signed_in(member):
        return None
    return db.session.scalar(sa.select(Rsvp).where(Rsvp.meetup_id == meetup.id, Rsvp.member_id == member.id))


# ---- Chat preferences ----

def chat_preferences(user) -> ChatPreference:
    """The member's chat choices; defaults (not stored) when they never chose."""
    found = db.session.get(ChatPreference, user.id)
    return found or ChatPreference(user_id=user.id, dm_from_anyone=False, appear_offline=False)


def dm_from_anyone(user) -> bool:
    return chat_preferences(user).dm_from_anyone


def other_member(room, viewer) -> User | None:
    """The other person in a direct conversation."""
    return next((member.user for member in room.members if member.user_id != viewer.id), None)


# ---- Forums ----

def approved_post_count(author) -> int:
    """How many of this member's posts are published: the new-member rules count them."""
    return db.session.scalar(
        sa.select(sa.func.count(Post.id)).where(Post.author_id == author.id, Post.status == PostStatus.VISIBLE)
    ) or 0


def seen_message_count(author) -> int:
    """How many of this member's chat messages others have seen: the new-member rules count them."""
    return db.session.scalar(
        sa.select(sa.func.count(Message.id)).where(Message.author_id == author.id, Message.status == MessageStatus.VISIBLE)
    ) or 0
