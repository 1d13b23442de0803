"""Reading, in a fixed number of queries: categories, a category's threads, a thread's page of posts,
one post, its revisions, and a member's saved posts.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Protocol

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

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
from app.services import blocking, notifications, paging
from app.services.errors import NotFound
from app.services.forums.common import POSTS_PER_PAGE, page_for_number
from app.services.forums.following import _mark_read
from app.services.forums.visibility import (
    may_see_post, may_see_thread, post_visibility_for, thread_visibility_for, viewer_kind, visible_posts,
)

THREADS_PER_PAGE = 20
SAVED_PER_PAGE = 20


@functools.cache
def _categories_statement():
    return sa.select(Category).order_by(Category.position, Category.name)


@functools.cache
def _category_by_slug_statement():
    return sa.select(Category).where(Category.slug == sa.bindparam("slug", type_=sa.String))


def all_categories() -> list[Category]:
    return list(db.session.scalars(_categories_statement()))


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


class KeptParts(Protocol):
    """Where the part of a forum page that is the same for every reader is kept between requests
    (the thread and category routes pass app/kept_parts.py): a category, a thread with its
    category, and a page of its published posts. Each answers None when nothing is kept, or
    nothing may be used, for this request."""

    def kept_category(self, slug: str) -> Category | None: ...

    def keep_category(self, category: Category) -> None: ...

    def kept_thread(self, thread_id: int) -> Thread | None: ...

    def kept_posts(self, thread_id: int, page: int) -> list | None: ...

    def keep(self, thread: Thread, page: int, posts: list) -> None: ...


def get_category(viewer, slug: str, *, kept: KeptParts | None = None) -> Category:
    category = kept.kept_category(slug) if kept is not None else None
    if category is None:
        category = db.session.scalar(_category_by_slug_statement(), {"slug": slug})
        if category is not None and kept is not None:
            kept.keep_category(category)
    # Unreadable looks exactly like missing: the name of a private space is private too.
    if category is None or not can_read_category(viewer, category):
        raise NotFound(_("We cannot find that category."))
    return category


@functools.cache
def _thread_with_category():
    # Built once per process: a joinedload option cost more CPU to put together than the
    # statement takes to run (0.8 ms of 1.3 ms, measured in-process).
    return sa.select(Thread).options(joinedload(Thread.category)).where(Thread.id == sa.bindparam("thread_id", type_=sa.Integer))


def get_thread(viewer, thread_id: int, *, include_deleted: bool = False, kept: KeptParts | None = None) -> Thread:
    # The thread kept for every reader, if it is; the permissions below are checked on it as on one
    # just loaded.
    thread = kept.kept_thread(thread_id) if kept is not None else None
    if thread is None:
        thread = db.session.scalar(_thread_with_category(), {"thread_id": thread_id})
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
    thread: Thread  # a row of THREAD_LINE_COLUMNS (read only), named as Thread's columns
    last_read_number: int | None  # None: never opened
    following: bool
    has_read_markers: bool = True  # visitors have none: nothing is "new" or "unread" for them
    # Who started it and who wrote the latest post, read beside the thread (None: a former member,
    # or no latest writer), so a category page loads no member rows.
    author_name: str | None = None
    last_poster_name: str | None = None

    @property
    def is_new(self) -> bool:
        return self.has_read_markers and self.last_read_number is None

    @property
    def new_replies(self) -> int:
        if not self.has_read_markers or self.last_read_number is None:
            return 0
        return max(self.thread.last_post_number - self.last_read_number, 0)


THREAD_KEY = paging.KeyFormat((paging.FLAG, paging.TIME, paging.ID))  # pinned, last post, id


def _thread_key(row: ThreadRow) -> tuple:
    return row.thread.is_pinned, row.thread.last_post_at, row.thread.id


def thread_list(viewer, category: Category, position: paging.Position = paging.Position()) -> paging.KeysetPage:
    """One page of a category's threads, pinned first then the latest written to, with this reader's
    New markers (and a member's unread count for the header): one statement, paged by key
    (app/services/paging.py)."""
    kind = viewer_kind(viewer)
    params = {"category_id": category.id, "viewer_id": viewer.id if kind != "visitor" else 0}

    def fetch(direction: str, key: tuple | None, how_many: int) -> list[ThreadRow]:
        result = db.session.execute(_thread_listing_statement(kind, direction, how_many), {**params, **paging.key_parameters(key)})
        if kind == "visitor":
            return [ThreadRow(line, None, False, has_read_markers=False, author_name=line.author_name,
                              last_poster_name=line.last_poster_name) for line in result]
        lines = result.all()
        if lines:  # the header's count came with the threads (an empty category's page asks for it)
            notifications.remember_unread_count(viewer.id, lines[0].unread)
        return [ThreadRow(line, line.last_read_number, line.follow_id is not None, author_name=line.author_name,
                          last_poster_name=line.last_poster_name) for line in lines]

    return paging.read_page(fetch, _thread_key, THREAD_KEY, position, THREADS_PER_PAGE)


def _name_of(member_id_column):
    """A member's display name by their id, as a correlated subquery (NULL for nobody)."""
    return sa.select(User.display_name).where(User.id == member_id_column).correlate_except(User).scalar_subquery()


# What a category page shows of each thread (forums/category.html, forums/_thread_row.html,
# fragments.thread_row_key and the page's key read no more): plain rows, not Thread objects, which
# cost a tenth of a member's category page made afresh to build and to add to the session.
THREAD_LINE_COLUMNS = (Thread.id, Thread.title, Thread.is_pinned, Thread.is_locked,
                       # Thread.reply_count, worked out as the model does
                       sa.case((Thread.post_count > 1, Thread.post_count - 1), else_=0).label("reply_count"),
                       Thread.last_post_at, Thread.last_post_number, Thread.author_id, Thread.last_poster_id)


# A category page's statements are built once per process for each kind of reader
# (visibility.viewer_kind), their values bound parameters: putting them together cost more CPU
# than running them.
@functools.cache
def _thread_listing_statement(kind: str, direction: str, how_many: int):
    viewer_id = sa.bindparam("viewer_id", type_=sa.Integer)
    statement = paging.in_order_from_key(
        # The two writers' names only, as columns (a member's name by their key, twice a line), not
        # their whole records nor two joined copies of the members table (issue 15).
        sa.select(*THREAD_LINE_COLUMNS, _name_of(Thread.author_id).label("author_name"), _name_of(Thread.last_poster_id).label("last_poster_name"))
        .where(Thread.category_id == sa.bindparam("category_id", type_=sa.Integer), Thread.is_deleted.is_(False),
               thread_visibility_for(kind, viewer_id)),
        (Thread.is_pinned, Thread.last_post_at, Thread.id), direction,
    # How many lines, written into the SQL rather than bound: PostgreSQL plans a prepared statement
    # once (psycopg prepares those run often) only when that plan looks no dearer than planning for
    # the values; with LIMIT a parameter it guessed a tenth of the category's threads and planned
    # the first page afresh at every execution (0.3 ms of its CPU for each member's category page).
    ).limit(sa.literal_column(str(int(how_many)), sa.Integer))
    if kind == "visitor":
        return statement
    return (
        # The header's unread count on each line: one value (PostgreSQL and SQLite work out a
        # subquery that names nothing of the row once), instead of a statement of its own.
        statement.add_columns(ThreadRead.last_read_number, ThreadFollow.id.label("follow_id"), notifications.unread_count_of(viewer_id).label("unread"))
        .outerjoin(ThreadRead, sa.and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == viewer_id))
        .outerjoin(ThreadFollow, sa.and_(ThreadFollow.thread_id == Thread.id, ThreadFollow.user_id == viewer_id))
    )


