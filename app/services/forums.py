"""Forums: reading (in a fixed number of queries) and writing (threads, replies, edits, reactions, drafts)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _, lazy_gettext as _l, lazy_ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app import text
from app.extensions import db
from app.facts import approved_post_count  # noqa: F401 (re-exported)
from app.models import (
    Audience,
    Bookmark,
    Category,
    Draft,
    Post,
    PostRevision,
    PostStatus,
    Reaction,
    ReactionKind,
    ReportReason,
    Thread,
    ThreadFollow,
    ThreadRead,
    User,
)
from app.models.types import utcnow
from app.permissions import (
    can_delete_post,
    can_edit_post,
    can_moderate,
    can_read_category,
    can_reply,
    can_start_thread,
    is_admin,
    is_member,
)
from app.services import audit, blocking, moderation, notifications, safety
from app.services.errors import Conflict, Invalid, NotAllowed, NotFound

POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 20
SAVED_PER_PAGE = 20
MAX_POST_CHARACTERS = 20_000
MAX_TITLE_CHARACTERS = 150
UNDO_MINUTES = 10

KEPT = _l("We have kept what you wrote.")

REACTION_WORDS = {
    # kind: (button, undo button)
    ReactionKind.THANK_YOU: (_l("Say thank you"), _l("Take back your thank you")),
    ReactionKind.HUG: (_l("Send a hug"), _l("Take back your hug")),
    ReactionKind.ME_TOO: (_l("Say me too"), _l("Take back your me too")),
}
REACTION_NAMES = {ReactionKind.THANK_YOU: _l("Thank you"), ReactionKind.HUG: _l("Sending a hug"), ReactionKind.ME_TOO: _l("Me too")}
# What the member is told after pressing a reaction: (given, taken back).
REACTION_DONE = {
    ReactionKind.THANK_YOU: (_l("You said thank you."), _l("You took back your thank you.")),
    ReactionKind.HUG: (_l("You sent a hug."), _l("You took back your hug.")),
    ReactionKind.ME_TOO: (_l("You said “me too”."), _l("You took back your “me too”.")),
}


def reaction_sentence(kind: ReactionKind, count: int):
    """'1 person said thank you', '3 people sent a hug'. Lazy: a notification turns it into the
    reader's language, a page into the page's. One whole sentence per kind, so it translates."""
    number = f"{count:,}"
    if kind == ReactionKind.THANK_YOU:
        return lazy_ngettext("%(number)s person said thank you", "%(number)s people said thank you", count, number=number)
    if kind == ReactionKind.HUG:
        return lazy_ngettext("%(number)s person sent a hug", "%(number)s people sent a hug", count, number=number)
    return lazy_ngettext("%(number)s person said me too", "%(number)s people said me too", count, number=number)


def page_for_number(number: int) -> int:
    return max(1, math.ceil(number / POSTS_PER_PAGE))


# ---- Seams for features built alongside this one ------------------------------------------


def visible_posts(viewer):
    """Every query for posts goes through here, so moderation plugs in once. Published posts for
    everyone; held and hidden posts for moderators, and for their own author (who sees why);
    deleted posts for nobody (the author has the undo page)."""
    return sa.select(Post).where(post_visibility(viewer))


def post_visibility(viewer):
    """The WHERE clause of visible_posts, for queries that select something else."""
    if can_moderate(viewer):
        return Post.status.in_((PostStatus.VISIBLE, PostStatus.HELD, PostStatus.HIDDEN))
    if is_member(viewer):
        return sa.or_(
            Post.status == PostStatus.VISIBLE,
            sa.and_(Post.author_id == viewer.id, Post.status.in_((PostStatus.HELD, PostStatus.HIDDEN))),
        )
    return Post.status == PostStatus.VISIBLE


def may_see_post(viewer, post: Post) -> bool:
    if post.status == PostStatus.VISIBLE:
        return True
    if post.status in (PostStatus.HELD, PostStatus.HIDDEN):
        return can_moderate(viewer) or (is_member(viewer) and post.author_id == viewer.id)
    return False


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


# ---- Reading -------------------------------------------------------------------------------


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


def reactions_for(post: Post) -> dict[ReactionKind, list[str]]:
    """Who reacted, by kind: names in the order they reacted."""
    result = {kind: [] for kind in ReactionKind}
    for kind, name in db.session.execute(
        sa.select(Reaction.kind, User.display_name)
        .join(User, User.id == Reaction.user_id)
        .where(Reaction.post_id == post.id)
        .order_by(Reaction.created_at, Reaction.id)
    ):
        result[kind].append(name)
    return result


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
    post = Post(thread=thread, number=1, author_id=author.id, body=body, body_html=text.render(body),
                language=post_language(language), submission_key=submission_key or None, created_at=now,
                status=PostStatus.VISIBLE if public else PostStatus.HELD)
    db.session.add(post)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = _existing_submission(author, submission_key)
        if existing is None:
            raise
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
    post = Post(thread_id=thread.id, number=number, author_id=author.id, body=body, body_html=text.render(body),
                language=post_language(language), submission_key=submission_key or None, created_at=now,
                status=PostStatus.VISIBLE if public else PostStatus.HELD)
    db.session.add(post)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = _existing_submission(author, submission_key)
        if existing is None:
            raise
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


def react(member, post: Post, kind: ReactionKind | str) -> bool:
    """Give or take back a reaction. Returns True when it is now given. One of each kind per member."""
    kind = ReactionKind(kind)
    if not is_member(member) or not can_read_category(member, post.thread.category):
        raise NotAllowed(_("Please sign in to react to posts."))
    moderation.ensure_can_participate(member)
    existing = db.session.scalar(
        sa.select(Reaction).where(Reaction.post_id == post.id, Reaction.user_id == member.id, Reaction.kind == kind)
    )
    if existing is not None:
        db.session.delete(existing)
        db.session.commit()
        return False
    db.session.add(Reaction(post_id=post.id, user_id=member.id, kind=kind))
    try:
        db.session.flush()
    except IntegrityError:  # pressed twice at once: it is given either way
        db.session.rollback()
        return True
    _tell_about_reaction(member, post, kind)
    db.session.commit()
    return True


def follow(member, thread: Thread, on: bool = True) -> None:
    if not is_member(member):
        raise NotAllowed(_("Please sign in to follow threads."))
    if on:
        _follow(member, thread)
    else:
        db.session.execute(sa.delete(ThreadFollow).where(ThreadFollow.user_id == member.id, ThreadFollow.thread_id == thread.id))
    db.session.commit()


# ---- Telling people ----

MENTION = re.compile(r"@(\w[\w .'-]{0,59})", re.UNICODE)


def post_link(post: Post) -> str:
    """The exact place of a post: its page of the thread, scrolled to it."""
    from flask import url_for

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


def _tell_about_reaction(member: User, post: Post, kind: ReactionKind) -> None:
    """Gathered: one unread notification per post and kind, updated in place ("3 people sent a hug")."""
    author = post.author
    if author is None or author.id == member.id or author.deleted_at is not None:
        return
    if member.id in blocking.blocked_ids(author):
        return
    count = db.session.scalar(
        sa.select(sa.func.count(Reaction.id)).where(Reaction.post_id == post.id, Reaction.kind == kind, Reaction.user_id != author.id)
    ) or 1
    notifications.notify(
        author, "forum_reaction",
        _l("%(reactions)s on your post in “%(title)s”.", reactions=reaction_sentence(kind, count), title=post.thread.title),
        post_link(post), group_key=f"reaction:{post.id}:{kind.value}",
    )


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


def set_pinned(moderator, thread: Thread, pinned: bool) -> None:
    if not can_moderate(moderator):
        raise NotAllowed(_("Only moderators can pin threads."))
    thread.is_pinned = pinned
    audit.record(moderator, "pin_thread" if pinned else "unpin_thread", thread, thread.title)
    db.session.commit()


def set_locked(moderator, thread: Thread, locked: bool) -> None:
    if not can_moderate(moderator):
        raise NotAllowed(_("Only moderators can lock threads."))
    thread.is_locked = locked
    audit.record(moderator, "lock_thread" if locked else "unlock_thread", thread, thread.title)
    db.session.commit()


# ---- Drafts ----------------------------------------------------------------------------------


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


# ---- Categories (administrators) -----------------------------------------------------------------


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "category"


def save_category(admin, name: str, description: str, position: int, read_audience, post_audience,
                  category: Category | None = None) -> Category:
    if not is_admin(admin):
        raise NotAllowed(_("Only an administrator can change categories."))
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("Write a name for the category."), field="name")
    if len(name) > 80:
        raise Invalid(_("Keep the name to 80 characters or fewer."), field="name")
    slug = slugify(name)
    clash = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if clash is not None and clash is not category:
        raise Invalid(_("There is already a category with that name. Choose a different name."), field="name")
    created = category is None
    if created:
        category = Category()
        db.session.add(category)
    category.name, category.slug = name, slug
    category.description = (description or "").strip()
    category.position = position or 0
    category.read_audience, category.post_audience = Audience(read_audience), Audience(post_audience)
    db.session.flush()
    audit.record(admin, "create_category" if created else "update_category", category, name)
    db.session.commit()
    return category


# ---- Moderation: posts and threads are the forums' content kinds ----


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
