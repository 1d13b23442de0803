"""In-app notifications: a sentence, a link, and whether the member has seen it; plus each
member's choice of how to hear about each kind by email, and the daily summaries sent."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class EmailState:
    """What happens by email for one notification (decided when it is stored)."""

    NONE = "none"  # not by email
    NOW = "now"  # emailed at once, after the change is committed
    DIGEST = "digest"  # waiting for (or included in, see digest_sent_at) the daily summary


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_id_id", "user_id", "id"),
        sa.Index("ix_notifications_user_id_group_key", "user_id", "group_key"),
        sa.Index("ix_notifications_digest", "email_state", "digest_sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(48))
    message: Mapped[str] = mapped_column(sa.String(500))
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    # Who caused it. Erasing a member's account removes the notifications they caused,
    # because the sentence names them.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Gathered notifications ("3 people sent a hug", messages in one conversation) share a key:
    # while one is unread, the next event updates it instead of adding another.
    group_key: Mapped[str | None] = mapped_column(sa.String(100))
    email_state: Mapped[str] = mapped_column(sa.String(16), default=EmailState.NONE, server_default=EmailState.NONE)
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    actor = relationship("User", foreign_keys=[actor_id])


class NotificationPreference(db.Model):
    """A member's choice for one kind: "now", "daily" or "never". No row means the kind's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(48))
    delivery: Mapped[str] = mapped_column(sa.String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class DigestRun(db.Model):
    """One daily summary per member per day (Europe/London): the unique key makes
    `flask send-digests` safe to run twice, or on two machines at once."""

    __tablename__ = "digest_runs"
    __table_args__ = (sa.UniqueConstraint("user_id", "day", name="uq_digest_runs_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    count: Mapped[int] = mapped_column(default=0)