@dataclass
class PostView:
    post: Post  # or, on a thread page, a row of its POST_LINE_COLUMNS (read only)
    counts: dict = field(default_factory=dict)  # ReactionKind -> count
    mine: set = field(default_factory=set)  # kinds this reader gave
    bookmarked: bool = False
    collapsed: bool = False
    is_first_unread: bool = False
    # The writer's display name (None: a former member). The thread page reads it beside each
    # post, so it loads no member rows.
    author_name: str | None = None


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


def thread_page(viewer, thread: Thread, page: int = 1, collapsed_authors: frozenset[int] | None = None,
                kept: KeptParts | None = None) -> ThreadPage:
    """Posts numbered ((page-1)*20, page*20] — found through the (thread_id, number) index, never OFFSET.

    A member's page costs two statements here whatever is on it, three when the read marker moves
    on: everything about this member and the page that is not the posts themselves (read marker,
    follow, draft, blocks and mutes, the page's reaction counts with this member's own, their saved
    posts, the header's unread count: one statement), the marker moving on, and the posts with
    their writers' names (one; none when the page's published posts are `kept` and the member has
    none of their own unpublished on it: _page_posts).
    A visitor's costs two: the reaction counts, and the posts (one when they are kept)."""
    total_pages = page_for_number(thread.last_post_number)
    page = min(max(page, 1), total_pages)
    low, high = (page - 1) * POSTS_PER_PAGE + 1, page * POSTS_PER_PAGE
    kind = viewer_kind(viewer)
    member = kind != "visitor"
    state = _page_state(viewer if member else None, thread, low, high)
    if collapsed_authors is None:
        collapsed_authors = frozenset(state.hidden_authors)
    last_read = state.last_read
    first_unread = last_read + 1 if last_read is not None and last_read < thread.last_post_number else None
    if member:
        _mark_read(viewer, thread, last_read, min(high, thread.last_post_number))
    rows = _page_posts(viewer, kind, thread, page, low, high, state, kept)
    views = {}
    for post in rows:
        views[post.id] = view = PostView(post, collapsed=post.author_id in collapsed_authors, author_name=post.author_name)
        _add_state(view, state)
    if last_read is not None:
        for view in views.values():
            if view.post.number > last_read:
                view.is_first_unread = True
                break
    return ThreadPage(thread, list(views.values()), page, total_pages, state.following, last_read, first_unread, state.draft)


