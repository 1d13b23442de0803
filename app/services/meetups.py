"""Meet-ups: listing (a stepped draft), moderation, places and waiting lists, changes, reminders."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from urllib.parse import urlsplit

import sqlalchemy as sa
from babel.dates import format_date
from flask import url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import formatting
from app.extensions import db
from app.facts import is_organiser, rsvp_for  # noqa: F401
from app.models import (
    MeetupAudience,
    ACCESS_FEATURES,
    CalendarToken,
    Access,
    Meetup,
    MeetupDraft,
    MeetupStatus,
    Organisation,
    OrganisationMember,
    ReminderSent,
    Repeat,
    ReportReason,
    Rsvp,
    RsvpStatus,
    Series,
    User,
)
from app.models.types import utcnow
from app.permissions import can_moderate
from app.services import audit, circle, moderation, my_data, notifications, personal_details, places, safety
from app.services.errors import Conflict, Invalid, NotAllowed

TITLE_LIMIT = 120
DESCRIPTION_LIMIT = 2000
MESSAGE_LIMIT = 2000
MAX_COMPANIONS = 3
MAX_REPEATS = 26
STEPS = {1: _l("What"), 2: _l("When"), 3: _l("Where"), 4: _l("Who and access")}
STEP_COUNT = len(STEPS)
ACCESS_KEYS = [key for key, _ in ACCESS_FEATURES]
ATTENDANCE = ("in_person", "online", "both")
# Each "Every first Tuesday of the month" is one sentence, so each language can order its words.
_EVERY_NTH = {
    1: _l("Every first %(weekday)s of the month"),
    2: _l("Every second %(weekday)s of the month"),
    3: _l("Every third %(weekday)s of the month"),
    4: _l("Every fourth %(weekday)s of the month"),
    -1: _l("Every last %(weekday)s of the month"),
}
_PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")


# ---- Telling people ----


def _tell(member: User, kind: str, subject: str, sentence: str, link: str, *, actor: User | None = None, **context) -> None:
    """The one way this module tells someone something: an in-app notice, and an email with the
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


# ---- Who may do what ----


def organisations_of(user: User) -> list[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .join(OrganisationMember)
            .where(OrganisationMember.user_id == user.id)
            .order_by(Organisation.name)
        )
    )


def can_see(user: User, meetup: Meetup) -> bool:
    if meetup.status in (MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED):
        return True
    return is_organiser(user, meetup) or can_moderate(user)


# ---- The stepped form: answers kept on the server ----


def start_draft(author: User) -> MeetupDraft:
    """Carry on with an unfinished new listing, or start one (pressing twice makes one draft)."""
    draft = db.session.scalar(
        sa.select(MeetupDraft)
        .where(MeetupDraft.author_id == author.id, MeetupDraft.meetup_id.is_(None), MeetupDraft.finished_at.is_(None))
        .order_by(MeetupDraft.id.desc())
    )
    if draft is None:
        draft = MeetupDraft(author_id=author.id, answers={"access": {}})
        db.session.add(draft)
        db.session.commit()
    return draft


def unfinished_draft(author: User) -> MeetupDraft | None:
    return db.session.scalar(
        sa.select(MeetupDraft)
        .where(MeetupDraft.author_id == author.id, MeetupDraft.meetup_id.is_(None), MeetupDraft.finished_at.is_(None))
        .order_by(MeetupDraft.id.desc())
    )


def draft_for_change(editor: User, meetup: Meetup) -> MeetupDraft:
    """A draft filled in from a meet-up, so the organiser changes it through the same steps."""
    if not is_organiser(editor, meetup):
        raise NotAllowed(_("Only the people organising this meet-up can change it."))
    if meetup.is_cancelled:
        raise NotAllowed(_("This meet-up has been cancelled, so it cannot be changed."))
    draft = MeetupDraft(author_id=editor.id, meetup_id=meetup.id, answers=answers_from(meetup))
    db.session.add(draft)
    db.session.commit()
    return draft


