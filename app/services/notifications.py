"""In-app notifications. notify() adds to the session; the calling service commits it together
with the change it describes, so a notification never exists without its cause (or the reverse)."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, User
from app.models.types import utcnow

PAGE_SIZE = 20


def notify(user: User, kind: str, message: str, link: str = "", actor: User | None = None) -> Notification | None:
    """Tell `user` something in one plain sentence. Pass `actor` whenever the sentence names
    someone, so erasing that person's account can erase the sentence too."""
    from app.services import blocking

    if actor is not None and blocking.wants_nothing_from(user, actor):
        return None  # they blocked or muted the person who caused it
    notification = Notification(
        user_id=user.id, kind=kind, message=message, link=link, actor_id=actor.id if actor is not None else None
    )
    db.session.add(notification)
    return notification


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def page_for(user: User, before_id: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[Notification], int | None]:
    """Newest first, keyset-paged: returns the notifications and the id to pass for the next (older) page."""
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if before_id:
        query = query.where(Notification.id < before_id)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    older = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], older


def recent_for(user: User, limit: int = 10) -> list[Notification]:
    return page_for(user, limit=limit)[0]


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return result.rowcount
