"""Drafts: unsent writing kept on the server, one per member and thread (or category, for a new thread)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Category, Draft, Thread
from app.models.types import utcnow
from app.permissions import is_member
from app.services.errors import Invalid, NotAllowed
from app.services.forums.common import MAX_POST_CHARACTERS


def _draft_query(member, thread=None, category=None):
    statement = sa.select(Draft).where(Draft.user_id == member.id)
    if thread is not None:
        return statement.where(Draft.thread_id == thread.id)
    return statement.where(Draft.category_id == category.id)


def get_draft(member, thread: Thread | None = None, category: Category | None = None) -> Draft | None:
    if not is_member(member):
        return None
    return db.session.scalar(_draft_query(member, thread, category))


def save_draft(member, body: str, thread: Thread | None = None, category: Category | None = None, title: str = "") -> Draft | None:
    """Keep unsent writing on the server. Saving nothing removes the draft."""
    if (thread is None) == (category is None):
        raise Invalid(_("A draft belongs to one thread or one category."))
    if not is_member(member):
        raise NotAllowed(_("Please sign in to save a draft."))
    body = (body or "")[: MAX_POST_CHARACTERS * 5]
    title = (title or "")[:300]
    draft = db.session.scalar(_draft_query(member, thread, category))
    if not body.strip() and not title.strip():
        if draft is not None:
            db.session.delete(draft)
            db.session.commit()
        return None
    if draft is None:
        draft = Draft(user_id=member.id, thread_id=thread.id if thread else None, category_id=category.id if category else None)
        db.session.add(draft)
    draft.body, draft.title, draft.updated_at = body, title, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # two autosaves racing: the other one created it; save into that
        db.session.rollback()
        return save_draft(member, body, thread, category, title)
    return draft


def _discard_draft(member, thread=None, category=None) -> None:
    db.session.execute(
        sa.delete(Draft).where(
            Draft.user_id == member.id,
            (Draft.thread_id == thread.id) if thread is not None else (Draft.category_id == category.id),
        )
    )
