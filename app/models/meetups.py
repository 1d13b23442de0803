"""Partner organisations, meet-ups (single dates and series), places, calendar feeds and reminders."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Access(str, enum.Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


# (column suffix, what people read). Each is its own column so people can filter on it.
ACCESS_FEATURES = [
    ("step_free", _l("Step-free access")),
    ("accessible_toilet", _l("Accessible toilet")),
    ("hearing_loop", _l("Hearing loop")),
    ("quiet_space", _l("Quiet space")),
    ("parking", _l("Parking nearby")),
    ("public_transport", _l("Near public transport")),
    ("carers_free", _l("Carers and companions go free")),
    ("trained_staff", _l("Dementia-friendly trained staff")),
]


class MeetupAudience(str, enum.Enum):
    """Who a meet-up is for (not the forums' Audience, which says who may read and write)."""

    LIVING_WITH_DEMENTIA = "living_with_dementia"
    CARERS = "carers"
    BOTH = "both"
    EVERYONE = "everyone"

    @property
    def label(self) -> str:
        return MEETUP_AUDIENCE_LABELS[self]


MEETUP_AUDIENCE_LABELS = {
    MeetupAudience.LIVING_WITH_DEMENTIA: _l("People living with dementia"),
    MeetupAudience.CARERS: _l("Carers"),
    MeetupAudience.BOTH: _l("People living with dementia and their carers"),
    MeetupAudience.EVERYONE: _l("Everyone"),
}


class MeetupStatus(str, enum.Enum):
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"
    NOT_PUBLISHED = "not_published"  # a moderator declined it
    CANCELLED = "cancelled"


class RsvpStatus(str, enum.Enum):
    GOING = "going"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Repeat(str, enum.Enum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"  # the same weekday, nth of the month ("the first Tuesday")


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16), default="charity")  # charity, council, other
    registration: Mapped[str] = mapped_column(sa.String(40), default="")  # charity number, say
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    logo_filename: Mapped[str | None] = mapped_column(sa.String(120))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    memberships: Mapped[list[OrganisationMember]] = relationship(back_populates="organisation", cascade="all, delete-orphan")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def kind_label(self) -> str:
        return {"charity": _("Registered charity"), "council": _("Council"), "other": _("Organisation")}.get(self.kind, _("Organisation"))


class OrganisationMember(db.Model):
    __tablename__ = "organisation_members"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "user_id", name="uq_organisation_members_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user = relationship("User")


class Series(db.Model):
    """A repeating meet-up: the rule; each date is its own Meetup so it can change alone."""

    __tablename__ = "meetup_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    repeat: Mapped[Repeat] = mapped_column(sa.Enum(Repeat, native_enum=False, length=16))
    # For monthly: which weekday of the month (1 to 4, or -1 for the last).
    nth: Mapped[int | None] = mapped_column()
    weekday: Mapped[int] = mapped_column()  # Monday is 0
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meetups: Mapped[list[Meetup]] = relationship(back_populates="series", order_by="Meetup.starts_at")


