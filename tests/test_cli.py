"""The commands an operator runs: seed-demo and create-admin."""
import sqlalchemy as sa

from app.extensions import db
from app.models import ApprovalStatus, User
from app.services import accounts, demo


def test_seed_demo_creates_the_cast_once_and_they_can_sign_in(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert "5 new members" in first.output and "0 new members" in second.output
    emails = sorted(db.session.scalars(sa.select(User.email)))
    # The cast, plus Eve and Nina from the moderation demo (a troublemaker and a brand-new member).
    assert emails == [f"{name}@example.org" for name in ("alice", "bob", "eve", "hope", "maya", "nina", "root")]
    root = accounts.authenticate("root@example.org", demo.DEMO_PASSWORD)
    assert root.is_admin and root.is_moderator
    maya = accounts.find_by_email("maya@example.org")
    assert maya.is_moderator and maya.approval == ApprovalStatus.APPROVED
    alice = accounts.find_by_email("alice@example.org")
    assert not alice.is_moderator and not alice.is_admin


def test_seed_demo_refuses_in_production(app):
    app.config["SEED_DEMO_ALLOWED"] = False
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "never added in production" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_admin_makes_a_new_administrator(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "Sam@Example.org", "--name", "Sam Okafor", "--password", "river stone lantern"]
    )
    assert "Sam Okafor <sam@example.org> is now an administrator." in result.output
    sam = accounts.authenticate("sam@example.org", "river stone lantern")
    assert sam.is_admin


def test_create_admin_explains_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--email", "sam@example.org", "--name", "Sam", "--password", "password"])
    assert result.exit_code != 0 and "most common" in result.output
