"""Writing: starting a thread, replying, editing, deleting (with undo), the checks on what people write,
and set_post_status, which keeps the counters right when moderation changes a post.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import text
from app.extensions import db
from app.models import Category, Post, PostRevision, PostStatus, Thread, ThreadFollow, ThreadRead
from app.models.types import utcnow
from app.permissions import (
    can_delete_post,
    can_edit_post,
    can_moderate,
    can_reply,
    can_start_thread,
    is_member,
)
from app.services import audit, moderation, safety
from app.services.errors import Conflict, Invalid, NotAllowed, NotFound
from app.services.forums.common import MAX_POST_CHARACTERS
from app.services.forums.drafts import _discard_draft
from app.services.forums.following import _follow, _set_read
from app.services.forums.telling import _tell_about_reply

MAX_TITLE_CHARACTERS = 150
UNDO_MINUTES = 10

KEPT = _l("We have kept what you wrote.")


# ---- Checking what people write --------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise Invalid(_("Write a title for your thread, in a few words."), field="title")
    if len(title) > MAX_TITLE_CHARACTERS:
        raise Invalid(
            _("Your title is %(length)s characters long. Please keep it to %(limit)s characters or fewer.",
              length=f"{len(title):,}", limit=MAX_TITLE_CHARACTERS),
            field="title",
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise Invalid(_("Write something in your post before you post it."), field="body")
    if len(body) > MAX_POST_CHARACTERS:
        raise Invalid(
            _("Your post is %(length)s characters long. Please keep it to %(limit)s characters or fewer. "
              "You could split it into two posts.", length=f"{len(body):,}", limit=f"{MAX_POST_CHARACTERS:,}"),
            field="body",
        )
    return body


def _existing_submission(author, key: str | None) -> Post | None:
    if not key:
        return None
    post = db.session.scalar(sa.select(Post).where(Post.submission_key == key))
    if post is not None and post.author_id != author.id:
        raise Conflict(_("Something went wrong with that form. Please reload the page and try again."))
    return post


def _add_new_post(author, body: str, language: str | None, submission_key: str | None, now, public: bool,
                  **where) -> tuple[Post, Post | None]:
    """(the new post, None), added and flushed; or, when the same submission key was stored by a
    second press that won the race, (the unsaved post, the one that key made) after a rollback.
    `where` places it: thread= and number=1 for a new thread, thread_id= and number= for a reply."""
    post = Post(author_id=author.id, body=body, body_html=text.render(body), language=post_language(language),
                submission_key=submission_key or None, created_at=now,
                status=PostStatus.VISIBLE if public else PostStatus.HELD, **where)
    db.session.add(post)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = _existing_submission(author, submission_key)
        if existing is None:
            raise
        return post, existing
    return post, None


# Back then "Post reply" sends the form again with a fresh submission key (the page is reloaded);
# the same words by the same member in the same place within this time are the same post.
REPEAT_MINUTES = 10


def _same_post_again(author, body: str, *, thread_id: int | None = None, category_id: int | None = None,
                     title: str | None = None) -> Post | None:
    query = sa.select(Post).where(
        Post.author_id == author.id, Post.body == body, Post.status != PostStatus.DELETED,
        Post.created_at >= utcnow() - timedelta(minutes=REPEAT_MINUTES),
    )
    if thread_id is not None:
        query = query.where(Post.thread_id == thread_id)
    else:  # a new thread: the same title and opening post in the same category
        query = query.join(Thread, Thread.id == Post.thread_id).where(
            Post.number == 1, Thread.category_id == category_id, Thread.title == title, Thread.is_deleted.is_(False))
    return db.session.scalar(query.order_by(Post.id.desc()).limit(1))


# ---- Writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posted:
    """What writing or changing a post came to, for the page to tell the author: the stored post,
    how its words were screened (None when they were not: a repeat, a moderator's edit, only the
    language mark changed), and whether it was the same post sent again."""
    post: Post
    screened: safety.Screened | None = None
    already_posted: bool = False

    @property
    def held(self) -> bool:
        """Waiting for a volunteer: only the author sees it."""
        return self.screened is not None and self.screened.held


@dataclass(frozen=True)
class Started:
    """What starting a thread came to: the thread, its first post and, as for a reply, how the
    words were screened and whether it was the same thread sent again."""
    thread: Thread
    first_post: Post
    screened: safety.Screened | None = None
    already_posted: bool = False

    @property
    def held(self) -> bool:
        return self.screened is not None and self.screened.held


def _check_writing(author, text_to_check: str, place: str, field: str = "body"):
    """The safety checks and the approval rules for new members, as one Screened result.
    A blocked text raises Invalid with the sentence for the author; what they wrote is kept."""
    moderation.ensure_can_participate(author)
    screened = safety.screen(author, text_to_check, place, approval=moderation.hold_reason(author, text_to_check, "forum"))
    if screened.blocked:
        raise Invalid(f"{screened.tell()} {KEPT}", field=field)  # two sentences, each translated
    return screened


def _after_writing(author, post: Post, screened) -> None:
    """Open the moderation case the writing needs (held, scam, personal details, crisis). Before the commit."""
    moderation.record_screening(screened, "post", post, author_id=author.id)


# Languages a member can mark a post as, other than the site's own (English).
POST_LANGUAGES = ("cy",)


def post_language(language: str | None) -> str | None:
    """The language a writer marked their post as: "cy", or None (unmarked: the page's own).
    Only what the writer told us is stored, never a guess."""
    return language if language in POST_LANGUAGES else None


def start_thread(author, category: Category, title: str, body: str, submission_key: str | None = None,
                 language: str | None = None) -> Started:
    """Open a thread with its first post. The same submission key twice returns the first thread."""
    existing = _existing_submission(author, submission_key)
    if existing is not None:
        return Started(existing.thread, existing)
    if not can_start_thread(author, category):
        raise NotAllowed(
            _("Only %(who)s can start threads in %(category)s.", who=category.post_audience.who, category=category.name) + f" {KEPT}"
        )
    title, body = _clean_title(title), _clean_body(body)
    repeat = _same_post_again(author, body, category_id=category.id, title=title)
    if repeat is not None:
        _discard_draft(author, category=category)
        db.session.commit()
        return Started(repeat.thread, repeat, already_posted=True)
    screened = _check_writing(author, f"{title}\n\n{body}", "thread")
    public = not screened.held
    now = utcnow()
    thread = Thread(
        category=category, author_id=author.id, title=title, last_post_number=1, post_count=1 if public else 0,
        created_at=now, last_post_at=now, last_poster_id=author.id, is_hidden=not public,
    )
    db.session.add(thread)
    post, existing = _add_new_post(author, body, language, submission_key, now, public, thread=thread, number=1)
    if existing is not None:
        return Started(existing.thread, existing)
    if public:
        db.session.execute(
            sa.update(Category).where(Category.id == category.id).values(
                thread_count=Category.thread_count + 1, post_count=Category.post_count + 1,
                last_post_at=now, last_thread_id=thread.id,
            )
        )
    db.session.add(ThreadFollow(user_id=author.id, thread_id=thread.id))
    db.session.add(ThreadRead(user_id=author.id, thread_id=thread.id, last_read_number=1))
    _discard_draft(author, category=category)
    _after_writing(author, post, screened)
    db.session.commit()
    return Started(thread, post, screened)


def reply(author, thread: Thread, body: str, submission_key: str | None = None, language: str | None = None) -> Posted:
    """Add a post to the end of a thread. The same submission key twice returns the first post."""
    existing = _existing_submission(author, submission_key)
    if existing is not None:
        return Posted(existing)
    if thread.is_deleted:
        raise NotFound(_("This thread has been deleted, so nobody can reply to it now.") + f" {KEPT}")
    if thread.is_locked and not can_moderate(author):
        raise NotAllowed(_("This thread is locked, so nobody can reply to it now.") + f" {KEPT}")
    if not can_reply(author, thread):
        raise NotAllowed(_("You cannot reply in this thread.") + f" {KEPT}")
    body = _clean_body(body)
    repeat = _same_post_again(author, body, thread_id=thread.id)
    if repeat is not None:
        _discard_draft(author, thread=thread)
        db.session.commit()
        return Posted(repeat, already_posted=True)
    screened = _check_writing(author, body, "reply")
    public = not screened.held
    now = utcnow()
    # Handing out the next number is one atomic UPDATE, so two replies never get the same one.
    # A held reply takes a number but changes nothing readers see (count, latest post) until approved.
    changes = {"last_post_number": Thread.last_post_number + 1}
    if public:
        changes.update(post_count=Thread.post_count + 1, last_post_at=now, last_poster_id=author.id)
    number = db.session.execute(
        sa.update(Thread).where(Thread.id == thread.id).values(**changes).returning(Thread.last_post_number)
    ).scalar_one()
    post, existing = _add_new_post(author, body, language, submission_key, now, public, thread_id=thread.id, number=number)
    if existing is not None:
        return Posted(existing)
    if public:
        db.session.execute(
            sa.update(Category).where(Category.id == thread.category_id).values(
                post_count=Category.post_count + 1, last_post_at=now, last_thread_id=thread.id,
            )
        )
    _follow(author, thread)
    _set_read(author, thread, number)
    _discard_draft(author, thread=thread)
    _after_writing(author, post, screened)
    if post.status == PostStatus.VISIBLE:
        _tell_about_reply(author, thread, post)
    db.session.commit()
    return Posted(post, screened)


def edit_post(editor, post: Post, body: str, language: str | None = None) -> Posted:
    """Change a post's words and the language it is marked as (None: not marked)."""
    if not can_edit_post(editor, post):
        raise NotAllowed(_("You cannot change this post.") + f" {KEPT}")
    body = _clean_body(body)
    language = post_language(language)
    if body == post.body:
        if language != post.language:  # only the language mark changed: no new version, nothing to check
            post.language = language
            db.session.commit()
        return Posted(post)
    screened = None
    if not can_moderate(editor):
        screened = _check_writing(editor, body, "edit")
    db.session.add(PostRevision(post_id=post.id, body=post.body, editor_id=editor.id))
    post.body = body
    post.body_html = text.render(body)
    post.language = language
    post.edited_at = utcnow()
    if editor.id != post.author_id:
        audit.record(editor, "edit_post", post, "Edited another member's post")
    if screened is not None:
        if screened.held_for_safety:
            if post.status == PostStatus.VISIBLE:
                set_post_status(post, PostStatus.HELD)
        elif screened.held:
            screened.action, screened.held_because = "publish", ""  # not held again for being a new member's
        _after_writing(editor, post, screened)
    db.session.commit()
    return Posted(post, screened)


def set_post_status(post: Post, status: PostStatus, note: str | None = None, *, actor=None) -> None:
    """Moderation changes a post's status here, so thread and category counters stay right:
    they count published posts and threads only. A first post carries its thread with it."""
    old = post.status
    if old == status:
        post.moderation_note = note
        return
    thread = post.thread
    was_public, now_public = old == PostStatus.VISIBLE, status == PostStatus.VISIBLE
    post.status = status
    post.moderation_note = note
    if status == PostStatus.DELETED:
        post.deleted_at = utcnow()
        post.deleted_by_id = actor.id if actor is not None else None
    elif old == PostStatus.DELETED:
        post.deleted_at = post.deleted_by_id = None
    first = post.number == 1
    if first:
        thread.is_hidden = status in (PostStatus.HELD, PostStatus.HIDDEN)
        thread.is_deleted = status == PostStatus.DELETED
    if was_public == now_public:
        return
    change = 1 if now_public else -1
    thread.post_count += change
    values = {"post_count": Category.post_count + change}
    if first:
        values["thread_count"] = Category.thread_count + change
    if now_public and old == PostStatus.HELD:
        # Approved: it is news now, as if it had just been posted.
        now = utcnow()
        if first or post.number >= thread.last_post_number or thread.last_post_at is None or post.created_at >= thread.last_post_at:
            thread.last_post_at, thread.last_poster_id = now, post.author_id
        values.update(last_post_at=now, last_thread_id=thread.id)
        if not first and post.author is not None:
            _tell_about_reply(post.author, thread, post)  # followers hear of a held reply once it is published
    db.session.execute(sa.update(Category).where(Category.id == thread.category_id).values(**values))


def delete_post(actor, post: Post) -> None:
    """Delete a post (the first post deletes its thread). Undo works for UNDO_MINUTES."""
    if not can_delete_post(actor, post):
        raise NotAllowed(_("You cannot delete this post."))
    now = utcnow()
    post.status = PostStatus.DELETED
    post.deleted_at = now
    post.deleted_by_id = actor.id
    thread = post.thread
    _adjust_counts(thread, -1, deleting_thread=post.number == 1)
    if actor.id != post.author_id:
        audit.record(actor, "delete_post", post, "Deleted another member's post")
    db.session.commit()


def can_undo_delete(actor, post: Post) -> bool:
    return (
        is_member(actor)
        and post.status == PostStatus.DELETED
        and post.deleted_by_id == actor.id
        and post.deleted_at is not None
        and utcnow() - post.deleted_at <= timedelta(minutes=UNDO_MINUTES)
    )


def undo_delete(actor, post: Post) -> None:
    if not can_undo_delete(actor, post):
        raise NotAllowed(_("It is more than %(minutes)s minutes since this post was deleted, so it cannot be brought back.", minutes=UNDO_MINUTES))
    post.status = PostStatus.VISIBLE
    post.deleted_at = None
    post.deleted_by_id = None
    _adjust_counts(post.thread, +1, deleting_thread=post.number == 1)
    db.session.commit()


def _adjust_counts(thread: Thread, change: int, deleting_thread: bool) -> None:
    thread.post_count += change
    values = {"post_count": Category.post_count + change}
    if deleting_thread:
        thread.is_deleted = change < 0
        values["thread_count"] = Category.thread_count + change
    db.session.execute(sa.update(Category).where(Category.id == thread.category_id).values(**values))
