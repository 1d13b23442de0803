"""Moderation and notifications: outcomes always reach the member at once, a suspended member
gets nothing by email, a muted or blocked member's actions tell nobody who turned them away,
and followers hear of a held reply only once a volunteer publishes it."""
import sqlalchemy as sa

from app.extensions import db
from app.models import EmailState, Notification
from app.services import blocking, forums, moderation, notifications
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import emails_to
from tests.moderation_support import case_for, eve  # noqa: F401


def _notes(member, kind):
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == member.id, Notification.kind == kind)))


def test_a_moderation_outcome_comes_by_email_at_once_and_cannot_be_turned_off(client_for, alice, eve, maya, welcome):
    thread = forums.start_thread(alice, welcome, "A thread", "Hello.").thread
    post = forums.reply(eve, thread, "Rude words.").post
    moderation.report(alice, "post", post.id, "unkind")
    moderation.act(maya, case_for("post", post.id), "hide", "Unkind to another member.")
    [outcome] = _notes(eve, "moderation")
    assert "A volunteer hid your post" in outcome.message and outcome.email_state == EmailState.NOW
    assert any("A volunteer hid your post" in m["Subject"] for m in emails_to("eve@example.org"))
    [thanks] = _notes(alice, "report_outcome")
    assert thanks.email_state == EmailState.NOW
    assert notifications.KINDS["moderation"].can_turn_off is False
    assert notifications.unsubscribe_url(eve, "moderation") is None


def test_a_suspended_member_gets_notifications_in_app_but_no_email(alice, eve, maya, welcome):
    thread = forums.start_thread(alice, welcome, "A thread", "Hello.").thread
    post = forums.reply(eve, thread, "Threats.").post
    moderation.report(alice, "post", post.id, "unkind")
    moderation.act(maya, case_for("post", post.id), "suspend", "Threats to another member.", days=7)
    before = len(emails_to("eve@example.org"))
    db.session.expire_all()
    notifications.notify(db.session.get(type(eve), eve.id), "meetup_reminder", "This is a reminder.", "/")
    db.session.commit()
    assert len(emails_to("eve@example.org")) == before
    assert _notes(eve, "meetup_reminder")[0].email_state == EmailState.NONE


def test_a_paused_member_still_gets_emails(alice, eve, maya, welcome):
    thread = forums.start_thread(alice, welcome, "A thread", "Hello.").thread
    post = forums.reply(eve, thread, "Rude words.").post
    moderation.report(alice, "post", post.id, "unkind")
    moderation.act(maya, case_for("post", post.id), "silence", "Take a break.", days=3)
    db.session.expire_all()
    note = notifications.notify(db.session.get(type(eve), eve.id), "meetup_reminder", "This is a reminder.", "/")
    db.session.commit()
    assert note.email_state == EmailState.NOW


def test_nobody_hears_from_someone_they_muted(alice, bob, welcome):
    thread = forums.start_thread(alice, welcome, "Hello from Alice", "I love my garden.").thread
    blocking.mute(alice, bob)
    forums.reply(bob, thread, "Lovely garden!")
    assert _notes(alice, "forum_reply") == []


def test_followers_hear_of_a_held_reply_only_when_it_is_published(app, alice, eve, maya, welcome):
    thread = forums.start_thread(alice, welcome, "Hello from Alice", "I love my garden.").thread
    app.config["MODERATION_FIRST_POSTS_HELD"] = 2
    post = forums.reply(eve, thread, "Hello Alice, I am new here.").post
    assert _notes(alice, "forum_reply") == []
    moderation.act(maya, case_for("post", post.id), "approve", "")
    [note] = _notes(alice, "forum_reply")
    assert note.message == "Eve Stone replied in “Hello from Alice”, a thread you follow."