def answers_from(meetup: Meetup) -> dict:
    start, end = formatting.local(meetup.starts_at), formatting.local(meetup.ends_at)
    attendance = "both" if meetup.in_person and meetup.online else ("online" if meetup.online else "in_person")
    return {
        "title": meetup.title,
        "description": meetup.description,
        "cost_kind": "free" if meetup.is_free else "paid",
        "cost": "" if meetup.is_free else f"{meetup.cost_pence / 100:.2f}",
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "repeat": "none",
        "repeat_count": "",
        "attendance": attendance,
        "venue_name": meetup.venue_name,
        "address": meetup.address,
        "town": meetup.town,
        "postcode": meetup.postcode,
        "joining_link": meetup.joining_link,
        "dial_in": meetup.dial_in,
        "contact_phone": meetup.contact_phone,
        "audience": meetup.audience.value,
        "capacity": "" if meetup.capacity is None else str(meetup.capacity),
        "organisation_id": str(meetup.organisation_id or ""),
        "access": {key: meetup.access(key) for key in ACCESS_KEYS},
    }


def save_answers(draft: MeetupDraft, answers: dict) -> None:
    """Keep what was typed, even when it has problems, so nothing is lost."""
    merged = dict(draft.answers or {})
    merged.update(answers)
    draft.answers = merged
    draft.updated_at = utcnow()
    db.session.commit()


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


def _series_dates(first: date, repeat: Repeat, count: int) -> list[date]:
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


def finish_draft(author: User, draft: MeetupDraft) -> list[Meetup]:
    """Publish (verified organisations), send for checking (everyone else), or apply changes."""
    if draft.author_id != author.id:
        raise NotAllowed(_("This is someone else's draft."))
    if draft.finished_at is not None:
        # Pressing the button twice: the first press did the work.
        if draft.meetup_id:
            return [draft.meetup]
        raise Conflict(_("This meet-up has already been sent."))
    values, step, errors = check_all(draft.answers or {}, changing=draft.meetup_id is not None)
    if step is not None:
        field_name, message = next(iter(errors.items()))
        raise Invalid(message, field=f"step-{step}")
    organisation = None
    if values.get("organisation_id"):
        organisation = next((org for org in organisations_of(author) if org.id == values["organisation_id"]), None)
        if organisation is None:
            raise Invalid(_("You can only list meet-ups for organisations you belong to."), field="step-4")
    if draft.meetup_id is not None:
        meetup = draft.meetup
        draft.finished_at = utcnow()
        change(author, meetup, values, organisation=organisation)
        return [meetup]
    return _create(author, draft, values, organisation)


MEETUP_FIELDS = (
    "title description cost_pence starts_at ends_at in_person online venue_name address town postcode latitude "
    "longitude joining_link dial_in contact_phone audience capacity"
).split() + [f"access_{key}" for key in ACCESS_KEYS]


def organisation_of(values: dict) -> Organisation | None:
    """The organisation a draft's answers list it under, if any."""
    return db.session.get(Organisation, values["organisation_id"]) if values.get("organisation_id") else None


def will_publish(organisation: Organisation | None, *, changing: bool) -> bool:
    """Is a finished draft listed at once? Changes to a listed meet-up are saved as they are; a new
    listing from a verified organisation is published (unless the safety check holds it); any other
    waits for a volunteer. The check page says which, from this same rule."""
    return changing or (organisation is not None and organisation.is_verified)


