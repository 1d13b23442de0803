"""Reminders (`flask send-reminders`, every few minutes from cron): on the morning and the day before."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import formatting
from app.extensions import db
from app.models import Meetup, MeetupStatus, ReminderSent, Rsvp, RsvpStatus
from app.models.types import utcnow
from app.services import circle
from app.services.meetups.telling import _link, _tell, _when

MORNING_FROM_HOUR = 7
DAY_BEFORE_FROM_HOUR = 9


def reminder_due(starts_at: datetime, now: datetime) -> str | None:
    """'morning' on the day from 7am, 'day_before' on the day before from 9am, else None."""
    if starts_at <= now:
        return None
    start_day, today = formatting.local(starts_at).date(), formatting.local(now)
    if start_day == today.date() and today.hour >= MORNING_FROM_HOUR:
        return "morning"
    if start_day == today.date() + timedelta(days=1) and today.hour >= DAY_BEFORE_FROM_HOUR:
        return "day_before"
    return None


def send_reminders(now: datetime | None = None) -> int:
    """Send every reminder that is due and not yet sent. Safe to run again at any time: a
    ReminderSent row is committed (unique per place and kind) before each email goes."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(Rsvp, Meetup)
        .join(Meetup, Rsvp.meetup_id == Meetup.id)
        .where(
            Rsvp.status == RsvpStatus.GOING,
            Meetup.status == MeetupStatus.PUBLISHED,
            Meetup.starts_at > now,
            Meetup.starts_at <= now + timedelta(days=2),
        )
        .options(selectinload(Rsvp.member))
    ).all()
    if not rows:
        return 0
    already = set(
        db.session.execute(
            sa.select(ReminderSent.rsvp_id, ReminderSent.kind).where(ReminderSent.rsvp_id.in_([row.id for row, _ in rows]))
        ).all()
    )
    sent = 0
    for row, meetup in rows:
        kind = reminder_due(meetup.starts_at, now)
        if kind is None or (row.id, kind) in already:
            continue
        db.session.add(ReminderSent(rsvp_id=row.id, kind=kind, starts_at=meetup.starts_at, sent_at=now))
        try:
            db.session.commit()
        except IntegrityError:  # another run got there first
            db.session.rollback()
            continue
        today = kind == "morning"
        when = _when(meetup)
        for carer in circle.carers_wanting_reminders(row.member):
            if today:
                subject = _l("Reminder for %(name)s: %(title)s is today", name=row.member.display_name, title=meetup.title)
                sentence = _l("%(name)s is going to “%(title)s” today: %(when)s. You asked for a copy of their reminders.",
                              name=row.member.display_name, title=meetup.title, when=when)
            else:
                subject = _l("Reminder for %(name)s: %(title)s is tomorrow", name=row.member.display_name, title=meetup.title)
                sentence = _l("%(name)s is going to “%(title)s” tomorrow: %(when)s. You asked for a copy of their reminders.",
                              name=row.member.display_name, title=meetup.title, when=when)
            _tell(
                carer,
                "reminder",
                subject,
                sentence,
                _link(meetup),
                meetup=meetup,
                rsvp=row,
            )
        _tell(
            row.member,
            "reminder",
            _l("Reminder: %(title)s is today", title=meetup.title) if today else _l("Reminder: %(title)s is tomorrow", title=meetup.title),
            _l("This is a reminder that you are going to “%(title)s” today: %(when)s.", title=meetup.title, when=when) if today
            else _l("This is a reminder that you are going to “%(title)s” tomorrow: %(when)s.", title=meetup.title, when=when),
            _link(meetup),
            meetup=meetup,
            rsvp=row,
        )
        sent += 1
    return sent
