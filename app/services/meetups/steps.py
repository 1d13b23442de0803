"""The stepped form's checks: clean_step runs one step's check (_clean_what, _clean_when, _clean_where,
_clean_who) on the answers as typed; check_all runs them all.
"""
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import formatting
from app.models import Access, MeetupAudience, Repeat
from app.models.types import utcnow
from app.services import places, safety
from app.services.errors import Invalid
from app.services.meetups.common import ACCESS_KEYS

TITLE_LIMIT = 120
DESCRIPTION_LIMIT = 2000
MAX_REPEATS = 26
STEPS = {1: _l("What"), 2: _l("When"), 3: _l("Where"), 4: _l("Who and access")}
STEP_COUNT = len(STEPS)
ATTENDANCE = ("in_person", "online", "both")
_PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")


def _parse_date(text: str) -> date | None:
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_time(text: str) -> time | None:
    text = (text or "").strip().lower().replace(".", ":")
    for pattern in ("%H:%M", "%I:%M%p", "%I%p", "%I:%M %p", "%I %p"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    return None


def _london(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=formatting.DEFAULT_ZONE)


def _reader(answers: dict):
    """get(key): the answer as typed, trimmed ("" when missing)."""
    return lambda key: (answers.get(key) or "").strip()


def _clean_what(answers: dict, values: dict, errors: dict, now: datetime, changing: bool) -> None:
    """Step 1: the name, the description and the cost."""
    get = _reader(answers)
    title = " ".join(get("title").split())
    if not title:
        errors["title"] = _("Enter a name for the meet-up, like 'Memory café'.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("Keep the name to %(limit)s characters or fewer.", limit=TITLE_LIMIT)
    description = (answers.get("description") or "").strip()
    if not description:
        errors["description"] = _("Say what happens at the meet-up, so people know what to expect.")
    elif len(description) > DESCRIPTION_LIMIT:
        errors["description"] = _("Keep the description to %(limit)s characters or fewer. It has %(count)s now.", limit=f"{DESCRIPTION_LIMIT:,}", count=f"{len(description):,}")
    # The watched words: a blocked word stops the step here; hold/report/safety act when the listing is finished.
    if not errors.get("title") and not errors.get("description"):
        screened = safety.screen(None, f"{title}\n\n{description}", "meetup")
        if screened.blocked:
            errors["description"] = screened.tell()
    cost_pence = 0
    if get("cost_kind") not in ("free", "paid"):
        errors["cost_kind"] = _("Say whether the meet-up is free or costs something.")
    elif get("cost_kind") == "paid":
        try:
            amount = Decimal(get("cost").lstrip("£"))
            cost_pence = int((amount * 100).to_integral_value())
            if amount <= 0 or amount != amount.quantize(Decimal("0.01")) or cost_pence > 100000:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["cost"] = _("Enter the cost in pounds, like 3.50. If it is free, choose 'Free'.")
    values.update(title=title, description=description, cost_pence=cost_pence)


def _clean_when(answers: dict, values: dict, errors: dict, now: datetime, changing: bool) -> None:
    """Step 2: the date and times, and how often it repeats (a change is always to one date)."""
    get = _reader(answers)
    day = _parse_date(get("date"))
    start, end = _parse_time(get("start_time")), _parse_time(get("end_time"))
    if day is None:
        errors["date"] = _("Enter the date, like 2026-03-03 or 3/3/2026.")
    if start is None:
        errors["start_time"] = _("Enter the start time, like 14:00 or 2pm.")
    if end is None:
        errors["end_time"] = _("Enter the end time, like 16:00 or 4pm.")
    if not errors:
        starts_at, ends_at = _london(day, start), _london(day, end)
        if ends_at <= starts_at:
            errors["end_time"] = _("The end time must be after the start time.")
        elif starts_at <= now:
            errors["date"] = _("That date and time have passed. Enter a date from today onwards.")
        values.update(starts_at=starts_at, ends_at=ends_at)
    repeat = get("repeat") or "none"
    if changing:
        repeat = "none"
    if repeat not in ("none", "weekly", "fortnightly", "monthly"):
        errors["repeat"] = _("Choose how often the meet-up happens.")
        repeat = "none"  # a made-up answer ("daily") gets the sentence, not an error page
    count = 1
    if repeat != "none":
        try:
            count = int(get("repeat_count"))
            if not 2 <= count <= MAX_REPEATS:
                raise ValueError
        except ValueError:
            errors["repeat_count"] = _("Enter how many dates to list, a number from 2 to %(most)s.", most=MAX_REPEATS)
    values.update(repeat=None if repeat == "none" else Repeat(repeat), repeat_count=count)


def _clean_where(answers: dict, values: dict, errors: dict, now: datetime, changing: bool) -> None:
    """Step 3: in person, online or both; the venue and/or the joining details; a contact phone."""
    get = _reader(answers)
    attendance = get("attendance")
    if attendance not in ATTENDANCE:
        errors["attendance"] = _("Choose whether people meet in person, online, or both.")
    in_person, online = attendance in ("in_person", "both"), attendance in ("online", "both")
    values.update(in_person=in_person, online=online)
    values.update(venue_name="", address="", town="", postcode="", latitude=None, longitude=None, joining_link="", dial_in="")
    if in_person:
        _clean_venue(get, values, errors)
    if online:
        _clean_joining(get, values, errors)
    phone = get("contact_phone")
    if phone and not _PHONE.match(phone):
        errors["contact_phone"] = _("Enter a phone number, like 07700 900123, or leave it empty.")
    values["contact_phone"] = phone


def _clean_venue(get, values: dict, errors: dict) -> None:
    for key, sentence in (
        ("venue_name", _("Enter the name of the venue, like 'St Mary's Centre'.")),
        ("address", _("Enter the street address of the venue.")),
        ("town", _("Enter the town or city.")),
    ):
        if not get(key):
            errors[key] = sentence
        elif len(get(key)) > 120 and key != "address" or len(get(key)) > 300:
            errors[key] = _("That is too long. Please shorten it.")
        values[key] = get(key)
    try:
        values["postcode"] = places.normalise_postcode(get("postcode"))
        spot = places.locate_postcode(values["postcode"])
        if spot is None:  # a real shape but no such district: it would never be found "near" anywhere
            errors["postcode"] = _(
                "We cannot find the postcode %(postcode)s. Check it against the venue's "
                "address, so people nearby can find this meet-up.", postcode=values["postcode"]
            )
        else:
            values.update(latitude=spot.latitude, longitude=spot.longitude)
    except Invalid as error:
        errors["postcode"] = error.message


def _clean_joining(get, values: dict, errors: dict) -> None:
    link, dial_in = get("joining_link"), get("dial_in")
    if not link and not dial_in:
        errors["joining_link"] = _("Enter a joining link or a phone number to dial in.")
    if link and (not re.match(r"^https?://[^\s/]+\.[^\s]+$", link, re.I) or len(link) > 500):
        errors["joining_link"] = _("Enter a joining link that starts with https:// or http://.")
    if dial_in and not _PHONE.match(dial_in):
        errors["dial_in"] = _("Enter the dial-in phone number, like 0161 496 0000.")
    values.update(joining_link=link, dial_in=dial_in)


def _clean_who(answers: dict, values: dict, errors: dict, now: datetime, changing: bool) -> None:
    """Step 4: who it is for, how many places, the access answers and the organisation."""
    get = _reader(answers)
    audience = get("audience")
    if audience not in {item.value for item in MeetupAudience}:
        errors["audience"] = _("Choose who the meet-up is for.")
    else:
        values["audience"] = MeetupAudience(audience)
    capacity = None
    if get("capacity"):
        try:
            capacity = int(get("capacity"))
            if capacity < 1:
                raise ValueError
        except ValueError:
            errors["capacity"] = _("Enter the number of places as a whole number of 1 or more, or leave it empty for no limit.")
    values["capacity"] = capacity
    access = answers.get("access") or {}
    for key in ACCESS_KEYS:
        value = access.get(key) or Access.UNKNOWN.value
        values[f"access_{key}"] = value if value in {item.value for item in Access} else Access.UNKNOWN.value
    values["organisation_id"] = int(get("organisation_id")) if get("organisation_id").isdigit() else None


# One function per step of STEPS, each filling in (values, errors) for its own fields.
_STEP_CHECKS = {1: _clean_what, 2: _clean_when, 3: _clean_where, 4: _clean_who}


def clean_step(step: int, answers: dict, *, now: datetime | None = None, changing: bool = False) -> tuple[dict, dict]:
    """Check one step's answers: (clean values, {field: sentence saying how to fix it})."""
    values, errors = {}, {}
    check = _STEP_CHECKS.get(step)
    if check is not None:
        check(answers, values, errors, now or utcnow(), changing)
    return values, errors


def check_all(answers: dict, *, changing=False) -> tuple[dict, int | None, dict]:
    """All steps at once: (values, first step with a problem or None, its errors)."""
    values = {}
    for step in STEPS:
        step_values, errors = clean_step(step, answers, changing=changing)
        if errors:
            return values, step, errors
        values.update(step_values)
    return values, None, {}