def _create(author: User, draft: MeetupDraft, values: dict, organisation: Organisation | None) -> list[Meetup]:
    moderation.ensure_can_participate(author)
    screened = safety.screen(author, f"{values['title']}\n\n{values['description']}", "meetup",
                             allowed_numbers=_numbers_of(organisation))
    published = will_publish(organisation, changing=False) and not screened.held
    status = MeetupStatus.PUBLISHED if published else MeetupStatus.AWAITING_APPROVAL
    duration = values["ends_at"] - values["starts_at"]
    first_local = values["starts_at"]
    series = None
    dates = [first_local.date()]
    if values["repeat"] is not None:
        series = Series(repeat=values["repeat"], weekday=first_local.weekday(), nth=series_nth(first_local.date()))
        db.session.add(series)
        dates = _series_dates(first_local.date(), values["repeat"], values["repeat_count"])
    created = []
    for day in dates:
        meetup = Meetup(author_id=author.id, organisation=organisation, series=series, status=status)
        for name in MEETUP_FIELDS:
            setattr(meetup, name, values[name])
        meetup.starts_at = _london(day, first_local.timetz().replace(tzinfo=None))
        meetup.ends_at = meetup.starts_at + duration
        db.session.add(meetup)
        created.append(meetup)
    draft.finished_at = utcnow()
    db.session.flush()
    moderation.record_screening(screened, "meetup", created[0], author_id=author.id)
    db.session.commit()
    return created


def _numbers_of(organisation: Organisation | None) -> frozenset[str]:
    """A verified organisation may share the numbers on its own page (and its meet-ups' contact phone)."""
    if organisation is None or not organisation.is_verified:
        return frozenset()
    return personal_details.numbers_in(" ".join(str(value or "") for value in vars(organisation).values() if isinstance(value, str)))


# ---- Approving meet-ups (volunteers) ----


def awaiting_approval() -> list[Meetup]:
    """One row per series (its first date) or single meet-up, oldest first."""
    rows = db.session.scalars(
        sa.select(Meetup)
        .where(Meetup.status == MeetupStatus.AWAITING_APPROVAL)
        .options(selectinload(Meetup.author), selectinload(Meetup.organisation))
        .order_by(Meetup.created_at, Meetup.starts_at)
    ).all()
    seen, result = set(), []
    for meetup in rows:
        key = ("series", meetup.series_id) if meetup.series_id else ("one", meetup.id)
        if key not in seen:
            seen.add(key)
            result.append(meetup)
    return result


