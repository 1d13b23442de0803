"""Places and the waiting list: going (for yourself, or as a carer in someone's circle of support),
giving a place up, the waiting list moving on, a member's own meet-ups, and places given up when an
account is erased.
"""
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import formatting
from app.extensions import db
from app.facts import rsvp_for
from app.models import CalendarToken, Meetup, MeetupDraft, Rsvp, RsvpStatus, User
from app.models.types import utcnow
from app.services import circle, my_data
from app.services.errors import Conflict, Invalid, NotAllowed
from app.services.meetups.telling import _link, _people_with_places, _tell, _when

MAX_COMPANIONS = 3


def _take_places(meetup_id: int, seats: int) -> bool:
    """Hold seats if they fit. One conditional UPDATE: the database decides, so two people can
    never both take the last place (PostgreSQL re-checks the WHERE after the row lock; SQLite
    lets one writer at a time)."""
    result = db.session.execute(
        sa.update(Meetup)
        .where(Meetup.id == meetup_id)
        .where(sa.or_(Meetup.capacity.is_(None), Meetup.places_taken + seats <= Meetup.capacity))
        .values(places_taken=Meetup.places_taken + seats)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _release_places(meetup_id: int, seats: int) -> None:
    db.session.execute(
        sa.update(Meetup)
        .where(Meetup.id == meetup_id)
        .values(places_taken=sa.func.max(Meetup.places_taken - seats, 0) if db.engine.dialect.name == "sqlite" else sa.func.greatest(Meetup.places_taken - seats, 0))
        .execution_options(synchronize_session=False)
    )


def _check_acting_for(acting_member: User, member: User) -> None:
    """A carer may answer for the person only while in their circle of support (never for anyone else)."""
    if acting_member.id != member.id and not circle.acting_for(acting_member, member):
        raise NotAllowed(_("You can only do this for %(name)s while you are in their circle of support.", name=member.display_name))


def people_i_help(carer: User, meetup: Meetup) -> list[tuple[User, Rsvp | None]]:
    """The people whose circle of support `carer` is in, each with their place at this meet-up."""
    if not getattr(carer, "is_authenticated", False):
        return []
    people = circle.people_supported_by(carer)
    if not people:
        return []
    places = {
        row.member_id: row
        for row in db.session.scalars(sa.select(Rsvp).where(Rsvp.meetup_id == meetup.id, Rsvp.member_id.in_([p.id for p in people])))
    }
    return [(person, places.get(person.id)) for person in people]


def rsvp(member: User, meetup: Meetup, *, companions: int = 0, acting_member: User | None = None) -> Rsvp:
    """'I'm going': a place if one is free, otherwise a place on the waiting list.

    acting_member is who pressed the button (a carer in the member's circle of support can)."""
    acting_member = acting_member or member
    _check_acting_for(acting_member, member)
    if not meetup.is_published:
        raise NotAllowed(_("This meet-up is not open for places."))
    if meetup.starts_at <= utcnow():
        raise NotAllowed(_("This meet-up has already started, so places are closed."))
    if not 0 <= companions <= MAX_COMPANIONS:
        raise Invalid(_("You can bring up to %(most)s companions.", most=MAX_COMPANIONS), field="companions")
    existing = rsvp_for(member, meetup)
    if existing is not None and existing.status == RsvpStatus.GOING:
        return _change_companions(existing, meetup, companions, acting_member)
    if existing is not None and existing.status == RsvpStatus.WAITING:
        existing.companions = companions
        existing.updated_at = utcnow()
        db.session.commit()
        return existing
    row = existing or Rsvp(meetup_id=meetup.id, member_id=member.id)
    row.companions = companions
    row.acted_by_id = acting_member.id
    row.updated_at = utcnow()
    if _take_places(meetup.id, 1 + companions):
        row.status, row.waiting_since = RsvpStatus.GOING, None
    else:
        row.status, row.waiting_since = RsvpStatus.WAITING, utcnow()
    db.session.add(row)
    if acting_member.id != member.id:
        what = "said you are going to" if row.status == RsvpStatus.GOING else "put you on the waiting list for"
        circle.record_on_behalf(acting_member, member, "rsvp", f"{what} “{meetup.title}”, {formatting.time_range(meetup.starts_at, meetup.ends_at)}.")
    try:
        db.session.commit()
    except IntegrityError:
        # The same person pressed twice at once: the other request already saved their place.
        db.session.rollback()
        return rsvp_for(member, meetup)
    db.session.expire(meetup, ["places_taken"])
    return row


def _change_companions(row: Rsvp, meetup: Meetup, companions: int, acting_member: User) -> Rsvp:
    difference = companions - row.companions
    if difference == 0:
        return row
    if difference > 0 and not _take_places(meetup.id, difference):
        db.session.rollback()
        raise Conflict(_("There is not enough room for more companions. Your own place is still kept."), field="companions")
    if difference < 0:
        _release_places(meetup.id, -difference)
    row.companions = companions
    row.acted_by_id = acting_member.id
    row.updated_at = utcnow()
    db.session.commit()
    db.session.expire(meetup, ["places_taken"])
    if difference < 0:
        promote_waiting(meetup)
    return row


def leave(member: User, meetup: Meetup, *, acting_member: User | None = None) -> Rsvp | None:
    """'I can't go any more': give the place back; the first person waiting gets it."""
    acting_member = acting_member or member
    _check_acting_for(acting_member, member)
    row = rsvp_for(member, meetup)
    if row is None or row.status == RsvpStatus.CANCELLED:
        return row
    was_going = row.status == RsvpStatus.GOING
    changed = db.session.execute(
        sa.update(Rsvp)
        .where(Rsvp.id == row.id, Rsvp.status == row.status)
        .values(status=RsvpStatus.CANCELLED, waiting_since=None, acted_by_id=acting_member.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        return row
    if was_going:
        _release_places(meetup.id, row.seats)
    if acting_member.id != member.id:
        circle.record_on_behalf(acting_member, member, "rsvp", f"gave up your place at “{meetup.title}”, {formatting.time_range(meetup.starts_at, meetup.ends_at)}.")
    db.session.commit()
    db.session.expire(row)
    db.session.expire(meetup, ["places_taken"])
    if was_going:
        promote_waiting(meetup, actor=member)
    return row


def promote_waiting(meetup: Meetup, actor: User | None = None) -> list[Rsvp]:
    """Give free places to people waiting, strictly in the order they joined the list, and tell them."""
    promoted = []
    while meetup.is_published:
        first = db.session.scalar(
            sa.select(Rsvp)
            .where(Rsvp.meetup_id == meetup.id, Rsvp.status == RsvpStatus.WAITING)
            .order_by(Rsvp.waiting_since, Rsvp.id)
            .limit(1)
        )
        if first is None:
            break
        # Both conditional: two people leaving at once cannot promote the same person twice.
        moved = db.session.execute(
            sa.update(Rsvp)
            .where(Rsvp.id == first.id, Rsvp.status == RsvpStatus.WAITING)
            .values(status=RsvpStatus.GOING, waiting_since=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            db.session.rollback()
            continue
        if not _take_places(meetup.id, first.seats):
            db.session.rollback()
            break
        db.session.commit()
        db.session.expire(first)
        promoted.append(first)
    db.session.expire(meetup, ["places_taken"])
    for row in promoted:
        _tell(
            row.member,
            "place_offered",
            _l("You have a place at %(title)s", title=meetup.title),
            _l("A place has come up at “%(title)s” on %(when)s, and it is yours now.", title=meetup.title,
               when=_when(meetup)),
            _link(meetup),
            actor=actor,
            meetup=meetup,
        )
    return promoted


def waiting_position(row: Rsvp) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Rsvp.id)).where(
                Rsvp.meetup_id == row.meetup_id,
                Rsvp.status == RsvpStatus.WAITING,
                sa.or_(Rsvp.waiting_since < row.waiting_since, sa.and_(Rsvp.waiting_since == row.waiting_since, Rsvp.id < row.id)),
            )
        )
        + 1
    )


def going_list(meetup: Meetup) -> tuple[list[Rsvp], list[Rsvp]]:
    rows = _people_with_places(meetup)
    going = [row for row in rows if row.status == RsvpStatus.GOING]
    waiting = sorted((row for row in rows if row.status == RsvpStatus.WAITING), key=lambda row: (row.waiting_since, row.id))
    return going, waiting


def my_meetups(member: User) -> list[tuple[Meetup, Rsvp]]:
    rows = db.session.execute(
        sa.select(Meetup, Rsvp)
        .join(Rsvp, Rsvp.meetup_id == Meetup.id)
        .where(Rsvp.member_id == member.id, Rsvp.status != RsvpStatus.CANCELLED, Meetup.ends_at > utcnow())
        .order_by(Meetup.starts_at)
    ).all()
    return [(meetup, row) for meetup, row in rows]


# ---- Erasing an account: places given up ----


@my_data.eraser("meetups")  # meet-ups own the rule for giving up a place
def erase_meetups(user: User) -> None:
    """Places at meet-ups still to come are given up (the first person waiting gets them)."""
    upcoming = db.session.scalars(
        sa.select(Meetup).join(Rsvp, Rsvp.meetup_id == Meetup.id)
        .where(Rsvp.member_id == user.id, Rsvp.status != RsvpStatus.CANCELLED, Meetup.starts_at > utcnow())
    ).all()
    for meetup in upcoming:
        leave(user, meetup)
    db.session.execute(sa.delete(Rsvp).where(Rsvp.member_id == user.id))
    db.session.execute(sa.update(Rsvp).where(Rsvp.acted_by_id == user.id).values(acted_by_id=None))
    db.session.execute(sa.delete(MeetupDraft).where(MeetupDraft.author_id == user.id))
    db.session.execute(sa.delete(CalendarToken).where(CalendarToken.user_id == user.id))
