"""Sanctions and what they stop: how long they last, ensure_can_participate, lifting one, a member's list."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app import formatting
from app.extensions import db
from app.facts import forget_cached_sanctions, silence_of
from app.models import Sanction, SanctionKind, User
from app.models.types import utcnow
from app.permissions import can_moderate
from app.services import audit
from app.services.errors import Invalid, NotAllowed
from app.services.notifications import notify

DURATIONS = {1: "1 day", 3: "3 days", 7: "1 week", 14: "2 weeks", 30: "30 days", 90: "90 days"}


def _recompute_restricted(member: User) -> None:
    db.session.flush()
    member.restricted_until = db.session.scalar(
        sa.select(sa.func.max(Sanction.until)).where(
            Sanction.member_id == member.id, Sanction.kind.in_((SanctionKind.SILENCE, SanctionKind.SUSPEND)),
            Sanction.lifted_at.is_(None), Sanction.until > utcnow(),
        )
    )
    forget_cached_sanctions()


def until_words(sanction: Sanction) -> str:
    return formatting.full_date_time(sanction.until) if sanction.until else _("an administrator lifts it")


def ensure_can_participate(user) -> None:
    sanction = silence_of(user)
    if sanction is not None:
        raise NotAllowed(_(
            "You cannot post or reply until %(until)s, because a volunteer paused your account: "
            "%(reason)s You can still read. If you think this is wrong, you can appeal from your Moderation history page.",
            until=until_words(sanction), reason=sanction.reason
        ))


def sanctions_of(member_id: int) -> list[Sanction]:
    return list(db.session.scalars(
        sa.select(Sanction).options(joinedload(Sanction.by)).where(Sanction.member_id == member_id).order_by(Sanction.created_at.desc())
    ))


def until_for(days: int | None, now: datetime | None = None) -> datetime:
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise Invalid(_("Choose how long it lasts."), field="days")
    if days not in DURATIONS:
        raise Invalid(_("Choose how long it lasts."), field="days")
    return (now or utcnow()) + timedelta(days=days)


def lift_sanction(admin_or_moderator, sanction: Sanction, reason: str = "") -> None:
    if not can_moderate(admin_or_moderator):
        raise NotAllowed(_("Only volunteer moderators can lift a pause or suspension."))
    if sanction.lifted_at is None:
        sanction.lifted_at = utcnow()
        audit.record(admin_or_moderator, "lift_sanction", sanction, reason or f"{sanction.kind.value} lifted")
        _recompute_restricted(sanction.member)
        notify(sanction.member, "moderation", _l("Your suspension has been lifted. Welcome back.") if sanction.kind == SanctionKind.SUSPEND else _l("Your pause has been lifted. Welcome back."),
               url_for("moderation.history"))
        db.session.commit()
