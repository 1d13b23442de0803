"""The "Today" start page: what a member needs so that nothing relies on their memory.

It loads everything in six statements (the page's budget is 8; the signed-in member's row is
kept between pages, and the header's unread count comes beside what is new): the circle of
support, the next meet-ups of the member and the people in their circle, where they stopped
reading, their last chat room, what is new, and what they did recently.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.formatting import local
from app.models import (
    CircleLink,
    CircleStatus,
    Meetup,
    MeetupStatus,
    Notification,
    Post,
    PostStatus,
    Room,
    RoomMember,
    Rsvp,
    RsvpStatus,
    Thread,
    ThreadRead,
    User,
)
from app.models.types import UTCDateTime, utcnow
from app.permissions import can_read_category
from app.services import notifications
from app.services.forums import page_for_number

NEW_LIMIT = 5
RECENT_LIMIT = 4
# How many upcoming places (the member's and their circle's) one query reads: enough to find the
# next one for each person and who goes with them.
UPCOMING_LIMIT = 30


@dataclass
class NextMeetup:
    meetup: Meetup
    going_with: list[str]  # people from their circle of support who are going too
    booked_by: str | None = None  # the carer who booked the place, if it was not them


@dataclass
class PersonCard:
    """The card a carer sees for a person in their circle of support."""

    person: User
    next_meetup: NextMeetup | None


@dataclass
class RecentThing:
    kind: str  # "post" or "rsvp"
    words: str
    link: str
    at: datetime


@dataclass
class Today:
    member: User
    date_words: str
    greeting: str
    next_meetup: NextMeetup | None
    reading: tuple[Thread, int, str] | None  # the thread, the post number to carry on from, its link
    last_room: Room | None
    new: list[Notification]
    more_new: bool
    recent: list[RecentThing]
    supporting: list[PersonCard] = field(default_factory=list)


def date_words(now: datetime, zone: str | None = None) -> str:
    """Tuesday 1 December (Dydd Mawrth 1 Rhagfyr): Babel's day and month names for the page's language."""
    return format_date(local(now, zone), "EEEE d MMMM", locale=get_locale() or "en")


def greeting(now: datetime, zone: str | None = None) -> str:
    hour = local(now, zone).hour
    return _("Good morning") if hour < 12 else _("Good afternoon") if hour < 18 else _("Good evening")


def for_member(member: User, now: datetime | None = None) -> Today:
    now = now or utcnow()
    zone = member.timezone
    links = _circle(member)
    carers = {link.carer_id: link.carer for link in links if link.person_id == member.id}
    people = {link.person_id: link.person for link in links if link.carer_id == member.id}
    upcoming = _upcoming(member, [*carers, *people], now)
    new, more_new = _new_for(member)
    return Today(
        member=member,
        date_words=date_words(now, zone),
        greeting=greeting(now, zone),
        next_meetup=_next_for(member.id, upcoming, {**carers, **people}, member.id),
        reading=_carry_on_reading(member),
        last_room=_last_room(member),
        new=new,
        more_new=more_new,
        recent=_recent(member),
        # The person's own circle, seen from them, is the carer: "going with Alice" means the carer.
        supporting=[PersonCard(person, _next_for(person.id, upcoming, {member.id: member}, member.id)) for person in people.values()],
    )


# The page's statements are built once per process, their values bound parameters: putting a
# statement together (its joinedload options, a union) cost more CPU than running it, as on the
# forum pages (app/services/forums/reading.py): the start page's statements went from 5.4 to 2.7 ms
# of CPU in-process on the 1M-post bench, the whole page from 9.5-9.9 to 5.6-6.6 ms (bench/README.md).
_MEMBER = sa.bindparam("member_id", type_=sa.Integer)


@functools.cache
def _circle_statement():
    return (
        sa.select(CircleLink)
        # Only the names the page shows, not the circle's password hashes and email addresses.
        .options(joinedload(CircleLink.person).load_only(User.id, User.display_name),
                 joinedload(CircleLink.carer).load_only(User.id, User.display_name))
        .where(CircleLink.status == CircleStatus.ACTIVE,
               sa.or_(CircleLink.person_id == _MEMBER, CircleLink.carer_id == _MEMBER))
        .order_by(CircleLink.id)
    )


def _circle(member: User) -> list[CircleLink]:
    return list(db.session.scalars(_circle_statement(), {"member_id": member.id}))


@functools.cache
def _upcoming_statement():
    return (
        sa.select(Rsvp)
        .join(Rsvp.meetup)
        .options(joinedload(Rsvp.meetup))
        .where(Rsvp.member_id.in_(sa.bindparam("members", expanding=True)), Rsvp.status == RsvpStatus.GOING,
               Meetup.status == MeetupStatus.PUBLISHED, Meetup.ends_at > sa.bindparam("now", type_=UTCDateTime()))
        .order_by(Meetup.starts_at, Rsvp.id)
        .limit(UPCOMING_LIMIT)
    )


def _upcoming(member: User, circle_ids: list[int], now: datetime) -> list[Rsvp]:
    """Places at meet-ups still to come, for the member and everyone in their circle, soonest first."""
    return list(db.session.scalars(_upcoming_statement(), {"members": [member.id, *circle_ids], "now": now}))


def _next_for(member_id: int, upcoming: list[Rsvp], circle: dict[int, User], viewer_id: int) -> NextMeetup | None:
    mine = next((rsvp for rsvp in upcoming if rsvp.member_id == member_id), None)
    if mine is None:
        return None
    going_with = [
        circle[rsvp.member_id].display_name for rsvp in upcoming
        if rsvp.meetup_id == mine.meetup_id and rsvp.member_id in circle and rsvp.member_id != member_id
    ]
    booked_by = None
    if mine.acted_by_id == viewer_id and viewer_id != member_id:
        booked_by = _("you")
    elif mine.acted_by_id in circle and mine.acted_by_id != member_id:
        booked_by = circle[mine.acted_by_id].display_name
    return NextMeetup(mine.meetup, going_with, booked_by)


def _carry_on_reading(member: User) -> tuple[Thread, int, str] | None:
    """The thread they read last, and the first post they have not read (or the last one, when
    they read it all), so the link opens where they stopped."""
    row = db.session.execute(_carry_on_reading_statement(), {"member_id": member.id}).first()
    if row is None:
        return None
    thread, last_read = row
    if not can_read_category(member, thread.category) or (thread.is_hidden and thread.author_id != member.id):
        return None
    number = min(last_read + 1, max(thread.last_post_number, 1))
    return thread, number, _post_link(thread.id, number)


@functools.cache
def _carry_on_reading_statement():
    return (
        sa.select(Thread, ThreadRead.last_read_number)
        .options(joinedload(Thread.category))
        .join(ThreadRead, ThreadRead.thread_id == Thread.id)
        .where(ThreadRead.user_id == _MEMBER, Thread.is_deleted.is_(False))
        .order_by(ThreadRead.read_at.desc(), ThreadRead.id.desc())
        .limit(1)
    )


def _post_link(thread_id: int, number: int) -> str:
    from flask import url_for

    return url_for("forums.thread", thread_id=thread_id, page=page_for_number(number)) + f"#post-{number}"


def _last_room(member: User) -> Room | None:
    """The room whose newest message they read last (message ids only grow)."""
    return db.session.scalar(_last_room_statement(), {"member_id": member.id})


@functools.cache
def _last_room_statement():
    return (
        sa.select(Room)
        .join(RoomMember, RoomMember.room_id == Room.id)
        .where(RoomMember.user_id == _MEMBER, RoomMember.last_read_message_id.is_not(None))
        .order_by(RoomMember.last_read_message_id.desc())
        .limit(1)
    )


def _new_for(member: User) -> tuple[list[Notification], bool]:
    """Unread news, newest first: one more than shown is read to know whether to say "see all".
    The header's unread count comes beside each row (none: nothing unread), so it costs no
    statement of its own."""
    rows = db.session.execute(_new_statement(), {"member_id": member.id}).all()
    notifications.remember_unread_count(member.id, rows[0].unread if rows else 0)
    news = [row[0] for row in rows]
    return news[:NEW_LIMIT], len(news) > NEW_LIMIT


@functools.cache
def _new_statement():
    return (
        sa.select(Notification, notifications.unread_count_of(_MEMBER).label("unread"))
        .where(Notification.user_id == _MEMBER, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(NEW_LIMIT + 1)
    )


def _recent(member: User) -> list[RecentThing]:
    """Their latest posts and meet-up places, in one query (a UNION of the two)."""
    return [_recent_thing(row) for row in db.session.execute(_recent_statement(), {"member_id": member.id})]


@functools.cache
def _recent_statement():
    posts = (
        sa.select(
            sa.literal("post").label("kind"), Post.id.label("id"), Post.number.label("number"),
            Thread.id.label("parent_id"), Thread.title.label("title"), Post.created_at.label("at"),
        )
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == _MEMBER, Post.status != PostStatus.DELETED, Thread.is_deleted.is_(False))
        .order_by(Post.created_at.desc()).limit(RECENT_LIMIT)
        .subquery()
    )
    places = (
        sa.select(
            sa.literal("rsvp").label("kind"), Rsvp.id.label("id"), sa.literal(0).label("number"),
            Meetup.id.label("parent_id"), Meetup.title.label("title"), Rsvp.updated_at.label("at"),
        )
        .join(Meetup, Meetup.id == Rsvp.meetup_id)
        .where(Rsvp.member_id == _MEMBER, Rsvp.status.in_((RsvpStatus.GOING, RsvpStatus.WAITING)))
        .order_by(Rsvp.updated_at.desc()).limit(RECENT_LIMIT)
        .subquery()
    )
    both = sa.union_all(sa.select(posts), sa.select(places)).subquery()
    return sa.select(both).order_by(both.c.at.desc()).limit(RECENT_LIMIT)


def _recent_thing(row) -> RecentThing:
    from flask import url_for

    at = row.at
    if isinstance(at, str):  # SQLite hands back text through a UNION (the column type is lost)
        at = datetime.fromisoformat(at)
    at = UTCDateTime().process_result_value(at, None)
    if row.kind == "post":
        words = (_("You started the thread “%(title)s”", title=row.title) if row.number == 1
                 else _("You replied in “%(title)s”", title=row.title))
        return RecentThing("post", words, _post_link(row.parent_id, row.number), at)
    return RecentThing("rsvp", _("You said you are going to “%(title)s”", title=row.title),
                       url_for("meetups.show", meetup_id=row.parent_id), at)