class Meetup(db.Model):
    """One date of a meet-up. A series' dates share a series_id and are otherwise independent."""

    __tablename__ = "meetups"
    __table_args__ = (sa.CheckConstraint("places_taken >= 0", name="places_taken_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetup_series.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[MeetupStatus] = mapped_column(sa.Enum(MeetupStatus, native_enum=False, length=24), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    in_person: Mapped[bool] = mapped_column(default=True)
    venue_name: Mapped[str] = mapped_column(sa.String(120), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    town: Mapped[str] = mapped_column(sa.String(80), default="")
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    online: Mapped[bool] = mapped_column(default=False)
    joining_link: Mapped[str] = mapped_column(sa.String(500), default="")
    dial_in: Mapped[str] = mapped_column(sa.String(40), default="")
    cost_pence: Mapped[int] = mapped_column(default=0)
    audience: Mapped[MeetupAudience] = mapped_column(
        sa.Enum(MeetupAudience, name="audience", native_enum=False, length=24), default=MeetupAudience.EVERYONE
    )
    capacity: Mapped[int | None] = mapped_column()
    # Seats held by people going (each RSVP holds 1 + companions). Changed only by
    # conditional UPDATEs, so two people can never both take the last place.
    places_taken: Mapped[int] = mapped_column(default=0)
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    access_step_free: Mapped[str] = mapped_column(sa.String(8), default=Access.UNKNOWN.value)
    access_accessible_toilet: Mapped[str] = mapped_column(sa.String(8), default=Access.UNKNOWN.value)
    access_hearing_loop: Mapped[str] = mapped_column(sa.String(8), default=Access.UNKNOWN.value)
    access_quiet_space: Mapped[str] = mapped_column(sa.String(8), default=Access.UNKNOWN.value)
    access_parking: Mapped[str] = mapped_column(sa.String(8), default=Access.UNKNOWN.value)
    access_public_transport: Mapped[str] = mapped_column(sa.String(8), default=Access.UNKNOWN.value)
    access_carers_free: Mapped[str] = mapped_column(sa.String(8), default=Access.UNKNOWN.value)
    access_trained_staff: Mapped[str] = mapped_column(sa.String(8), default=Access.UNKNOWN.value)
    # iCalendar SEQUENCE: bumped whenever the time, place or status changes.
    sequence: Mapped[int] = mapped_column(default=0)
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    series: Mapped[Series | None] = relationship(back_populates="meetups")
    organisation: Mapped[Organisation | None] = relationship()
    author = relationship("User", foreign_keys=[author_id])
    rsvps: Mapped[list[Rsvp]] = relationship(back_populates="meetup", cascade="all, delete-orphan")

    def access(self, feature: str) -> str:
        return getattr(self, f"access_{feature}")

    @property
    def is_free(self) -> bool:
        return self.cost_pence == 0

    @property
    def cost_text(self) -> str:
        if self.cost_pence == 0:
            return _("Free")
        pounds, pence = divmod(self.cost_pence, 100)
        return f"£{pounds}" if pence == 0 else f"£{pounds}.{pence:02d}"

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.places_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.places_taken >= self.capacity

    @property
    def is_published(self) -> bool:
        return self.status == MeetupStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetupStatus.CANCELLED

    @property
    def place_text(self) -> str:
        parts = []
        if self.in_person:
            parts.append(", ".join(part for part in (self.venue_name, self.address, self.town, self.postcode) if part))
        if self.online:
            parts.append(_("Online"))
        return "; ".join(parts)

    def __repr__(self) -> str:
        return f"<Meetup {self.id} {self.title!r}>"


class Rsvp(db.Model):
    """Someone's place (or place in the queue) at one meet-up."""

    __tablename__ = "rsvps"
    __table_args__ = (sa.UniqueConstraint("meetup_id", "member_id", name="uq_rsvps_meetup_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meetup_id: Mapped[int] = mapped_column(sa.ForeignKey("meetups.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Who pressed the button: the member, or a carer in their circle of support.
    acted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[RsvpStatus] = mapped_column(sa.Enum(RsvpStatus, native_enum=False, length=16))
    companions: Mapped[int] = mapped_column(default=0)
    # The waiting list is served in this order (then by id).
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meetup: Mapped[Meetup] = relationship(back_populates="rsvps")
    member = relationship("User", foreign_keys=[member_id])
    acted_by = relationship("User", foreign_keys=[acted_by_id])

    @property
    def seats(self) -> int:
        return 1 + self.companions


class MeetupDraft(db.Model):
    """Answers to the stepped form, kept on the server so nothing is lost between steps."""

    __tablename__ = "meetup_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Set when the draft changes an existing meet-up rather than listing a new one.
    meetup_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetups.id", ondelete="CASCADE"))
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meetup: Mapped[Meetup | None] = relationship()


class CalendarToken(db.Model):
    """The secret in a member's private calendar feed address. Kept readable so the page can
    show the address again; renewing replaces it and the old address stops working."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderSent(db.Model):
    """One row per reminder sent; the unique pair makes `flask send-reminders` idempotent."""

    __tablename__ = "reminders_sent"
    __table_args__ = (sa.UniqueConstraint("rsvp_id", "kind", name="uq_reminders_sent_rsvp_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rsvp_id: Mapped[int] = mapped_column(sa.ForeignKey("rsvps.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # "day_before" or "morning"
    # The start time reminded about: if the meet-up moves, a new reminder is due.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
