"""Profiles and the relationships between members: connections, the circle of support, blocks,
and the record of everything a carer did on someone's behalf."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.users import Role


class TextStatus(enum.StrEnum):
    """Moderation of a profile's written fields. Stored as these lowercase strings (a VARCHAR, as
    before it was an Enum: no migration); a StrEnum so pages and comparisons read the same word."""

    VISIBLE = "visible"
    HELD = "held"  # waiting for a volunteer after the safety check
    HIDDEN = "hidden"  # by a volunteer


class Visibility(str, enum.Enum):
    """Who can see a profile field, from widest to narrowest."""

    EVERYONE = "everyone"
    MEMBERS = "members"
    CONNECTIONS = "connections"
    ONLY_ME = "only_me"

    @property
    def rank(self) -> int:
        return VISIBILITY_RANK[self]

    @property
    def label(self) -> str:
        return VISIBILITY_LABELS[self]


VISIBILITY_RANK = {Visibility.EVERYONE: 0, Visibility.MEMBERS: 1, Visibility.CONNECTIONS: 2, Visibility.ONLY_ME: 3}
VISIBILITY_LABELS = {
    Visibility.EVERYONE: "Everyone, including visitors who are not signed in",
    Visibility.MEMBERS: "Kindred members",
    Visibility.CONNECTIONS: "Only my connections",
    Visibility.ONLY_ME: "Only me",
}
VISIBILITY_SHORT = {
    Visibility.EVERYONE: "Everyone",
    Visibility.MEMBERS: "Members",
    Visibility.CONNECTIONS: "My connections",
    Visibility.ONLY_ME: "Only me",
}

# The fields a member controls, in the order the profile shows them.
PRIVATE_FIELDS = ("photo", "about", "helps_me", "interests", "town")
FIELD_LABELS = {
    "photo": "Photo",
    "about": "About me",
    "helps_me": "Things that help me",
    "interests": "Interests",
    "town": "Town or area",
}


def _visibility_column(default: Visibility):
    return mapped_column(sa.Enum(Visibility, native_enum=False, length=16), default=default)


class Profile(db.Model):
    """What a member tells others about themself. Plain text, shown escaped; no HTML."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    about: Mapped[str] = mapped_column(sa.Text, default="")
    helps_me: Mapped[str] = mapped_column(sa.Text, default="")
    interests: Mapped[str] = mapped_column(sa.String(300), default="")
    town: Mapped[str] = mapped_column(sa.String(80), default="")
    # A random file name under the uploads folder; never the name the member's file had.
    photo_name: Mapped[str | None] = mapped_column(sa.String(64))
    photo_visibility: Mapped[Visibility] = _visibility_column(Visibility.MEMBERS)
    about_visibility: Mapped[Visibility] = _visibility_column(Visibility.MEMBERS)
    helps_me_visibility: Mapped[Visibility] = _visibility_column(Visibility.MEMBERS)
    interests_visibility: Mapped[Visibility] = _visibility_column(Visibility.MEMBERS)
    town_visibility: Mapped[Visibility] = _visibility_column(Visibility.MEMBERS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Moderation of the written fields (about, helps me, interests, town): "visible", "held" (waiting
    # for a volunteer after a watched word) or "hidden" (by a volunteer). Held or hidden text is
    # shown only to the member themself (and in the moderation queue).
    text_status: Mapped[TextStatus] = mapped_column(
        sa.Enum(TextStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=TextStatus.VISIBLE, server_default=TextStatus.VISIBLE.value,
    )
    moderation_note: Mapped[str | None] = mapped_column(sa.Text)

    user = relationship(
        "User", backref=backref("profile", uselist=False, cascade="all, delete-orphan", passive_deletes=True)
    )

    @classmethod
    def defaults_for(cls, role: Role) -> "Profile":
        """A new, unsaved profile with defaults that protect people.

        Everything starts at "members": nothing about a person is shown to the open web until
        they choose it. For people living with dementia, town and photo stay at members-only even
        if a later default widens for others (they are what a stranger could use to find them)."""
        visibility = Visibility.MEMBERS
        profile = cls(
            about="", helps_me="", interests="", town="", photo_name=None,
            photo_visibility=visibility, about_visibility=visibility, helps_me_visibility=visibility,
            interests_visibility=visibility, town_visibility=visibility,
        )
        if role == Role.LIVING_WITH_DEMENTIA:
            profile.town_visibility = Visibility.MEMBERS
            profile.photo_visibility = Visibility.MEMBERS
        return profile

    def visibility_of(self, field: str) -> Visibility:
        return getattr(self, f"{field}_visibility")

    def value_of(self, field: str):
        return self.photo_name if field == "photo" else getattr(self, field)


class ConnectionStatus(str, enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"


class Connection(db.Model):
    """Two members who know each other. One asked, the other agreed."""

    __tablename__ = "connections"
    __table_args__ = (sa.UniqueConstraint("requester_id", "addressee_id", name="uq_connections_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    addressee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ConnectionStatus] = mapped_column(
        sa.Enum(ConnectionStatus, native_enum=False, length=16), default=ConnectionStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    requester = relationship("User", foreign_keys=[requester_id])
    addressee = relationship("User", foreign_keys=[addressee_id])

    def other(self, user) -> "object":
        return self.addressee if user.id == self.requester_id else self.requester


class CircleStatus(str, enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"


class CircleLink(db.Model):
    """A carer in the circle of support of a person living with dementia. Both agreed; either can end it."""

    __tablename__ = "circle_links"
    __table_args__ = (sa.UniqueConstraint("person_id", "carer_id", name="uq_circle_links_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    carer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[CircleStatus] = mapped_column(sa.Enum(CircleStatus, native_enum=False, length=16), default=CircleStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The carer chose to get a copy of the person's meet-up reminders (off until they ask).
    carer_gets_reminders: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    person = relationship("User", foreign_keys=[person_id])
    carer = relationship("User", foreign_keys=[carer_id])

    def other(self, user):
        return self.carer if user.id == self.person_id else self.person

    def awaits(self, user) -> bool:
        """True when this pending link is waiting for `user` to agree."""
        return self.status == CircleStatus.PENDING and user.id in (self.person_id, self.carer_id) and user.id != self.requested_by_id


class OnBehalfAction(db.Model):
    """Something a carer did for a person ("Bob did this for you"). The person can always read these."""

    __tablename__ = "on_behalf_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Kept (as "a former member") if the carer deletes their account: the record is the person's.
    carer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    person = relationship("User", foreign_keys=[person_id])
    carer = relationship("User", foreign_keys=[carer_id])


class Block(db.Model):
    """A member blocked another. The blocked member is never told."""

    __tablename__ = "blocks"
    __table_args__ = (sa.UniqueConstraint("blocker_id", "blocked_id", name="uq_blocks_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    blocked_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    blocked = relationship("User", foreign_keys=[blocked_id])


class Mute(db.Model):
    """A member muted another: a softer step than blocking. The muted member's forum posts are
    folded away and they send no notifications to the muter; nothing else changes, and they are
    never told."""

    __tablename__ = "mutes"
    __table_args__ = (sa.UniqueConstraint("muter_id", "muted_id", name="uq_mutes_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    muter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    muted_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    muted = relationship("User", foreign_keys=[muted_id])
