"""Approving meet-ups (volunteers), and the meet-up content kind, registered with moderation when this is
imported.
"""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Meetup, MeetupStatus, User
from app.models.types import utcnow
from app.permissions import can_moderate
from app.services import audit, moderation
from app.services.errors import Conflict, Invalid, NotAllowed
from app.services.meetups.common import can_see
from app.services.meetups.telling import _link, _tell


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