def decide(moderator: User, meetup: Meetup, approve: bool, reason: str = "") -> list[Meetup]:
    """Approve and publish a member's meet-up (every waiting date of its series), or decline it."""
    if not can_moderate(moderator):
        raise NotAllowed(_("Only moderators can approve meet-ups."))
    if meetup.status != MeetupStatus.AWAITING_APPROVAL:
        raise Conflict(_("Someone has already decided about this meet-up."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise Invalid(_("Say why it will not be published. The organiser will read this."), field="reason")
    query = sa.select(Meetup).where(Meetup.status == MeetupStatus.AWAITING_APPROVAL)
    query = query.where(Meetup.series_id == meetup.series_id) if meetup.series_id else query.where(Meetup.id == meetup.id)
    meetups = list(db.session.scalars(query))
    for item in meetups:
        item.status = MeetupStatus.PUBLISHED if approve else MeetupStatus.NOT_PUBLISHED
        item.decision_reason = reason
        item.updated_at = utcnow()
    audit.record(moderator, "approve_meetup" if approve else "decline_meetup", meetup, reason or meetup.title)
    db.session.commit()
    if meetup.author is not None:
        if approve:
            sentence = _l("A volunteer has checked “%(title)s” and it is now listed on Kindred.", title=meetup.title)
        else:
            sentence = _l("A volunteer has checked “%(title)s” and it will not be listed. They said: %(reason)s", title=meetup.title, reason=reason)
        _tell(meetup.author, "decision", _l("Your meet-up has been checked"), sentence, _link(meetup), actor=moderator)
    return meetups


# ---- Places and the waiting list ----


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


# ---- Organising: changes, cancelling, messages ----

PLACE_FIELDS = ("in_person", "online", "venue_name", "address", "town", "postcode", "joining_link", "dial_in")


def change(editor: User, meetup: Meetup, values: dict, *, organisation: Organisation | None = None) -> list[str]:
    """Apply new details to one date. If the time or place changed, everyone going or waiting is told."""
    if not is_organiser(editor, meetup):
        raise NotAllowed(_("Only the people organising this meet-up can change it."))
    time_changed = meetup.starts_at != values["starts_at"] or meetup.ends_at != values["ends_at"]
    place_changed = any(getattr(meetup, name) != values[name] for name in PLACE_FIELDS)
    old_capacity = meetup.capacity
    for name in MEETUP_FIELDS:
        setattr(meetup, name, values[name])
    if organisation is not None:
        meetup.organisation = organisation
    changes = []
    if time_changed:
        changes.append(_l("The time has changed. It is now %(when)s.", when=_when(meetup)))
        # New time, new reminders.
        db.session.execute(
            sa.delete(ReminderSent).where(ReminderSent.rsvp_id.in_(sa.select(Rsvp.id).where(Rsvp.meetup_id == meetup.id)))
        )
    if place_changed:
        changes.append(_l("The place has changed. It is now: %(place)s.", place=_where(meetup)))
    if time_changed or place_changed:
        meetup.sequence += 1
    meetup.updated_at = utcnow()
    db.session.commit()
    if changes:
        for row in _people_with_places(meetup):
            _tell(
                row.member, "changed", _l("%(title)s has changed", title=meetup.title), _changes_sentence(meetup, time_changed, place_changed), _link(meetup),
                actor=editor, meetup=meetup, changes=changes,
            )
    if meetup.capacity is None or (old_capacity is not None and meetup.capacity > old_capacity):
        promote_waiting(meetup, actor=editor)
    return changes


def _changes_sentence(meetup: Meetup, time_changed: bool, place_changed: bool):
    """What changed, as one sentence for the reader's language (notify turns it into text)."""
    when = _when(meetup)
    if time_changed and place_changed:
        return _l("The time has changed. It is now %(when)s. The place has changed. It is now: %(place)s.", when=when, place=_where(meetup))
    if time_changed:
        return _l("The time has changed. It is now %(when)s.", when=when)
    return _l("The place has changed. It is now: %(place)s.", place=_where(meetup))


def cancel(organiser: User, meetup: Meetup, reason: str = "") -> None:
    """Cancel one date; everyone going or waiting is told. The date stays listed, marked cancelled."""
    if not (is_organiser(organiser, meetup) or can_moderate(organiser)):
        raise NotAllowed(_("Only the people organising this meet-up can cancel it."))
    if meetup.is_cancelled:
        return
    meetup.status = MeetupStatus.CANCELLED
    meetup.decision_reason = (reason or "").strip()
    meetup.sequence += 1
    meetup.updated_at = utcnow()
    if not is_organiser(organiser, meetup):
        audit.record(organiser, "cancel_meetup", meetup, meetup.decision_reason or meetup.title)
    db.session.commit()
    when = _when(meetup)
    if meetup.decision_reason:
        sentence = _l("“%(title)s” on %(when)s has been cancelled. The organiser said: %(reason)s", title=meetup.title, when=when, reason=meetup.decision_reason)
    else:
        sentence = _l("“%(title)s” on %(when)s has been cancelled.", title=meetup.title, when=when)
    for row in _people_with_places(meetup):
        _tell(row.member, "cancelled", _l("Cancelled: %(title)s", title=meetup.title), sentence, _link(meetup), actor=organiser, meetup=meetup)


def message_everyone(organiser: User, meetup: Meetup, text: str) -> int:
    """Email everyone going (not the waiting list). Returns how many people were told."""
    if not is_organiser(organiser, meetup):
        raise NotAllowed(_("Only the people organising this meet-up can message everyone going."))
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Write the message you want to send."), field="message")
    if len(text) > MESSAGE_LIMIT:
        raise Invalid(_("Keep the message to %(limit)s characters or fewer.", limit=f"{MESSAGE_LIMIT:,}"), field="message")
    # The watched words. A message is emailed at once and cannot wait for a volunteer, so "hold"
    # (phone numbers, bank details) stops it like "block", with the sentence saying why.
    moderation.ensure_can_participate(organiser)
    screened = safety.screen(organiser, text, "organiser_message", allowed_numbers=_numbers_of(meetup.organisation))
    if screened.blocked or screened.held:
        raise Invalid(screened.tell() + " " + _("Your message has not been sent; we have kept it."), field="message")
    if screened.kinds:
        moderation.record_screening(screened, "meetup", meetup, author_id=organiser.id)
        db.session.commit()
    told = 0
    going, _waiting = going_list(meetup)
    for row in going:
        if row.member_id != organiser.id:
            _tell(
                row.member, "message", _l("A message about %(title)s", title=meetup.title), text, _link(meetup),
                actor=organiser, meetup=meetup, sender=organiser,
            )
            told += 1
    return told


# ---- Finding meet-ups ----


@dataclass
class Filters:
    near: str = ""
    miles: int = 10
    audience: str = ""
    access: list[str] = field(default_factory=list)
    free_only: bool = False
    online_only: bool = False


@dataclass
class Found:
    meetups: list[tuple[Meetup, float | None]]
    total: int
    pages: int
    place: places.Place | None = None
    problem: str = ""
    # For a repeating meet-up, shown once: how many of its dates match (series id -> count).
    series_dates: dict[int, int] = field(default_factory=dict)
    choices: tuple[places.Town, ...] = ()  # same-named towns: ask which one


PER_PAGE = 20
DISTANCES = (5, 10, 25)


def find_upcoming(filters: Filters, page: int = 1, *, now: datetime | None = None) -> Found:
    now = now or utcnow()
    query = (
        sa.select(Meetup)
        .where(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)), Meetup.ends_at > now)
        .options(selectinload(Meetup.organisation), selectinload(Meetup.series))
        .order_by(Meetup.starts_at, Meetup.id)
    )
    if filters.audience in (MeetupAudience.LIVING_WITH_DEMENTIA.value, MeetupAudience.CARERS.value):
        query = query.where(Meetup.audience.in_((MeetupAudience(filters.audience), MeetupAudience.BOTH, MeetupAudience.EVERYONE)))
    for key in filters.access:
        if key in ACCESS_KEYS:
            query = query.where(getattr(Meetup, f"access_{key}") == Access.YES.value)
    if filters.free_only:
        query = query.where(Meetup.cost_pence == 0)
    if filters.online_only:
        query = query.where(Meetup.online.is_(True))
    place, problem = None, ""
    if filters.near.strip():
        looked_up = places.search(filters.near)
        if looked_up.choices:
            return Found([], 0, 0, None, "", choices=looked_up.choices)
        place = looked_up.place
        if place is None:
            problem = _(
                "We do not know a place called “%(name)s”. Check the spelling, or try a nearby "
                "town or city, a postcode like CF10 1EP, or the first half of one, like CF10.", name=filters.near.strip()
            )
            return Found([], 0, 0, None, problem)
        low_lat, high_lat, low_lon, high_lon = places.bounding_box(place.latitude, place.longitude, filters.miles)
        query = query.where(
            Meetup.in_person.is_(True),
            Meetup.latitude.between(low_lat, high_lat),
            Meetup.longitude.between(low_lon, high_lon),
        )
    rows = db.session.scalars(query).all()
    found = []
    for meetup in rows:
        distance = None
        if place is not None:
            distance = places.miles_between(place.latitude, place.longitude, meetup.latitude, meetup.longitude)
            if distance > filters.miles:
                continue
        found.append((meetup, distance))
    found, series_counts = _one_row_per_series(found)
    total = len(found)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    return Found(found[(page - 1) * PER_PAGE : page * PER_PAGE], total, pages, place, problem, series_counts)


