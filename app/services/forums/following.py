"""Following threads, read markers (how far a member has read) and saved posts (bookmarks)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Bookmark, Post, Thread, ThreadFollow, ThreadRead
from app.models.types import utcnow
from app.permissions import is_member
from app.services.errors import NotAllowed


def _is_following(member, thread) -> bool:
    return db.session.scalar(
        sa.select(ThreadFollow.id).where(ThreadFollow.user_id == member.id, ThreadFollow.thread_id == thread.id)
    ) is not None


def _mark_read(member, thread, last_read: int | None, number: int) -> None:
    """Remember the furthest post this member has seen (one statement, only when it moves on).

    Committed without expiring what this request has loaded (the member, the thread): nothing
    else changed, and reloading them would cost two more statements on every page."""
    if number < 1 or (last_read is not None and number <= last_read):
        return
    if last_read is None:
        db.session.add(ThreadRead(user_id=member.id, thread_id=thread.id, last_read_number=number))
    else:
        db.session.execute(
            sa.update(ThreadRead)
            .where(ThreadRead.user_id == member.id, ThreadRead.thread_id == thread.id, ThreadRead.last_read_number < number)
            .values(last_read_number=number, read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    session = db.session()
    if session.connection().get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        # A reading page without a transaction (READ_PAGES_AUTOCOMMIT): the statement is stored as
        # it runs. No commit, which would end the session's connection and begin a transaction
        # for the rest of the page.
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
        return
    session.expire_on_commit = False
    try:
        session.commit()
    except IntegrityError:  # the same member reading in two tabs at once
        session.rollback()
    finally:
        session.expire_on_commit = True


def follow(member, thread: Thread, on: bool = True) -> None:
    if not is_member(member):
        raise NotAllowed(_("Please sign in to follow threads."))
    if on:
        _follow(member, thread)
    else:
        db.session.execute(sa.delete(ThreadFollow).where(ThreadFollow.user_id == member.id, ThreadFollow.thread_id == thread.id))
    db.session.commit()


def _follow(member, thread) -> None:
    if not _is_following(member, thread):
        db.session.add(ThreadFollow(user_id=member.id, thread_id=thread.id))


def _set_read(member, thread, number: int) -> None:
    read = db.session.scalar(sa.select(ThreadRead).where(ThreadRead.user_id == member.id, ThreadRead.thread_id == thread.id))
    if number < 1:
        return
    if read is None:
        db.session.add(ThreadRead(user_id=member.id, thread_id=thread.id, last_read_number=number))
    elif number > read.last_read_number:
        read.last_read_number = number


def bookmark(member, post: Post, on: bool = True) -> None:
    if not is_member(member):
        raise NotAllowed(_("Please sign in to save posts."))
    existing = db.session.scalar(sa.select(Bookmark).where(Bookmark.user_id == member.id, Bookmark.post_id == post.id))
    if on and existing is None:
        db.session.add(Bookmark(user_id=member.id, post_id=post.id))
    elif not on and existing is not None:
        db.session.delete(existing)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
