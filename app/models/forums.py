"""Forums: categories with audiences, threads, numbered posts, and each member's reading state."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Audience(str, enum.Enum):
    """Who a category is for; set separately for reading and for starting threads."""

    EVERYONE = "everyone"
    MEMBERS = "members"
    LIVING_WITH_DEMENTIA = "living_with_dementia"
    CARERS = "carers"
    VOLUNTEERS = "volunteers"

    @property
    def label(self) -> str:
        return AUDIENCE_LABELS[self]

    @property
    def who(self) -> str:
        """For sentences: "Only carers can start threads here"."""
        return AUDIENCE_PEOPLE[self]


AUDIENCE_LABELS = {
    Audience.EVERYONE: _l("Everyone, including visitors who have not signed in"),
    Audience.MEMBERS: _l("Signed-in members"),
    Audience.LIVING_WITH_DEMENTIA: _l("Only people living with dementia"),
    Audience.CARERS: _l("Only carers"),
    Audience.VOLUNTEERS: _l("Only approved volunteers"),
}


AUDIENCE_PEOPLE = {
    Audience.EVERYONE: _l("members"),  # visitors never write
    Audience.MEMBERS: _l("members"),
    Audience.LIVING_WITH_DEMENTIA: _l("people living with dementia"),
    Audience.CARERS: _l("carers"),
    Audience.VOLUNTEERS: _l("approved volunteers"),
}


class PostStatus(str, enum.Enum):
    """Moderation plugs in here: held and hidden posts are filtered by services.forums.visibility.visible_posts."""

    VISIBLE = "visible"
    HELD = "held"
    HIDDEN = "hidden"
    DELETED = "deleted"


class ReactionKind(str, enum.Enum):
    THANK_YOU = "thank_you"
    HUG = "hug"
    ME_TOO = "me_too"


def _audience_column(default: Audience):
    return mapped_column(sa.Enum(Audience, native_enum=False, length=32), default=default)


class Category(db.Model):
    __tablename__ = "forum_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    read_audience: Mapped[Audience] = _audience_column(Audience.MEMBERS)
    post_audience: Mapped[Audience] = _audience_column(Audience.MEMBERS)
    # Kept up to date by services.forums so the category list never counts a million rows.
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # No foreign key: threads already point at categories, and a cycle complicates migrations.
    last_thread_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    last_thread: Mapped[Thread | None] = relationship(
        primaryjoin="foreign(Category.last_thread_id) == Thread.id", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Thread(db.Model):
    __tablename__ = "forum_threads"
    __table_args__ = (
        # Ends with the id: category pages are paged by (pinned, last post, id) (migration 0019).
        sa.Index("ix_forum_threads_listing", "category_id", "is_deleted", "is_pinned", "last_post_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_categories.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(150))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    is_deleted: Mapped[bool] = mapped_column(default=False)
    # Its first post is held for approval or hidden by a volunteer: only the author and moderators see it.
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The highest post number handed out; posts are numbered 1, 2, 3 ... within a thread.
    last_post_number: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)  # visible posts, first post included
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_poster_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    category: Mapped[Category] = relationship(foreign_keys=[category_id])
    author = relationship("User", foreign_keys=[author_id])
    last_poster = relationship("User", foreign_keys=[last_poster_id])

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class Post(db.Model):
    __tablename__ = "forum_posts"
    __table_args__ = (sa.UniqueConstraint("thread_id", "number", name="uq_forum_posts_thread_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_threads.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)  # the Markdown source as written
    body_html: Mapped[str] = mapped_column(sa.Text)  # cache of app.text.render(body)
    # The language the member wrote in, when they marked it ("cy"): the post gets lang="cy", so
    # screen readers and Listen read it in a Welsh voice whatever the page's language. Empty: the page's.
    language: Mapped[str | None] = mapped_column(sa.String(8))
    status: Mapped[PostStatus] = mapped_column(sa.Enum(PostStatus, native_enum=False, length=16), default=PostStatus.VISIBLE)
    # A random token from the form: the same submission twice finds this post instead of making another.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Why a volunteer hid it (or a note about their edit), written for the author.
    moderation_note: Mapped[str | None] = mapped_column(sa.Text)

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    author = relationship("User", foreign_keys=[author_id])


class PostRevision(db.Model):
    """The text a post had before an edit; moderators can read these."""

    __tablename__ = "forum_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    editor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # when this text was replaced

    editor = relationship("User", foreign_keys=[editor_id])


class Reaction(db.Model):
    __tablename__ = "forum_reactions"
    __table_args__ = (
        sa.UniqueConstraint("post_id", "user_id", "kind", name="uq_forum_reactions_post_user_kind"),
        sa.Index("ix_forum_reactions_post_kind", "post_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReactionKind] = mapped_column(sa.Enum(ReactionKind, native_enum=False, length=16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User")


class ThreadFollow(db.Model):
    """A member following a thread: its new replies are theirs to catch up on."""

    __tablename__ = "forum_thread_follows"
    __table_args__ = (sa.UniqueConstraint("user_id", "thread_id", name="uq_forum_thread_follows_user_thread"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_threads.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThreadRead(db.Model):
    """How far a member has read in a thread (the highest post number they have seen)."""

    __tablename__ = "forum_thread_reads"
    __table_args__ = (sa.UniqueConstraint("user_id", "thread_id", name="uq_forum_thread_reads_user_thread"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_threads.id", ondelete="CASCADE"), index=True)
    last_read_number: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Bookmark(db.Model):
    __tablename__ = "forum_bookmarks"
    __table_args__ = (sa.UniqueConstraint("user_id", "post_id", name="uq_forum_bookmarks_user_post"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    post: Mapped[Post] = relationship()


class Draft(db.Model):
    """Unsent writing kept on the server: a reply (thread set) or a new thread (category set)."""

    __tablename__ = "forum_drafts"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "thread_id", name="uq_forum_drafts_user_thread"),
        sa.UniqueConstraint("user_id", "category_id", name="uq_forum_drafts_user_category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum_threads.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum_categories.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
