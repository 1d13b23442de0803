"""Dates and times in the words people use: "Tuesday 3 March 2026, 2pm"."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

DEFAULT_ZONE = ZoneInfo("Europe/London")


def local(moment: datetime, zone: str | None = None) -> datetime:
    return moment.astimezone(ZoneInfo(zone) if zone else DEFAULT_ZONE)


def clock(moment: datetime) -> str:
    """2pm, 10:42am, 12 noon, 12 midnight."""
    if moment.hour == 12 and moment.minute == 0:
        return "12 noon"
    if moment.hour == 0 and moment.minute == 0:
        return "12 midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def full_date(value: date | datetime, zone: str | None = None) -> str:
    """Tuesday 3 March 2026."""
    if isinstance(value, datetime):
        value = local(value, zone)
    return f"{value:%A} {value.day} {value:%B %Y}"


def full_date_time(moment: datetime, zone: str | None = None) -> str:
    """Tuesday 3 March 2026, 2pm."""
    moment = local(moment, zone)
    return f"{full_date(moment)}, {clock(moment)}"


def day_time(moment: datetime, zone: str | None = None) -> str:
    """Tuesday 3 March, 10:42am (the year only when it is not this year)."""
    moment = local(moment, zone)
    year = f" {moment.year}" if moment.year != local(datetime.now(moment.tzinfo), zone).year else ""
    return f"{moment:%A} {moment.day} {moment:%B}{year}, {clock(moment)}"


def time_range(start: datetime, end: datetime, zone: str | None = None) -> str:
    """Tuesday 3 March 2026, 2pm to 4pm (the date twice only when the days differ)."""
    start, end = local(start, zone), local(end, zone)
    if start.date() == end.date():
        return f"{full_date(start)}, {clock(start)} to {clock(end)}"
    return f"{full_date_time(start)} to {full_date_time(end)}"


def time_tag(moment: datetime | None, zone: str | None = None, with_time: bool = True, short: bool = False) -> Markup:
    """A <time> element with the full words inside and the machine-readable moment outside.
    `short` leaves out this year: "Tuesday 3 March, 10:42am" (chat messages)."""
    if moment is None:
        return Markup("")
    if short:
        text = day_time(moment, zone)
    else:
        text = full_date_time(moment, zone) if with_time else full_date(moment, zone)
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(timespec="seconds"), escape(text))  # HTML allows 3 digits of a second at most
