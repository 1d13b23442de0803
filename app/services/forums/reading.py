"""Reading, in a fixed number of queries: categories, a category's threads, a thread's page of posts,
one post, its revisions, and a member's saved posts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import (
    Bookmark,
    Category,
    Draft,
    Post,
    PostRevision,
    PostStatus,
    Reaction,
    ReactionKind,
    Thread,
    ThreadFollow,
    ThreadRead,
    User,
)
from app.permissions import can_moderate, can_read_category, is_member
from app.services import blocking
from app.services.errors import NotFound
from app.services.forums.common import POSTS_PER_PAGE, page_for_number
from app.services.forums.following import _mark_read
from app.services.forums.visibility import collapsed_author_ids, may_see_post, may_see_thread, visible_posts

THREADS_PER_PAGE = 20
SAVED_PER_PAGE = 20


def all_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.name)))


def readable_category_ids(viewer) -> list[int]:
    return [category.id for category in all_categories() if can_read_category(viewer, category)]


@dataclass
class CategoryRow:
    category: Category
    latest: "Thread | None"  # the thread with the newest published post, never a hidden or held one


def list_categories(viewer) -> list[CategoryRow]:
    """The categories this person may read, each with its latest public thread, in two queries.
    The latest line is worked out from the threads themselves (not the category's stored
    last_thread), so a thread that moderators hid or that waits for approval never shows there."""
    categories = [category for category in all_categories() if can_read_category(viewer, category)]
    newest = (
        sa.select(Thread.id, sa.func.row_number().over(
            partition_by=Thread.category_id, order_by=(Thread.last_post_at.desc(), Thread.id.desc())).label("rank"))
        .where(Thread.category_id.in_([c.id for c in categories] or [0]),
               Thread.is_hidden.is_(False), Thread.is_deleted.is_(False), Thread.post_count > 0)
        .subquery()
    )
    latest = {
        thread.category_id: thread
        for thread in db.session.scalars(sa.select(Thread).join(newest, newest.c.id == Thread.id).where(newest.c.rank == 1))
    }
    return [CategoryRow(category, latest.get(category.id)) for category in categories]


def get_category(viewer, slug: str) -> Category:
    category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    # Unreadable looks exactly like missing: the name of a private space is private too.
    if category is None or not can_read_category(viewer, category):
        raise NotFound(_("We cannot find that category."))
    return category


def get_thread(viewer, thread_id: int, *, include_deleted: bool = False) -> Thread:
    thread = db.session.scalar(
        sa.select(Thread).options(joinedload(Thread.category)).where(Thread.id == thread_id)
    )
    if thread is None or not can_read_category(viewer, thread.category):
        raise NotFound(_("We cannot find that thread."))
    if thread.is_deleted and not include_deleted:
        raise NotFound(_("This thread has been deleted."))
    if not may_see_thread(viewer, thread):
        raise NotFound(_("We cannot find that thread."))
    return thread


def get_post(viewer, post_id: int, *, include_deleted: bool = False) -> Post:
    post = db.session.scalar(
        sa.select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.category), joinedload(Post.author))
        .where(Post.id == post_id)
    )
    if post is None or not can_read_category(viewer, post.thread.category):
        raise NotFound(_("We cannot find that post."))
    if post.status in (PostStatus.HELD, PostStatus.HIDDEN) and not may_see_post(viewer, post):
        raise NotFound(_("We cannot find that post."))
    if not may_see_thread(viewer, post.thread):
        raise NotFound(_("We cannot find that post."))
    if not include_deleted and (post.status == PostStatus.DELETED or post.thread.is_deleted):
        raise NotFound(_("That post has been deleted."))
    return post


@dataclass
class ThreadRow:
    thread: Thread
    last_read_number: int | None  # None: never opened
    following: bool
    has_read_markers: bool = True  # visitors have none: nothing is "new" or "unread" for them

    @property
    def is_new(self) -> bool:
        return self.has_read_markers and self.last_read_number is None

    @property
    def new_replies(self) -> int:
        if not self.has_read_markers or self.last_read_number is None:
            return 0
        return max(self.thread.last_post_number - self.last_read_number, 0)


@dataclass
class Listing:
    rows: list
    page: int
    total_pages: int
    total: int = 0


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def thread_list(viewer, category: Category, page: int = 1) -> Listing:
    """One page of a category's threads, pinned first, with this reader's New markers (one query)."""
    total = category.thread_count
    if can_moderate(viewer):
        shown = sa.true()
    elif is_member(viewer):
        shown = sa.or_(Thread.is_hidden.is_(False), Thread.author_id == viewer.id)
    else:
        shown = Thread.is_hidden.is_(False)
    if is_member(viewer):
        # The counter holds published threads; add the held or hidden ones this reader may see.
        # For a member that is their own (found by author, not by reading the whole category).
        own = sa.true() if can_moderate(viewer) else Thread.author_id == viewer.id
        total += db.session.scalar(
            sa.select(sa.func.count(Thread.id)).where(
                Thread.category_id == category.id, Thread.is_deleted.is_(False), Thread.is_hidden.is_(True), own
            )
        ) or 0
    total_pages = _pages(total, THREADS_PER_PAGE)
    page = min(max(page, 1), total_pages)
    statement = (
        sa.select(Thread)
        .options(joinedload(Thread.author).load_only(User.id, User.display_name),  # names only (issue 15)
                 joinedload(Thread.last_poster).load_only(User.id, User.display_name))
        .where(Thread.category_id == category.id, Thread.is_deleted.is_(False), shown)
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .limit(THREADS_PER_PAGE)
        .offset((page - 1) * THREADS_PER_PAGE)
    )
    if is_member(viewer):
        statement = (
            statement.add_columns(ThreadRead.last_read_number, ThreadFollow.id)
            .outerjoin(ThreadRead, sa.and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == viewer.id))
            .outerjoin(ThreadFollow, sa.and_(ThreadFollow.thread_id == Thread.id, ThreadFollow.user_id == viewer.id))
        )
        rows = [ThreadRow(thread, last_read, follow_id is not None) for thread, last_read, follow_id in db.session.execute(statement).unique()]
    else:
        rows = [ThreadRow(thread, None, False, has_read_markers=False) for thread in db.session.scalars(statement).unique()]
    return Listing(rows, page, total_pages, total)


@dataclass
class PostView:
    post: Post
    counts: dict = field(default_factory=dict)  # ReactionKind -> count
    mine: set = field(default_factory=set)  # kinds this reader gave
    bookmarked: bool = False
    collapsed: bool = False
    is_first_unread: bool = False


@dataclass
class ThreadPage:
    thread: Thread
    posts: list[PostView]
    page: int
    total_pages: int
    following: bool
    last_read_number: int | None  # before this visit
    first_unread_number: int | None
    draft: Draft | None

    @property
    def first_unread_page(self) -> int | None:
        return page_for_number(self.first_unread_number) if self.first_unread_number else None


def thread_page(viewer, thread: Thread, page: int = 1, collapsed_authors: frozenset[int] | None = None) -> ThreadPage:
    """Posts numbered ((page-1)*20, page*20] — found through the (thread_id, number) index, never OFFSET.

    A member's page costs four statements here whatever is on it: what this member has to do with
    the thread (read marker, follow, draft, blocks and mutes, in one), the read marker moving on,
    the posts with their authors' names, and the reactions with this member's own and their saved
    posts (in one)."""
    total_pages = page_for_number(thread.last_post_number)
    page = min(max(page, 1), total_pages)
    low, high = (page - 1) * POSTS_PER_PAGE + 1, page * POSTS_PER_PAGE
    member = is_member(viewer)
    state = _member_thread_state(viewer, thread) if member else _MemberThreadState()
    if collapsed_authors is None:
        collapsed_authors = frozenset(state.hidden_authors)
    last_read = state.last_read
    first_unread = last_read + 1 if last_read is not None and last_read < thread.last_post_number else None
    if member:
        _mark_read(viewer, thread, last_read, min(high, thread.last_post_number))
    posts = list(
        db.session.scalars(
            visible_posts(viewer)
            # Only the author's name and id: not 20 members' whole records (password hashes included).
            # A second statement, not a join: PostgreSQL guesses thousands of posts for the number
            # range and then hashes all 100,000 members (185 ms at a million posts).
            .options(selectinload(Post.author).load_only(User.id, User.display_name))
            .where(Post.thread_id == thread.id, Post.number.between(low, high))
            .order_by(Post.number)
        )
    )
    for post in posts:
        set_committed_value(post, "thread", thread)
    ids = [post.id for post in posts]
    views = {post.id: PostView(post, collapsed=post.author_id in collapsed_authors) for post in posts}
    if ids:
        _add_reactions_and_saved(viewer if member else None, views)
    if last_read is not None:
        for view in views.values():
            if view.post.number > last_read:
                view.is_first_unread = True
                break
    return ThreadPage(thread, list(views.values()), page, total_pages, state.following, last_read, first_unread, state.draft)


@dataclass
class _MemberThreadState:
    last_read: int | None = None
    following: bool = False
    draft: Draft | None = None
    hidden_authors: set = field(default_factory=set)


def _member_thread_state(member, thread) -> _MemberThreadState:
    """Read marker, follow, draft, and the authors this member blocked or muted: one statement."""
    rows = sa.union_all(
        # The first SELECT gives the columns their types (the draft's time is a UTC datetime).
        sa.select(sa.literal("draft").label("what"), Draft.id.label("number"), Draft.body.label("body"), Draft.updated_at.label("at"))
        .where(Draft.user_id == member.id, Draft.thread_id == thread.id),
        sa.select(sa.literal("read"), ThreadRead.last_read_number, sa.null(), sa.null())
        .where(ThreadRead.user_id == member.id, ThreadRead.thread_id == thread.id),
        sa.select(sa.literal("follow"), ThreadFollow.id, sa.null(), sa.null())
        .where(ThreadFollow.user_id == member.id, ThreadFollow.thread_id == thread.id),
        *[sa.select(sa.literal("hide"), column, sa.null(), sa.null()).where(condition)
          for column, condition in blocking.hidden_author_columns(member)],
    )
    state = _MemberThreadState()
    for what, number, body, at in db.session.execute(rows):
        if what == "draft":
            # Read-only: the reply form shows it; saving a draft loads the real row.
            state.draft = Draft(id=number, user_id=member.id, thread_id=thread.id, body=body, updated_at=at)
        elif what == "read":
            state.last_read = number
        elif what == "follow":
            state.following = True
        else:
            state.hidden_authors.add(number)
    return state


def _add_reactions_and_saved(member, views: dict) -> None:
    """Reaction counts per post and kind, which of them are this member's, and which posts they
    saved: one statement (counts only for visitors)."""
    ids = list(views)
    kind = sa.type_coerce(Reaction.kind, sa.String)  # the stored name, so "saved" can share the column
    mine = sa.func.sum(sa.case((Reaction.user_id == member.id, 1), else_=0)) if member is not None else sa.literal(0)
    statement = (
        sa.select(Reaction.post_id, kind.label("kind"), sa.func.count().label("count"), mine.label("mine"))
        .where(Reaction.post_id.in_(ids)).group_by(Reaction.post_id, Reaction.kind)
    )
    if member is not None:
        statement = sa.union_all(statement, sa.select(
            Bookmark.post_id, sa.literal("saved"), sa.literal(0), sa.literal(1)
        ).where(Bookmark.user_id == member.id, Bookmark.post_id.in_(ids)))
    for post_id, kind_name, count, given in db.session.execute(statement):
        view = views[post_id]
        if kind_name == "saved":
            view.bookmarked = True
            continue
        reaction = ReactionKind[kind_name]
        view.counts[reaction] = count
        if given:
            view.mine.add(reaction)


def post_view(viewer, post: Post) -> PostView:
    """One post with its reaction counts, the reader's own reactions and whether they saved it:
    the post's own actions page (React, Save, Report...), which the thread page links to."""
    view = PostView(post=post, collapsed=post.author_id in collapsed_author_ids(viewer))
    _add_reactions_and_saved(viewer if is_member(viewer) else None, {post.id: view})
    return view


def revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            sa.select(PostRevision).options(joinedload(PostRevision.editor))
            .where(PostRevision.post_id == post.id).order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        )
    )


def saved_posts(member, page: int = 1) -> Listing:
    """Bookmarked posts this member can still read, newest bookmark first."""
    readable = readable_category_ids(member)
    base = (
        sa.select(Bookmark)
        .join(Post, Post.id == Bookmark.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Bookmark.user_id == member.id,
            Post.id.in_(visible_posts(member).with_only_columns(Post.id).scalar_subquery()),
            Thread.is_deleted.is_(False),
            Thread.category_id.in_(readable),
        )
    )
    if not can_moderate(member):
        base = base.where(sa.or_(Thread.is_hidden.is_(False), Thread.author_id == member.id))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    total_pages = _pages(total, SAVED_PER_PAGE)
    page = min(max(page, 1), total_pages)
    rows = db.session.scalars(
        base.options(joinedload(Bookmark.post).joinedload(Post.author), joinedload(Bookmark.post).joinedload(Post.thread))
        .order_by(Bookmark.created_at.desc(), Bookmark.id.desc())
        .limit(SAVED_PER_PAGE)
        .offset((page - 1) * SAVED_PER_PAGE)
    ).unique()
    return Listing(list(rows), page, total_pages, total)