def _one_row_per_series(found: list[tuple[Meetup, float | None]]) -> tuple[list[tuple[Meetup, float | None]], dict[int, int]]:
    """A weekly café is one row, at its next date that is going ahead (calm lists: not the same
    café seven times). Its other dates are on the series page."""
    counts: dict[int, int] = {}
    chosen: dict[int, tuple[Meetup, float | None]] = {}
    for meetup, distance in found:
        if meetup.series_id is None:
            continue
        counts[meetup.series_id] = counts.get(meetup.series_id, 0) + 1
        kept = chosen.get(meetup.series_id)
        if kept is None or (kept[0].is_cancelled and not meetup.is_cancelled):
            chosen[meetup.series_id] = (meetup, distance)
    rows = [row for row in found if row[0].series_id is None or chosen[row[0].series_id][0] is row[0]]
    return rows, counts


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


def find_past(page: int = 1, *, now: datetime | None = None) -> tuple[list[Meetup], int]:
    now = now or utcnow()
    condition = sa.and_(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)), Meetup.ends_at <= now)
    total = db.session.scalar(sa.select(sa.func.count(Meetup.id)).where(condition))
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    meetups = db.session.scalars(
        sa.select(Meetup)
        .where(condition)
        .options(selectinload(Meetup.organisation))
        .order_by(Meetup.starts_at.desc(), Meetup.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return list(meetups), pages


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


def my_meetups(member: User) -> list[tuple[Meetup, Rsvp]]:
    rows = db.session.execute(
        sa.select(Meetup, Rsvp)
        .join(Rsvp, Rsvp.meetup_id == Meetup.id)
        .where(Rsvp.member_id == member.id, Rsvp.status != RsvpStatus.CANCELLED, Meetup.ends_at > utcnow())
        .order_by(Meetup.starts_at)
    ).all()
    return [(meetup, row) for meetup, row in rows]


# ---- Reminders (`flask send-reminders`, every few minutes from cron) ----

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


def my_listings(member: User) -> list[Meetup]:
    """Upcoming meet-ups this member organises (their own, and their organisations')."""
    organisation_ids = [org.id for org in organisations_of(member)]
    condition = Meetup.author_id == member.id
    if organisation_ids:
        condition = sa.or_(condition, Meetup.organisation_id.in_(organisation_ids))
    return list(
        db.session.scalars(
            sa.select(Meetup).where(condition, Meetup.ends_at > utcnow()).order_by(Meetup.starts_at).limit(100)
        )
    )


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


# ---- Moderation: the meet-up content kind ----


def _hide_meetup(meetup, reason, moderator):
    meetup.status, meetup.decision_reason = MeetupStatus.NOT_PUBLISHED, reason


def _restore_meetup(meetup, moderator):
    """Publish it again; a held listing publishes every date of its series."""
    if meetup.series_id:
        for item in db.session.scalars(sa.select(Meetup).where(
            Meetup.series_id == meetup.series_id, Meetup.status.in_((MeetupStatus.AWAITING_APPROVAL, MeetupStatus.NOT_PUBLISHED))
        )):
            item.status = MeetupStatus.PUBLISHED
    meetup.status = MeetupStatus.PUBLISHED


def _edit_meetup(meetup, new_text, moderator, note):
    new_text = (new_text or "").strip()
    if not new_text:
        raise Invalid(_("Write the new description for the meet-up."), field="new_text")
    meetup.description = new_text
    if meetup.status == MeetupStatus.AWAITING_APPROVAL:
        meetup.status = MeetupStatus.PUBLISHED


moderation.register(moderation.ContentKind(
    name="meetup", noun="meet-up", load=lambda meetup_id: db.session.get(Meetup, meetup_id), author_id=lambda m: m.author_id,
    text=lambda m: f"{m.title}\n\n{m.description}", url=lambda m: url_for("meetups.show", meetup_id=m.id),
    hide=_hide_meetup, restore=_restore_meetup, delete=lambda m, mod: _hide_meetup(m, "Removed by a volunteer", mod),
    edit=_edit_meetup, is_hidden=lambda m: m.status != MeetupStatus.PUBLISHED and m.status != MeetupStatus.CANCELLED,
    template="moderation/content/_meetup.html", describe=lambda m: _("The meet-up “%(title)s”", title=m.title),
    visible_to=lambda viewer, m: can_see(viewer, m),
))
