"""The staff action log (read only) and moderator powers (administrators)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ApprovalStatus, AuditEntry, Role, User
from app.permissions import can_moderate, is_admin
from app.services import audit, paging
from app.services.errors import NotAllowed
from app.services.notifications import notify


# ---- The staff action log (read only) ----------------------------------------------------------------

LOG_PAGE_SIZE = 50


# Administration, not moderation: who was approved or given powers, watched words, categories,
# verified organisations. Volunteer moderators read the log of moderation actions without these.
ADMIN_ONLY_LOG_ACTIONS = frozenset({
    "approve_role", "decline_role", "grant_moderator", "remove_moderator", "add_watched_word", "update_watched_word",
    "remove_watched_word", "create_category", "update_category", "verify_organisation", "unverify_organisation",
})


def _log_for(viewer, statement):
    if not can_moderate(viewer):
        raise NotAllowed(_("Only volunteer moderators and administrators can read the log of moderation actions."))
    if not is_admin(viewer):
        statement = statement.where(AuditEntry.action.not_in(ADMIN_ONLY_LOG_ACTIONS))
    return statement


LOG_KEY = paging.KeyFormat((paging.TIME, paging.ID))  # when, the entry's id


def log_entries(viewer, *, actor_id: int | None = None, action: str = "", since: datetime | None = None,
                before: datetime | None = None, position: paging.Position = paging.Position()) -> paging.KeysetPage:
    """The staff log, newest first, paged by key (it only grows: OFFSET would read every entry
    before the page)."""
    statement = _log_for(viewer, sa.select(AuditEntry).options(joinedload(AuditEntry.actor)))
    if actor_id:
        statement = statement.where(AuditEntry.actor_id == actor_id)
    if action:
        statement = statement.where(AuditEntry.action == action)
    if since:
        statement = statement.where(AuditEntry.created_at >= since)
    if before:
        statement = statement.where(AuditEntry.created_at < before)
    return paging.read_rows(statement, (AuditEntry.created_at, AuditEntry.id), LOG_KEY, position, LOG_PAGE_SIZE)


def log_actions(viewer) -> list[str]:
    return list(db.session.scalars(_log_for(viewer, sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action))))


def staff() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(sa.or_(User.is_admin.is_(True), User.is_moderator.is_(True))).order_by(User.display_name)
    ))


# ---- Moderator powers (administrators) ----------------------------------------------------------------


def volunteers() -> list[User]:
    """Approved volunteers, who may be given moderator powers, and anyone who has them."""
    return list(db.session.scalars(
        sa.select(User).where(User.deleted_at.is_(None), sa.or_(
            User.is_moderator.is_(True), sa.and_(User.role == Role.VOLUNTEER, User.approval == ApprovalStatus.APPROVED),
        )).order_by(User.display_name)
    ))


def set_moderator(admin, member: User, on: bool, reason: str = "") -> None:
    if not is_admin(admin):
        raise NotAllowed(_("Only an administrator can give or remove moderator powers."))
    if on and not (member.role == Role.VOLUNTEER and member.approval == ApprovalStatus.APPROVED):
        raise NotAllowed(_("%(name)s is not an approved volunteer. Only approved volunteers can moderate.", name=member.display_name))
    if member.is_moderator == on:
        return
    member.is_moderator = on
    audit.record(admin, "grant_moderator" if on else "remove_moderator", member, reason or member.display_name)
    notify(member, "moderation", _l("You can now help moderate Kindred: the review queue is in your account menu.") if on
           else _l("Your moderator powers have been removed. Thank you for your help."), url_for("settings.index"), actor=admin)
    db.session.commit()
