"""Repeating meet-ups: the dates of a series, the words for how often it happens, and its other dates."""
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app import formatting
from app.extensions import db
from app.models import Meetup, MeetupStatus, Repeat
from app.models.types import utcnow
from app.services.meetups.common import can_see


# Each "Every first Tuesday of the month" is one sentence, so each language can order its words.
_EVERY_NTH = {
    1: _l("Every first %(weekday)s of the month"),
    2: _l("Every second %(weekday)s of the month"),
    3: _l("Every third %(weekday)s of the month"),
    4: _l("Every fourth %(weekday)s of the month"),
    -1: _l("Every last %(weekday)s of the month"),
}


def repeat_dates(first: date, repeat: Repeat, count: int) -> list[date]:
    if repeat == Repeat.WEEKLY:
        return [first + timedelta(weeks=i) for i in range(count)]
    if repeat == Repeat.FORTNIGHTLY:
        return [first + timedelta(weeks=2 * i) for i in range(count)]
    nth = series_nth(first)
    dates, year, month = [], first.year, first.month
    while len(dates) < count:
        dates.append(_nth_weekday(year, month, first.weekday(), nth))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def series_nth(day: date) -> int:
    """1 for the first Tuesday of a month ... 4; -1 when it is the fifth (so, the last)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth == -1:
        following = date(year + (month == 12), month % 12 + 1, 1)
        last = following - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def repeat_words(repeat: Repeat | str | None, day: date | datetime | None) -> str:
    """'Every week', 'Every other week', 'Every first Tuesday of the month'."""
    if not repeat or repeat == "none":
        return _("Once")
    repeat = Repeat(repeat)
    if repeat == Repeat.WEEKLY:
        return _("Every week")
    if repeat == Repeat.FORTNIGHTLY:
        return _("Every other week")
    if isinstance(day, datetime):
        day = formatting.local(day).date()
    if day is None:
        return _("Every month")
    return str(_EVERY_NTH[series_nth(day)] % {"weekday": _weekday(day)})


def _weekday(day: date | datetime) -> str:
    """The day's name in the page's language, as it reads inside a sentence ("Tuesday", "dydd
    Mawrth": Babel gives Welsh names with a capital, as at the start of a line)."""
    locale = formatting._locale()
    name = format_date(day, "EEEE", locale=locale)
    return name[:1].lower() + name[1:] if str(locale).startswith("cy") else name


def series_heading(meetup: Meetup) -> str:
    """Every Tuesday, 2pm / Every other Tuesday, 2pm / Every first Tuesday of the month, 2pm."""
    start = formatting.local(meetup.starts_at)
    clock = formatting.clock(start)
    if meetup.series is None:
        return formatting.full_date_time(meetup.starts_at)
    if meetup.series.repeat == Repeat.WEEKLY:
        return _("Every %(weekday)s, %(time)s", weekday=_weekday(start), time=clock)
    if meetup.series.repeat == Repeat.FORTNIGHTLY:
        return _("Every other %(weekday)s, %(time)s", weekday=_weekday(start), time=clock)
    return _("%(repeats)s, %(time)s", repeats=repeat_words(meetup.series.repeat, start.date()), time=clock)


def upcoming_in_series(viewer, series_id: int, *, now: datetime | None = None) -> list[Meetup]:
    """The dates still to come of one repeating meet-up that this person may see."""
    rows = db.session.scalars(
        sa.select(Meetup).options(selectinload(Meetup.series))
        .where(Meetup.series_id == series_id, Meetup.ends_at > (now or utcnow()))
        .order_by(Meetup.starts_at, Meetup.id)
    ).all()
    return [meetup for meetup in rows if can_see(viewer, meetup)]


def series_dates(meetup: Meetup) -> list[Meetup]:
    if meetup.series_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Meetup)
            .where(Meetup.series_id == meetup.series_id, Meetup.id != meetup.id, Meetup.ends_at > utcnow())
            .where(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED, meetup.status)))
            .order_by(Meetup.starts_at)
        )
    )
