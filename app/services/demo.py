"""Demo content for `make run`: the cast from PRODUCT.md, created through the real services."""
import sqlalchemy as sa

from app.extensions import db
from app.models import ApprovalStatus, Role, User
from app.models.types import utcnow
from app.services import accounts, chat

DEMO_PASSWORD = "kindred-demo-garden"

CAST = [
    ("alice", "Alice Morgan", Role.LIVING_WITH_DEMENTIA),
    ("bob", "Bob Morgan", Role.CARER),
    ("maya", "Maya Patel", Role.VOLUNTEER),
    ("hope", "Hope Dementia Care", Role.ORGANISATION),
    ("root", "Kindred Admin", Role.VOLUNTEER),
]

# Later features add their own seeding here (forums, meet-ups, chat rooms), each idempotent.
SEEDERS = [chat.seed_demo]


def seed() -> int:
    created = 0
    for handle, name, role in CAST:
        address = f"{handle}@example.org"
        if db.session.scalar(sa.select(User).where(User.email == address)) is None:
            accounts.register(name, address, DEMO_PASSWORD, role, confirmed=True)
            created += 1
    cast = {handle: accounts.find_by_email(f"{handle}@example.org") for handle, _, _ in CAST}
    for handle in ("maya", "hope", "root"):
        member = cast[handle]
        if member.approval != ApprovalStatus.APPROVED:
            member.approval = ApprovalStatus.APPROVED
            member.approved_at = utcnow()
    cast["maya"].is_moderator = True
    cast["root"].is_moderator = True
    cast["root"].is_admin = True
    db.session.commit()
    for seeder in SEEDERS:
        seeder(cast)
    return created
