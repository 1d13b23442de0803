"""Writing the staff action log. Callers commit; the log is never edited or deleted through the site."""
from app.extensions import db
from app.models import AuditEntry


def record(actor, action: str, target, reason: str = "") -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=getattr(target, "id", None),
        reason=reason,
    )
    db.session.add(entry)
    return entry
