"""Moderation and safeguarding: reports about any kind of content, the cases they open,
sanctions on members, appeals, and the watched words checked on everything members write."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


def _enum(cls, length=16):
    return sa.Enum(cls, native_enum=False, length=length)


class ReportReason(str, enum.Enum):
    UNKIND = "unkind"
    SCAM = "scam"
    PERSONAL_DETAILS = "personal_details"
    SAFETY = "safety"
    OTHER = "other"
    # Not offered to members: a post waiting for approval (new member, link, watched word).
    APPROVAL = "approval"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    ReportReason.UNKIND: "It's unkind or rude",
    ReportReason.SCAM: "It looks like a scam or spam",
    ReportReason.PERSONAL_DETAILS: "It shares someone's personal details",
    ReportReason.SAFETY: "I'm worried about someone's safety",
    ReportReason.OTHER: "Something else",
    ReportReason.APPROVAL: "Waiting for approval",
}

MEMBER_REASONS = [r for r in ReportReason if r != ReportReason.APPROVAL]


class CaseStatus(str, enum.Enum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


class Urgency(str, enum.Enum):
    SAFETY = "safety"  # someone may be at risk: the safeguarding leads, within 2 hours
    URGENT = "urgent"  # a likely scam, held: ahead of ordinary reports
    NORMAL = "normal"


class Outcome(str, enum.Enum):
    DISMISS = "dismiss"
    APPROVE = "approve"
    HIDE = "hide"
    RESTORE = "restore"
    EDIT = "edit"
    DELETE = "delete"
    WARN = "warn"
    SILENCE = "silence"
    SUSPEND = "suspend"


class Case(db.Model):
    """Everything moderators need to decide about one piece of content. One unresolved case per
    piece of content (a partial unique index), however many people report it."""

    __tablename__ = "moderation_cases"
    __table_args__ = (
        sa.Index(
            "uq_moderation_cases_open_content", "content_type", "content_id", unique=True,
            sqlite_where=sa.text("status != 'RESOLVED'"), postgresql_where=sa.text("status != 'RESOLVED'"),
        ),
        sa.Index("ix_moderation_cases_queue", "status", "urgency", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(32))
    content_id: Mapped[int] = mapped_column()
    # Whose content it is (kept when the content goes): for history and "not your own content".
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.OPEN)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency), default=Urgency.NORMAL)
    # Why the case exists in a few words: "Reported by members", "Waiting for approval", "Watched words: ...".
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    held_for_approval: Mapped[bool] = mapped_column(default=False)
    hidden_by_reports: Mapped[bool] = mapped_column(default=False)
    escalated: Mapped[bool] = mapped_column(default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome))
    # Written for the member whose content it is.
    outcome_reason: Mapped[str] = mapped_column(sa.Text, default="")
    overdue_emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author = relationship("User", foreign_keys=[author_id])
    claimed_by = relationship("User", foreign_keys=[claimed_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
    reports: Mapped[list[Report]] = relationship(back_populates="case", order_by="Report.created_at")


class Report(db.Model):
    __tablename__ = "moderation_reports"
    __table_args__ = (sa.UniqueConstraint("case_id", "reporter_id", name="uq_moderation_reports_case_reporter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("moderation_cases.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(sa.String(32))
    content_id: Mapped[int] = mapped_column()
    # None for a report raised automatically by the watched words.
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[ReportReason] = mapped_column(_enum(ReportReason, 32))
    words: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="reports")
    reporter = relationship("User", foreign_keys=[reporter_id])


class SanctionKind(str, enum.Enum):
    WARNING = "warning"
    SILENCE = "silence"
    SUSPEND = "suspend"


class Sanction(db.Model):
    __tablename__ = "moderation_sanctions"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SanctionKind] = mapped_column(_enum(SanctionKind))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("moderation_cases.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member = relationship("User", foreign_keys=[member_id])
    by = relationship("User", foreign_keys=[by_id])
    case = relationship("Case")


class AppealStatus(str, enum.Enum):
    WAITING = "waiting"
    UPHELD = "upheld"  # the decision stands
    OVERTURNED = "overturned"


class Appeal(db.Model):
    """A member asking for a decision about their content or account to be looked at again. Once per case."""

    __tablename__ = "moderation_appeals"
    __table_args__ = (sa.UniqueConstraint("case_id", name="uq_moderation_appeals_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("moderation_cases.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    words: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[AppealStatus] = mapped_column(_enum(AppealStatus), default=AppealStatus.WAITING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship()
    member = relationship("User", foreign_keys=[member_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class WatchedKind(str, enum.Enum):
    WORD = "word"  # a word or phrase, matched whole after normalising (case, accents, l33t, spacing)
    REGEX = "regex"  # a regular expression run on the normalised text
    DETECTOR = "detector"  # built in: a named check in code (phone numbers, card numbers ...)


class WatchedAction(str, enum.Enum):
    BLOCK = "block"  # not saved; the author is shown the message
    HOLD = "hold"  # saved, waits for a volunteer to approve it
    REPORT = "report"  # published, and reported automatically as a scam
    SAFETY = "safety"  # published, the author is shown support lines, a safety case is raised

    @property
    def label(self) -> str:
        return WATCHED_ACTION_LABELS[self]


WATCHED_ACTION_LABELS = {
    WatchedAction.BLOCK: "Stop it being posted, and show the author the message",
    WatchedAction.HOLD: "Hold it until a volunteer approves it",
    WatchedAction.REPORT: "Post it, and report it to the volunteers as a possible scam",
    WatchedAction.SAFETY: "Post it, show the author support lines, and tell the safeguarding lead",
}


class WatchedWord(db.Model):
    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Built-in entries have a key, so they are added once and never twice (see watched_words.ensure_built_ins).
    key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    pattern: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[WatchedKind] = mapped_column(_enum(WatchedKind))
    action: Mapped[WatchedAction] = mapped_column(_enum(WatchedAction))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    built_in: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SafetyDecision(db.Model):
    """A moderator's decision about an automatic safety flag: the text, what was flagged and whether the
    moderator agreed. `flask safety train --with-decisions` learns from these. Erased with the
    writer's account (my_data's "safety_decisions" eraser)."""

    __tablename__ = "safety_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("moderation_cases.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    kinds: Mapped[str] = mapped_column(sa.String(64))  # flagged kinds, comma separated: "scam,crisis"
    confirmed: Mapped[bool] = mapped_column()  # True: the moderator agreed it was what was flagged
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
