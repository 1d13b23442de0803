"""Calendar files (RFC 5545, made with the icalendar package): one meet-up, a member's private
feed of everything they are going to, and each organisation's public feed."""
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vDuration

from app import formatting, i18n
from app.extensions import db
from app.models import CalendarToken, Meetup, MeetupStatus, Organisation, Rsvp, RsvpStatus, User
from app.models.types import utcnow

PRODUCT_ID = "-//Kindred//Meet-ups//EN"
FEED_REFRESH = timedelta(hours=6)  # how often calendar programs should fetch a feed again


def _vtimezone_london() -> Timezone:
    """Europe/London in the usual RRULE form (clocks go forward on the last Sunday of March at 01:00 UTC
    and back on the last Sunday of October). icalendar writes long RDATE lists ending in 2037, which
    vobject and Mozilla's ical.js misread: they put every winter meet-up an hour early."""
    zone = Timezone()
    zone.add("tzid", "Europe/London")
    zone.add("x-lic-location", "Europe/London")
    for part, name, offset_from, offset_to, start, month in (
        (TimezoneDaylight(), "BST", 0, 1, datetime(1981, 3, 29, 1, 0), 3),
        (TimezoneStandard(), "GMT", 1, 0, datetime(1996, 10, 27, 2, 0), 10),
    ):
        part.add("tzname", name)
        part.add("tzoffsetfrom", timedelta(hours=offset_from))
        part.add("tzoffsetto", timedelta(hours=offset_to))
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(part)
    return zone


_VTIMEZONES = {"Europe/London": _vtimezone_london}


def uid(meetup: Meetup) -> str:
    """Stable for the life of the meet-up, so calendars update the event rather than add one."""
    return f"meetup-{meetup.id}@kindred"


def _event(meetup: Meetup) -> Event:
    link = url_for("meetups.show", meetup_id=meetup.id, _external=True)
    event = Event()
    event.add("uid", uid(meetup))
    event.add("dtstamp", utcnow())
    event.add("last-modified", meetup.updated_at)
    event.add("created", meetup.created_at)
    event.add("dtstart", formatting.local(meetup.starts_at))
    event.add("dtend", formatting.local(meetup.ends_at))
    event.add("summary", meetup.title)
    description = meetup.description
    if meetup.online and meetup.joining_link:
        description += "\n\n" + _("Join online: %(link)s", link=meetup.joining_link)
    if meetup.online and meetup.dial_in:
        description += "\n\n" + _("Dial in: %(number)s", number=meetup.dial_in)
    event.add("description", f"{description}\n\n{link}")
    if meetup.place_text:
        event.add("location", meetup.place_text)
    if meetup.in_person and meetup.latitude is not None:
        event.add("geo", (meetup.latitude, meetup.longitude))
    event.add("url", link)
    event.add("sequence", meetup.sequence)
    event.add("status", "CANCELLED" if meetup.is_cancelled else "CONFIRMED")
    return event


def _calendar(meetups, name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:  # a feed that calendar programs subscribe to
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", formatting.DEFAULT_ZONE.key)
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))  # the same, for Outlook and older programs
    # The VTIMEZONE first, so times stay right across the clock changes in every calendar program.
    if formatting.DEFAULT_ZONE.key in _VTIMEZONES:
        calendar.add_component(_VTIMEZONES[formatting.DEFAULT_ZONE.key]())
    for meetup in meetups:
        calendar.add_component(_event(meetup))
    calendar.add_missing_timezones()  # any other zone (none today), from the zone database
    return calendar.to_ical()


def meetup_file(meetup: Meetup) -> bytes:
    return _calendar([meetup])


def member_feed(token: str) -> bytes | None:
    row = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.token == token)) if token else None
    if row is None:
        return None
    meetups = db.session.scalars(
        sa.select(Meetup)
        .join(Rsvp, Rsvp.meetup_id == Meetup.id)
        .where(Rsvp.member_id == row.user_id, Rsvp.status == RsvpStatus.GOING)
        .where(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)))
        .order_by(Meetup.starts_at)
    ).all()
    # A calendar program asks for the feed without the member's cookie: write it in their language.
    with force_locale(i18n.language_of(db.session.get(User, row.user_id))):
        return _calendar(meetups, _("My meet-ups – %(site)s", site=current_app.config["SITE_NAME"]))


def organisation_feed(organisation: Organisation) -> bytes:
    meetups = db.session.scalars(
        sa.select(Meetup)
        .where(Meetup.organisation_id == organisation.id)
        .where(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)))
        .order_by(Meetup.starts_at)
    ).all()
    return _calendar(meetups, f"{organisation.name} – {current_app.config['SITE_NAME']}")


def token_for(user: User, *, create: bool = False) -> str | None:
    row = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user.id))
    if row is None and create:
        row = CalendarToken(user_id=user.id, token=secrets.token_urlsafe(24))
        db.session.add(row)
        db.session.commit()
    return row.token if row else None


def renew_token(user: User) -> str:
    """A new secret address; the old one stops working at once."""
    row = db.session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user.id))
    if row is None:
        row = CalendarToken(user_id=user.id)
        db.session.add(row)
    row.token = secrets.token_urlsafe(24)
    row.created_at = utcnow()
    db.session.commit()
    return row.token
