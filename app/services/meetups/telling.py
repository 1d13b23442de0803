"""Telling people: the one way meet-ups send a notice (and its email), and the words for when and where."""
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import url_for
from flask_babel import LazyString
from sqlalchemy.orm import selectinload

from app import formatting
from app.extensions import db
from app.models import Meetup, Rsvp, RsvpStatus, User
from app.services import notifications


def _tell(member: User, kind: str, subject: str, sentence: str, link: str, *, actor: User | None = None, **context) -> None:
    """The one way meet-ups tell someone something: an in-app notice, and an email with the
    meet-up's details when the member's notification settings ask for one (notify decides).
    Nobody is told about a change they made themselves."""
    if actor is not None and member.id == actor.id:
        return
    notifications.notify(
        member, f"meetup_{kind}", sentence, urlsplit(link).path, actor=actor,
        subject=subject, email_template=f"meetups/{kind}", **context,
    )
    db.session.commit()


def _when(meetup: Meetup) -> LazyString:
    """The meet-up's date and time for a sentence sent to someone else: written out when the
    sentence is, in the reader's language (notify turns lazy sentences into text in it)."""
    return LazyString(formatting.time_range, meetup.starts_at, meetup.ends_at)


def _where(meetup: Meetup) -> LazyString:
    """The meet-up's place, written out in the reader's language like _when ("Online", "Ar-lein")."""
    return LazyString(lambda: meetup.place_text)


def _link(meetup: Meetup) -> str:
    return url_for("meetups.show", meetup_id=meetup.id, _external=True)


def _people_with_places(meetup: Meetup, statuses=(RsvpStatus.GOING, RsvpStatus.WAITING)) -> list[Rsvp]:
    return list(
        db.session.scalars(
            sa.select(Rsvp)
            .where(Rsvp.meetup_id == meetup.id, Rsvp.status.in_(statuses))
            .options(selectinload(Rsvp.member))
            .order_by(Rsvp.id)
        )
    )