def _page_posts(viewer, kind: str, thread, page: int, low: int, high: int, state: "_PageState", kept: KeptParts | None):
    """The page's posts as this viewer may see them. A visitor sees the published ones, and so does
    a member who has none of their own waiting for approval or hidden on this page: those may be
    kept for every such reader (`kept`). Anyone else's come from the database."""
    shared = kept is not None and (kind == "visitor" or (kind == "member" and not state.own_unpublished))
    if shared:
        posts = kept.kept_posts(thread.id, page)
        if posts is not None:
            return posts
        kind = "visitor"  # the published posts alone: the same rows, and the ones to keep
    rows = db.session.execute(
        _posts_page_statement(kind),
        {"thread_id": thread.id, "low": low, "high": high, "viewer_id": viewer.id if kind != "visitor" else 0},
    ).all()
    if shared:
        kept.keep(thread, page, rows)
    return rows


@dataclass
class _PageState:
    last_read: int | None = None
    following: bool = False
    draft: Draft | None = None
    hidden_authors: set = field(default_factory=set)
    counts: dict = field(default_factory=dict)  # post id -> {ReactionKind: count}
    mine: dict = field(default_factory=dict)  # post id -> {ReactionKind this member gave}
    saved: set = field(default_factory=set)  # ids of the posts this member saved
    # Whether this member has a post of their own on the page that waits for approval or that
    # moderators hid: seen by them alone, so their page's posts are not the shared ones.
    own_unpublished: bool = False


# What a thread page shows of each post (forums/_post.html and fragments.post_key read no more).
POST_LINE_COLUMNS = (Post.id, Post.thread_id, Post.number, Post.author_id, Post.status, Post.moderation_note,
                     Post.language, Post.body_html, Post.created_at, Post.edited_at)
