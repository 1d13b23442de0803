"""Opt-in wellbeing check-ins: each set of answers a member gave (the choice to be asked is users.checkins_chosen_at)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Checkin(db.Model):
    """One check-in. Each answer is a score (None when skipped); see services.checkins.QUESTIONS."""

    __tablename__ = "checkins"
    __table_args__ = (sa.Index("ix_checkins_user_id_started_at", "user_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # ONS: "How often do you feel lonely?" 1 (never) to 5 (often or always).
    lonely: Mapped[int | None] = mapped_column()
    # The three-item UCLA loneliness scale: 1 (hardly ever) to 3 (often) each.
    lack_companionship: Mapped[int | None] = mapped_column()
    left_out: Mapped[int | None] = mapped_column()
    isolated: Mapped[int | None] = mapped_column()
