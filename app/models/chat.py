"""Chat: rooms (open, direct, meet-up), their messages, members' last-read marks, mutes and chat preferences."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class RoomKind(str, enum.Enum):
    OPEN = "open"  # every member
    DIRECT = "direct"  # two members
    MEETUP = "meetup"  # the people going to a meet-up and its organisers


class MessageStatus(str, enum.Enum):
    VISIBLE = "visible"
    HELD = "held"  # waiting for a volunteer: only its author and moderators see it
    HIDDEN = "hidden"  # hidden by a moderator
    DELETED = "deleted"  # deleted by its author (undo for a minute)


class Room(db.Model):
    __tablename__ = "chat_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RoomKind] = mapped_column(sa.Enum(RoomKind, native_enum=False, length=16), index=True)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    # Meet-up rooms point at their meet-up; the foreign key arrives with the meet-ups table.
    meetup_id: Mapped[int | None] = mapped_column(index=True)
    # "<smaller user id>:<larger user id>" for direct messages, so a pair has one room.
    direct_key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    slow_mode_seconds: Mapped[int] = mapped_column(default=0)
    # The number given to the room's latest message (its messages count 1, 2, 3 ... without gaps),
    # so a screen that sees 7 after 5 knows to ask for 6.
    last_message_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[RoomMember]] = relationship(back_populates="room", cascade="all, delete-orphan")

    @property
    def socket_room(self) -> str:
        return f"room:{self.id}"

    def __repr__(self) -> str:
        return f"<Room {self.id} {self.kind.value} {self.name!r}>"


class RoomMember(db.Model):
    """Who belongs to a direct or meet-up room, and the last message each has read."""

    __tablename__ = "chat_room_members"

    room_id: Mapped[int] = mapped_column(sa.ForeignKey("chat_rooms.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    last_read_message_id: Mapped[int | None] = mapped_column()
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    room: Mapped[Room] = relationship(back_populates="members")
    user = relationship("User")


class Message(db.Model):
    __tablename__ = "chat_messages"
    __table_args__ = (
        # A message re-sent after a dropped connection carries the same client id: stored once.
        sa.UniqueConstraint("author_id", "client_id", name="uq_chat_messages_author_client"),
        sa.Index("ix_chat_messages_room_id_id", "room_id", "id"),
        sa.UniqueConstraint("room_id", "room_seq", name="uq_chat_messages_room_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("chat_rooms.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    # Its number in the room (Room.last_message_seq); every message stored through post_message has one.
    room_seq: Mapped[int | None] = mapped_column()
    client_id: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[MessageStatus] = mapped_column(sa.Enum(MessageStatus, native_enum=False, length=16), default=MessageStatus.VISIBLE)
    # Why the message was held for a volunteer ("" when it was not); kept after release.
    held_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The status to go back to if the author undoes a delete.
    status_before_delete: Mapped[MessageStatus | None] = mapped_column(sa.Enum(MessageStatus, native_enum=False, length=16))
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    room: Mapped[Room] = relationship()
    author = relationship("User", foreign_keys=[author_id])

    def __repr__(self) -> str:
        return f"<Message {self.id} room={self.room_id} {self.status.value}>"


class RoomMute(db.Model):
    """A moderator paused a member's messages in one room until a time."""

    __tablename__ = "chat_room_mutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("chat_rooms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    muted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User", foreign_keys=[user_id])


class ChatPreference(db.Model):
    """A member's chat choices. No row means the defaults."""

    __tablename__ = "chat_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # People living with dementia get direct messages only from connections unless they turn this on.
    dm_from_anyone: Mapped[bool] = mapped_column(default=False)
    appear_offline: Mapped[bool] = mapped_column(default=False)