# ...and their names in each row of a page's posts, the writer's name last (app/kept_parts.py keeps them).
POST_LINE_FIELDS = (*(column.key for column in POST_LINE_COLUMNS), "author_name")


@functools.cache
def _posts_page_statement(kind: str):
    """A page of a thread's posts as this kind of viewer may see them (visibility.viewer_kind), each
    with its writer's name: built once per process, its values bound parameters.

    The columns a post's fragment is made of (fragments.post_key, forums/_post.html), as plain rows
    rather than Post objects: making 20 objects, which the page only reads, cost about a third of a
    millisecond of CPU a page (in-process, 0.66 against 0.30 ms for the statement).

    Only the writer's name, as a column beside each post: not 20 members' whole records (password
    hashes included), and not a second statement (selectinload cost 1.7 ms of CPU a page). A
    correlated subquery, not a join: for a join PostgreSQL guesses thousands of posts for the
    number range and then hashes all 100,000 members (185 ms at a million posts)."""
    return (
        sa.select(*POST_LINE_COLUMNS, _name_of(Post.author_id).label("author_name"))
        .where(post_visibility_for(kind, sa.bindparam("viewer_id", type_=sa.Integer)),
               Post.thread_id == sa.bindparam("thread_id", type_=sa.Integer),
               Post.number.between(sa.bindparam("low", type_=sa.Integer), sa.bindparam("high", type_=sa.Integer)))
        .order_by(Post.number)
    )


# The fixed words and zeros of _page_state_statement, written into its SQL rather than sent as bound
# parameters: its eight SELECTs had 25 of them, processed at every execution (a tenth of the
# statement's CPU). Only our own words, never anything a person typed.
_ZERO = sa.literal_column("0", sa.Integer)


def _word(word: str):
    if not word.isidentifier():
        raise ValueError(word)
    return sa.literal_column(f"'{word}'", sa.String)


@functools.cache
def _page_state_statement(for_member: bool):
    """_page_state's statement, built once per process with its values as bound parameters: putting
    together a union of eight SELECTs for every page cost more CPU than running it. Every row is
    (what, number, text, count, mine, at); the first SELECT gives the columns their types (the
    draft's time is a UTC datetime)."""
    member_id = sa.bindparam("member_id", type_=sa.Integer)
    thread_id = sa.bindparam("thread_id", type_=sa.Integer)
    numbers_on_page = Post.number.between(sa.bindparam("low", type_=sa.Integer), sa.bindparam("high", type_=sa.Integer))
    on_page = sa.select(Post.id).where(Post.thread_id == thread_id, numbers_on_page).scalar_subquery()
    kind = sa.type_coerce(Reaction.kind, sa.String)  # the stored name, as text like the other rows
    mine = sa.func.sum(sa.case((Reaction.user_id == member_id, 1), else_=0)) if for_member else _ZERO
    reactions = (
        sa.select(_word("reaction").label("what"), Reaction.post_id.label("number"), kind.label("text"),
                  sa.func.count().label("count"), mine.label("mine"), sa.null().label("at"))
        .where(Reaction.post_id.in_(on_page)).group_by(Reaction.post_id, Reaction.kind)
    )
    if not for_member:
        return reactions
    return sa.union_all(
        sa.select(_word("draft").label("what"), Draft.id.label("number"), Draft.body.label("text"),
                  _ZERO.label("count"), _ZERO.label("mine"), Draft.updated_at.label("at"))
        .where(Draft.user_id == member_id, Draft.thread_id == thread_id),
        reactions,
        sa.select(_word("saved"), Bookmark.post_id, sa.null(), _ZERO, _ZERO, sa.null())
        .where(Bookmark.user_id == member_id, Bookmark.post_id.in_(on_page)),
        sa.select(_word("read"), ThreadRead.last_read_number, sa.null(), _ZERO, _ZERO, sa.null())
        .where(ThreadRead.user_id == member_id, ThreadRead.thread_id == thread_id),
        sa.select(_word("follow"), ThreadFollow.id, sa.null(), _ZERO, _ZERO, sa.null())
        .where(ThreadFollow.user_id == member_id, ThreadFollow.thread_id == thread_id),
        sa.select(_word("own"), Post.number, sa.null(), _ZERO, _ZERO, sa.null())
        .where(Post.thread_id == thread_id, Post.author_id == member_id, numbers_on_page,
               # two comparisons rather than IN (...), which SQLAlchemy expands at every execution
               sa.or_(Post.status == PostStatus.HELD, Post.status == PostStatus.HIDDEN)),
        *[sa.select(_word("hide"), column, sa.null(), _ZERO, _ZERO, sa.null()).where(condition)
          for column, condition in blocking.hidden_author_columns(member_id)],
        # The header's unread count, here rather than a statement of its own.
        sa.select(_word("unread"), notifications.unread_count_of(member_id), sa.null(), _ZERO, _ZERO, sa.null()),
    )


