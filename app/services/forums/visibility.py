"""Who sees which posts and threads: the one rule every query and page of the forums goes through."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import Post, PostStatus, Thread
from app.permissions import can_moderate, can_read_category, is_member
from app.services import blocking


# ---- Seams for features built alongside this one ------------------------------------------


def visible_posts(viewer):
    """Every query for posts goes through here, so moderation plugs in once. Published posts for
    everyone; held and hidden posts for moderators, and for their own author (who sees why);
    deleted posts for nobody (the author has the undo page)."""
    return sa.select(Post).where(post_visibility(viewer))


def post_visibility(viewer):
    """The WHERE clause of visible_posts, for queries that select something else."""
    return post_visibility_for(viewer_kind(viewer), viewer.id if is_member(viewer) else None)


def viewer_kind(viewer) -> str:
    """Which of the three rules of post_visibility_for applies to this viewer."""
    if can_moderate(viewer):
        return "moderator"
    return "member" if is_member(viewer) else "visitor"


def post_visibility_for(kind: str, viewer_id):
    """post_visibility for a kind of viewer (viewer_kind) and their id, or a bound parameter that
    stands for it, so a statement built once can serve every viewer of that kind."""
    if kind == "moderator":
        return Post.status.in_((PostStatus.VISIBLE, PostStatus.HELD, PostStatus.HIDDEN))
    if kind == "member":
        return sa.or_(
            Post.status == PostStatus.VISIBLE,
            sa.and_(Post.author_id == viewer_id, Post.status.in_((PostStatus.HELD, PostStatus.HIDDEN))),
        )
    return Post.status == PostStatus.VISIBLE


def may_see_post(viewer, post: Post) -> bool:
    if post.status == PostStatus.VISIBLE:
        return True
    if post.status in (PostStatus.HELD, PostStatus.HIDDEN):
        return can_moderate(viewer) or (is_member(viewer) and post.author_id == viewer.id)
    return False


def thread_visibility_for(kind: str, viewer_id):
    """may_see_thread as a WHERE clause, for a kind of viewer (viewer_kind) and their id or a bound
    parameter standing for it: a thread whose first post is held or hidden is listed only for its
    author and moderators."""
    if kind == "moderator":
        return sa.true()
    if kind == "member":
        return sa.or_(Thread.is_hidden.is_(False), Thread.author_id == viewer_id)
    return Thread.is_hidden.is_(False)


def may_see_thread(viewer, thread: Thread) -> bool:
    """A thread whose first post is held or hidden is seen only by its author and moderators."""
    return not thread.is_hidden or can_moderate(viewer) or (is_member(viewer) and thread.author_id == viewer.id)


def may_read_thread(viewer, thread: Thread) -> bool:
    """The rule of the thread page (get_thread), for pages that show a thread found another way."""
    return can_read_category(viewer, thread.category) and not thread.is_deleted and may_see_thread(viewer, thread)


def may_read_post(viewer, post: Post) -> bool:
    """The rule of a post on its thread page (get_post): anything else that shows a post asks this."""
    return may_read_thread(viewer, post.thread) and may_see_post(viewer, post)


def collapsed_author_ids(viewer) -> frozenset[int]:
    """Authors whose posts are collapsed for this reader: the members they have blocked or muted."""
    if not is_member(viewer):
        return frozenset()
    return frozenset(blocking.hidden_author_ids(viewer))
