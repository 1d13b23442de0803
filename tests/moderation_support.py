"""Moderation set-up shared by the moderation tests: Eve (who causes trouble) and helpers."""
import pytest

from app.extensions import db
from app.models import Case, Role
from app.services import accounts
from tests.helpers import CAST_PASSWORD


@pytest.fixture
def eve(app):
    return accounts.register("Eve Stone", "eve@example.org", CAST_PASSWORD, Role.CARER, confirmed=True)


@pytest.fixture
def carol(app):
    return accounts.register("Carol Reed", "carol@example.org", CAST_PASSWORD, Role.CARER, confirmed=True)


@pytest.fixture
def dan(app, root):
    """Dan is a second volunteer moderator (appeals go to a different volunteer)."""
    dan = accounts.register("Dan Price", "dan@example.org", CAST_PASSWORD, Role.VOLUNTEER, confirmed=True)
    accounts.decide_approval(root, dan, approve=True, reason="Trained volunteer")
    dan.is_moderator = True  # given by root as a separate step
    db.session.commit()
    return dan


def case_for(content_type, content_id):
    from app.extensions import db
    import sqlalchemy as sa

    return db.session.scalar(sa.select(Case).where(Case.content_type == content_type, Case.content_id == content_id).order_by(Case.id.desc()))


def give_standing(member, category, days: int = 8, posts: int = 1):
    """Make a member established: joined `days` ago with `posts` published posts (a week and one
    post is enough for their reports to count towards hiding something)."""
    from datetime import timedelta

    from app.extensions import db
    from app.models.types import utcnow
    from app.services import forums

    member.created_at = utcnow() - timedelta(days=days)
    db.session.commit()
    for n in range(posts):
        forums.start_thread(member, category, f"About me {n + 1}", f"Hello, I am {member.display_name}.")
    return member