def _add_state(view: PostView, state: "_PageState") -> None:
    post_id = view.post.id
    view.counts = state.counts.get(post_id, {})
    view.mine = state.mine.get(post_id, set())
    view.bookmarked = post_id in state.saved


def _page_state(member, thread, low: int, high: int) -> _PageState:
    """One statement: the reaction counts of the posts numbered low..high (with which are this
    member's), and for a member also their read marker, follow, draft, saved posts, the writers
    they blocked or muted, their unread notifications (the header's count) and whether a post of
    their own on the page waits for approval or was hidden (_page_posts)."""
    rows = db.session.execute(
        _page_state_statement(member is not None),
        {"thread_id": thread.id, "low": low, "high": high, "member_id": member.id if member is not None else 0},
    )
    state = _PageState()
    for what, number, text, count, given, at in rows:
        if what == "reaction":
            reaction = ReactionKind[text]
            state.counts.setdefault(number, {})[reaction] = count
            if given:
                state.mine.setdefault(number, set()).add(reaction)
        elif what == "saved":
            state.saved.add(number)
        elif what == "draft":
            # Read-only: the reply form shows it; saving a draft loads the real row.
            state.draft = Draft(id=number, user_id=member.id, thread_id=thread.id, body=text, updated_at=at)
        elif what == "read":
            state.last_read = number
        elif what == "follow":
            state.following = True
        elif what == "own":
            state.own_unpublished = True
        elif what == "unread":
            notifications.remember_unread_count(member.id, number)
        else:
            state.hidden_authors.add(number)
    return state


def post_view(viewer, post: Post) -> PostView:
    """One post with its reaction counts, the reader's own reactions and whether they saved it:
    the post's own actions page (React, Save, Report...), which the thread page links to. The same
    statement as a thread page's, for a page of one post."""
    state = _page_state(viewer if is_member(viewer) else None, post.thread, post.number, post.number)
    author = post.author  # loaded with the post (get_post)
    view = PostView(post=post, collapsed=post.author_id in state.hidden_authors,
                    author_name=author.display_name if author is not None else None)
    _add_state(view, state)
    return view


def revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            sa.select(PostRevision).options(joinedload(PostRevision.editor))
            .where(PostRevision.post_id == post.id).order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        )
    )


SAVED_KEY = paging.KeyFormat((paging.TIME, paging.ID))  # when saved, the saving's id


def saved_posts(member, position: paging.Position = paging.Position()) -> paging.KeysetPage:
    """Bookmarked posts this member can still read, newest bookmark first, paged by key."""
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
        .options(joinedload(Bookmark.post).joinedload(Post.author), joinedload(Bookmark.post).joinedload(Post.thread))
    )
    if not can_moderate(member):
        base = base.where(sa.or_(Thread.is_hidden.is_(False), Thread.author_id == member.id))
    return paging.read_rows(base, (Bookmark.created_at, Bookmark.id), SAVED_KEY, position, SAVED_PER_PAGE)
