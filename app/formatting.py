"""Dates and times in the words people use, in the page's language: "Tuesday 3 March 2026, 2pm",
"Dydd Mawrth 3 Mawrth 2026, 2yp"."""
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale, gettext, pgettext
from markupsafe import Markup, escape

DEFAULT_ZONE = ZoneInfo("Europe/London")


def local(moment: datetime, zone: str | None = None) -> datetime:
    return moment.astimezone(ZoneInfo(zone) if zone else DEFAULT_ZONE)


def _locale():
    return get_locale() or "en"


def clock(moment: datetime) -> str:
    """2pm, 10:42am, 12 noon, 12 midnight (in Welsh: 2yp, 10:42yb, 12 canol dydd, 12 hanner nos)."""
    if moment.hour == 12 and moment.minute == 0:
        return gettext("12 noon")
    if moment.hour == 0 and moment.minute == 0:
        return gettext("12 midnight")
    hour = moment.hour % 12 or 12
    suffix = pgettext("before noon, as in 10am", "am") if moment.hour < 12 else pgettext("after noon, as in 2pm", "pm")
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def full_date(value: date | datetime, zone: str | None = None) -> str:
    """Tuesday 3 March 2026 (Dydd Mawrth 3 Mawrth 2026): Babel's day and month names for the page's language."""
    if isinstance(value, datetime):
        value = local(value, zone)
    return format_date(value, "EEEE d MMMM y", locale=_locale())


def full_date_time(moment: datetime, zone: str | None = None) -> str:
    """Tuesday 3 March 2026, 2pm."""
    moment = local(moment, zone)
    return gettext("%(date)s, %(time)s", date=full_date(moment), time=clock(moment))


def day_time(moment: datetime, zone: str | None = None) -> str:
    """Tuesday 3 March, 10:42am (the year only when it is not this year)."""
    moment = local(moment, zone)
    same_year = moment.year == local(datetime.now(moment.tzinfo), zone).year
    day = format_date(moment, "EEEE d MMMM" if same_year else "EEEE d MMMM y", locale=_locale())
    return gettext("%(date)s, %(time)s", date=day, time=clock(moment))


def time_range(start: datetime, end: datetime, zone: str | None = None) -> str:
    """Tuesday 3 March 2026, 2pm to 4pm (the date twice only when the days differ)."""
    start, end = local(start, zone), local(end, zone)
    if start.date() == end.date():
        return gettext("%(date)s, %(start)s to %(end)s", date=full_date(start), start=clock(start), end=clock(end))
    return gettext("%(start)s to %(end)s", start=full_date_time(start), end=full_date_time(end))


def time_tag(moment: datetime | None, zone: str | None = None, with_time: bool = True, short: bool = False) -> Markup:
    """A <time> element with the full words inside and the machine-readable moment outside.
    `short` leaves out this year: "Tuesday 3 March, 10:42am" (chat messages)."""
    if moment is None:
        return Markup("")
    if short:  # depends on today's year too: not remembered
        return _time_element(moment, day_time(moment, zone))
    return _remembered_time_tag(moment, zone, with_time, _locale())


@lru_cache(maxsize=8192)
def _remembered_time_tag(moment: datetime, zone: str | None, with_time: bool, _language) -> Markup:
    """The same moment in the same language always reads the same: Babel's dates cost about 50 µs
    each, and a category page shows twenty (issue 15). `_language` is the key's page language."""
    return _time_element(moment, full_date_time(moment, zone) if with_time else full_date(moment, zone))


def _time_element(moment: datetime, text: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(timespec="seconds"), escape(text))  # HTML allows 3 digits of a second at most


def number(value) -> str:
    """The `numberformat` filter: 1,234 in the page's language (Babel's, remembered for whole numbers:
    a category page writes one or two a thread)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _remembered_number(value, _locale())
    return format_decimal(value, locale=_locale())


@lru_cache(maxsize=4096)
def _remembered_number(value: int, language) -> str:
    return format_decimal(value, locale=language)
