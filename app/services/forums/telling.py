"""Telling people about a reply: mentions (@Name) and followers, and the link to a post."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Post, Thread, ThreadFollow, User
from app.permissions import can_read_category
from app.services import blocking, notifications
from app.services.forums.common import page_for_number

MENTION = re.compile(r"@(\w[\w .'-]{0,59})", re.UNICODE)


def post_link(post: Post) -> str:
    """The exact place of a post: its page of the thread, scrolled to it."""
    return url_for("forums.thread", thread_id=post.thread_id, page=page_for_number(post.number)) + f"#post-{post.number}"


def _may_be_told(member: User, author: User, thread: Thread, blocked_author: set[int]) -> bool:
    """Not the author, not someone who blocked them, not a closed account, and only if they may read it."""
    return (
        member.id != author.id
        and member.id not in blocked_author
        and member.deleted_at is None
        and can_read_category(member, thread.category)
    )


def mentioned_in(body: str, thread: Thread) -> list[User]:
    """Members named as @Name in `body`, chosen only from people who have posted in the thread
    (display names matched without regard to case; the longest name wins)."""
    if "@" not in body:
        return []
    poster_ids = set(db.session.scalars(sa.select(Post.author_id).where(Post.thread_id == thread.id, Post.author_id.is_not(None)).distinct()))
    if thread.author_id:
        poster_ids.add(thread.author_id)
    if not poster_ids:
        return []
    posters = sorted(db.session.scalars(sa.select(User).where(User.id.in_(poster_ids))), key=lambda u: -len(u.display_name))
    lowered = body.casefold()
    found = []
    for start in [m.start() for m in re.finditer("@", lowered)]:
        after = lowered[start + 1:]
        for person in posters:
            name = person.display_name.casefold()
            if after.startswith(name) and (len(after) == len(name) or not after[len(name)].isalnum()):
                if person not in found:
                    found.append(person)
                break
    return found


def _tell_about_reply(author: User, thread: Thread, post: Post) -> None:
    """One notification each: a mention for people named in the reply, otherwise a reply notice
    for followers. Never the author, people who blocked them, or people who cannot read it."""
    blocked_author = blocking.blocked_by_ids(author)
    link = post_link(post)
    told: set[int] = set()
    for person in mentioned_in(post.body, thread):
        if _may_be_told(person, author, thread, blocked_author):
            notifications.notify(
                person, "forum_mention", _l("%(name)s mentioned you in “%(title)s”.", name=author.display_name, title=thread.title),
                link, actor=author
            )
            told.add(person.id)
    followers = db.session.scalars(
        sa.select(User).join(ThreadFollow, ThreadFollow.user_id == User.id).where(ThreadFollow.thread_id == thread.id)
    )
    for follower in followers:
        if follower.id not in told and _may_be_told(follower, author, thread, blocked_author):
            notifications.notify(
                follower, "forum_reply",
                _l("%(name)s replied in “%(title)s”, a thread you follow.", name=author.display_name, title=thread.title), link,
                actor=author,
            )
