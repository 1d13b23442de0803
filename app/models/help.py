"""Ask a volunteer: a request for help from a member or a visitor, and the volunteers' replies."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class ReplyBy(str, enum.Enum):
    KINDRED = "kindred"
    EMAIL = "email"
    PHONE = "phone"

    @property
    def label(self) -> str:  # in the reader's language (made lazily at import, turned into text here)
        return str({"kindred": _l("A message on Kindred"), "email": _l("An email"), "phone": _l("A phone call")}[self.value])


class HelpStatus(str, enum.Enum):
    WAITING = "waiting"  # nobody has picked it up yet
    CLAIMED = "claimed"  # a volunteer is looking after it
    CLOSED = "closed"

    @property
    def label(self) -> str:  # in the reader's language
        return str({"waiting": _l("Waiting for a volunteer"), "claimed": _l("A volunteer is helping"), "closed": _l("Finished")}[self.value])


class HelpRequest(db.Model):
    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A member, or None for a visitor (who gives an email address or a phone number).
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    reply_by: Mapped[ReplyBy] = mapped_column(sa.Enum(ReplyBy, native_enum=False, length=16))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    call_time: Mapped[str] = mapped_column(sa.String(120), default="")
    status: Mapped[HelpStatus] = mapped_column(sa.Enum(HelpStatus, native_enum=False, length=16), default=HelpStatus.WAITING, index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member = relationship("User", foreign_keys=[member_id])
    claimed_by = relationship("User", foreign_keys=[claimed_by_id])
    replies: Mapped[list[HelpReply]] = relationship(back_populates="request", order_by="HelpReply.id", cascade="all, delete-orphan")


class HelpReply(db.Model):
    __tablename__ = "help_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("help_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request: Mapped[HelpRequest] = relationship(back_populates="replies")
    author = relationship("User", foreign_keys=[author_id])
