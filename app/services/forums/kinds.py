"""Posts and threads are the forums' content kinds: registered with moderation when this is imported."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app import text
from app.extensions import db
from app.models import Post, PostRevision, PostStatus, Thread
from app.models.types import utcnow
from app.services import moderation
from app.services.errors import Invalid
from app.services.forums.common import page_for_number
from app.services.forums.visibility import may_read_post, may_read_thread
from app.services.forums.writing import set_post_status


def _load_post(post_id):
    return db.session.scalar(
        sa.select(Post).options(joinedload(Post.thread).joinedload(Thread.category), joinedload(Post.author)).where(Post.id == post_id)
    )


def _post_url(post):
    return url_for("forums.thread", thread_id=post.thread_id, page=page_for_number(post.number)) + f"#post-{post.number}"


def _posts_around(post) -> list:
    """The two posts before and after it in the thread."""
    return list(db.session.scalars(
        sa.select(Post).where(Post.thread_id == post.thread_id, Post.number.between(post.number - 2, post.number + 2))
        .order_by(Post.number)
    ))


def _edit_post(post, new_text, moderator, note):
    new_text = (new_text or "").strip()
    if not new_text:
        raise Invalid(_("Write the new text for the post."), field="new_text")
    db.session.add(PostRevision(post_id=post.id, body=post.body, editor_id=moderator.id))
    post.body, post.body_html, post.edited_at = new_text, text.render(new_text), utcnow()
    post.moderation_note = note
    if post.status == PostStatus.HELD:
        set_post_status(post, PostStatus.VISIBLE, note)


moderation.register(moderation.ContentKind(
    name="post", noun="post", load=_load_post, author_id=lambda p: p.author_id, text=lambda p: p.body, url=_post_url,
    hide=lambda p, reason, m: set_post_status(p, PostStatus.HIDDEN, reason),
    restore=lambda p, m: set_post_status(p, PostStatus.VISIBLE, None),
    delete=lambda p, m: set_post_status(p, PostStatus.DELETED, None, actor=m),
    edit=_edit_post, is_hidden=lambda p: p.status != PostStatus.VISIBLE, template="moderation/content/_post.html",
    describe=lambda p: _("Post %(number)s in “%(title)s”", number=p.number, title=p.thread.title), around=_posts_around,
    visible_to=lambda viewer, p: may_read_post(viewer, p),
    others_replied=lambda p: p.number == 1 and _others_replied(p.thread),
))


def _others_replied(thread) -> bool:
    """Have other people replied in this thread? Then reports alone do not hide its first post."""
    return db.session.scalar(sa.select(sa.func.count(Post.id)).where(
        Post.thread_id == thread.id, Post.number > 1, Post.status == PostStatus.VISIBLE,
        sa.or_(Post.author_id.is_(None), Post.author_id != thread.author_id),
    )) > 0


def _load_thread(thread_id):
    return db.session.scalar(sa.select(Thread).options(joinedload(Thread.category)).where(Thread.id == thread_id))


def first_post(thread) -> Post | None:
    """A thread's opening post (whatever its status)."""
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def _edit_thread(thread, new_text, moderator, note):
    title = " ".join((new_text or "").split())
    if not title or len(title) > 150:
        raise Invalid(_("Write the new title, in 150 characters or fewer."), field="new_text")
    thread.title = title


moderation.register(moderation.ContentKind(
    name="thread", noun="thread", load=_load_thread, author_id=lambda t: t.author_id,
    text=lambda t: t.title, url=lambda t: url_for("forums.thread", thread_id=t.id),
    hide=lambda t, reason, m: set_post_status(first_post(t), PostStatus.HIDDEN, reason),
    restore=lambda t, m: set_post_status(first_post(t), PostStatus.VISIBLE, None),
    delete=lambda t, m: set_post_status(first_post(t), PostStatus.DELETED, None, actor=m),
    edit=_edit_thread, is_hidden=lambda t: t.is_hidden or t.is_deleted, template="moderation/content/_thread.html",
    describe=lambda t: _("The thread “%(title)s”", title=t.title),
    visible_to=lambda viewer, t: may_read_thread(viewer, t), others_replied=lambda t: _others_replied(t),
))
