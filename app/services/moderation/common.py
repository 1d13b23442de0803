"""What several parts of moderation share: how long a case may wait, the longest reason, the admins."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Urgency, User

OVERDUE = {Urgency.NORMAL: timedelta(hours=24), Urgency.URGENT: timedelta(hours=4), Urgency.SAFETY: timedelta(hours=2)}
MAX_REASON = 2000


def admins() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.is_admin.is_(True), User.deleted_at.is_(None))))
