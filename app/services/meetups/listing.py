"""Listing a meet-up: the draft that keeps the stepped form's answers on the server, and finishing it
(published at once, sent for checking, or applied as a change).
"""
import sqlalchemy as sa
from flask_babel import gettext as _

from app import formatting
from app.extensions import db
from app.facts import is_organiser
from app.models import Meetup, MeetupDraft, MeetupStatus, Organisation, Series, User
from app.models.types import utcnow
from app.services import moderation, safety
from app.services.errors import Conflict, Invalid, NotAllowed
from app.services.meetups.common import ACCESS_KEYS, MEETUP_FIELDS, _numbers_of, organisations_of
from app.services.meetups.organising import change
from app.services.meetups.series import repeat_dates, series_nth
from app.services.meetups.steps import check_all, _london


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
        dates = repeat_dates(first_local.date(), values["repeat"], values["repeat_count"])
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
