"""Organising: changing a date, cancelling it, messaging everyone going, and an organiser's listings."""
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.facts import is_organiser
from app.models import Meetup, MeetupStatus, Organisation, ReminderSent, Rsvp, User
from app.models.types import utcnow
from app.permissions import can_moderate
from app.services import audit, moderation, safety
from app.services.errors import Invalid, NotAllowed
from app.services.meetups.common import MEETUP_FIELDS, _numbers_of, organisations_of
from app.services.meetups.going import going_list, promote_waiting
from app.services.meetups.telling import _link, _people_with_places, _tell, _when, _where

MESSAGE_LIMIT = 2000

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
