"""Members, their roles and display preferences, and the single-use tokens sent by email."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Role(str, enum.Enum):
    """What a member said describes them at registration ("Which describes you?")."""

    LIVING_WITH_DEMENTIA = "living_with_dementia"
    CARER = "carer"
    VOLUNTEER = "volunteer"
    ORGANISATION = "organisation"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])  # in the page's language

    @property
    def needs_approval(self) -> bool:
        return self in (Role.VOLUNTEER, Role.ORGANISATION)


ROLE_LABELS = {
    Role.LIVING_WITH_DEMENTIA: _l("Living with dementia"),
    Role.CARER: _l("Carer"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.ORGANISATION: _l("Partner organisation"),
}

ROLE_CHOICES = [
    (Role.LIVING_WITH_DEMENTIA.value, _l("I am living with dementia")),
    (Role.CARER.value, _l("I care for someone")),
    (Role.VOLUNTEER.value, _l("I want to volunteer")),
    (Role.ORGANISATION.value, _l("I represent an organisation")),
]


class ApprovalStatus(str, enum.Enum):
    NOT_NEEDED = "not_needed"
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


TEXT_SIZES = ("standard", "large", "largest")
COLOUR_SCHEMES = ("standard", "high-contrast", "cream")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(60))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=32))
    # Volunteers and organisations are ordinary members until an admin approves them.
    approval: Mapped[ApprovalStatus] = mapped_column(
        sa.Enum(ApprovalStatus, native_enum=False, length=16), default=ApprovalStatus.NOT_NEEDED
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_moderator: Mapped[bool] = mapped_column(default=False)
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Bumped to end every other session (password change); part of the login id.
    session_epoch: Mapped[int] = mapped_column(default=0)
    text_size: Mapped[str] = mapped_column(sa.String(16), default="standard")
    colour_scheme: Mapped[str] = mapped_column(sa.String(16), default="standard")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/London")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the member first uses a link we emailed them; until then a password alone
    # does not sign in, so nobody can hold an account in someone else's name.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "Delete my account": the account is closed at once, can be reopened until purge_after,
    # then `flask purge-deleted` erases the personal data and sets purged_at.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What happens to their posts: "remove" or "keep" (shown as "a former member").
    posts_choice: Mapped[str | None] = mapped_column(sa.String(16))
    # The latest end of a pause or suspension (services.moderation keeps it): when it is empty or past,
    # no page needs to look up sanctions at all.
    restricted_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the member chose to be offered wellbeing check-ins (empty: not chosen, the default).
    # On the member's own row so the start page asks nothing more of members who did not choose them.
    checkins_chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Help for memory (settings/listening): how fast Listen reads, whether it is shown, and the
    # "New to Kindred" badge a newcomer may turn off.
    speech_rate: Mapped[str] = mapped_column(sa.String(8), default="normal", server_default="normal")
    show_listen: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    show_newcomer_badge: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # "en" or "cy" (app.i18n.LANGUAGES): pages and emails in this language. Empty until the member
    # chooses; then the browser's own language decides pages and English is used for emails.
    language: Mapped[str | None] = mapped_column(sa.String(8))

    tokens: Mapped[list[EmailToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # The secret of the signed-in browser this request belongs to (services.accounts.begin_session);
    # not a column: one member may be signed in on several browsers.
    sign_in_key = None  # str, set per request; a plain attribute, not mapped

    def get_id(self) -> str:
        # A password change bumps the epoch (every session ends); signing out ends one session row.
        # parse_login_id (below) reads it back.
        return f"{self.id}:{self.session_epoch}:{self.sign_in_key or ''}"

    @property
    def role_label(self) -> str:
        return self.role.label

    @property
    def is_closing(self) -> bool:
        """Asked to delete their account (and not purged yet): hidden from everyone else."""
        return self.deleted_at is not None

    @property
    def awaiting_approval(self) -> bool:
        return self.approval == ApprovalStatus.PENDING

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class TokenPurpose(str, enum.Enum):
    SIGN_IN = "sign_in"
    RESET_PASSWORD = "reset_password"


class EmailToken(db.Model):
    """A single-use secret sent by email. Only its SHA-256 is stored."""

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(sa.Enum(TokenPurpose, native_enum=False, length=32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_url: Mapped[str | None] = mapped_column(sa.String(500))

    user: Mapped[User] = relationship(back_populates="tokens")


class SignInSession(db.Model):
    """One signed-in browser. Its secret is in that browser's session and remember-me cookies
    (only the SHA-256 is stored here); signing out ends the row, so a copied or saved cookie
    signs nobody in afterwards."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def parse_login_id(login_id) -> tuple[int, int, str] | None:
    """(user id, session epoch, session secret) from a login id User.get_id made, or None for
    anything else (a cookie from an older version, or tampered with). Read by the member loader
    (services.accounts.user_for_login_id) and, with no query, by the page cache."""
    try:
        user_id, epoch, secret = login_id.split(":", 2)
        user_id, epoch = int(user_id), int(epoch)
    except (ValueError, AttributeError):
        return None
    if not secret or not 0 < user_id < 2**62:
        return None
    return user_id, epoch, secret
