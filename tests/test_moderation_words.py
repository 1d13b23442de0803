"""Moderation, as the volunteers and members read it: a paused member is told the true reason in a
chat room, the escalation form says who reads it, and volunteer moderators can read the log of
moderation actions (without the administrators' own business)."""
import pytest

from app.services import chat, forums, moderation
from app.services.errors import Conflict, NotAllowed
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import page_text
from tests.moderation_support import case_for, dan, eve  # noqa: F401


def _eve_reported(eve, alice, welcome):
    thread = forums.start_thread(alice, welcome, "A thread", "Hello.").thread
    post = forums.reply(eve, thread, "Rude words.").post
    moderation.report(alice, "post", post.id, "unkind")
    return case_for("post", post.id)


def test_a_paused_member_in_a_public_room_is_told_why_and_until_when(client_for, alice, eve, maya, welcome):
    moderation.act(maya, _eve_reported(eve, alice, welcome), "silence", "Please take a break and read our guidelines.", days=3)
    cuppa = {room.name: room for room in chat.ensure_open_rooms()}["Morning cuppa"]
    browser = client_for(eve)
    page = page_text(browser.get(f"/chat/{cuppa.id}"))
    assert "You cannot post or reply until" in page and "because a volunteer paused your account" in page
    assert "Please take a break and read our guidelines." in page
    assert "You cannot send messages here." not in page and "connected with" not in page
    refused = page_text(browser.post(f"/chat/{cuppa.id}/send", data={"body": "Let me talk!"}))
    assert "because a volunteer paused your account" in refused and "cannot find" not in refused
    with pytest.raises(NotAllowed, match="a volunteer paused your account"):
        chat.post_message(eve, cuppa, "Still here")


def test_the_escalation_form_says_who_will_read_it(client_for, alice, eve, maya, welcome):
    case = _eve_reported(eve, alice, welcome)
    page = page_text(client_for(maya).get(f"/moderation/cases/{case.id}/escalate"))
    assert "What the safeguarding leads need to know (only they read this)" in page
    assert "written for the member" not in page
    hide = page_text(client_for(maya).get(f"/moderation/cases/{case.id}/hide"))
    assert "Your reason, written for the member" in hide


def test_maya_reads_the_log_of_moderation_actions_but_not_the_administrators_business(client_for, alice, eve, maya, root,
                                                                                      welcome):
    moderation.act(maya, _eve_reported(eve, alice, welcome), "hide", "Unkind words about another member.")
    log = page_text(client_for(maya).get("/moderation/log"))
    assert "Unkind words about another member." in log
    assert "Trained volunteer" not in log  # root approving Maya is administration
    assert "Staff action log" in page_text(client_for(maya).get("/moderation"))
    everything = page_text(client_for(root).get("/moderation/log"))
    assert "Unkind words about another member." in everything and "Trained volunteer" in everything
    with pytest.raises(NotAllowed):
        moderation.log_entries(alice)


def test_maya_hides_eves_post_then_warns_her_on_the_same_case(client_for, alice, eve, maya, welcome):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import AuditEntry, Notification, Post, PostStatus, Sanction, SanctionKind

    case = _eve_reported(eve, alice, welcome)
    browser = client_for(maya)
    done = browser.post(f"/moderation/cases/{case.id}/hide", data={"reason": "Unkind words."})
    assert done.headers["Location"].endswith(f"/moderation/cases/{case.id}#further")
    page = page_text(browser.get(f"/moderation/cases/{case.id}"))
    assert "Take another action on this case" in page and "Send a warning" in page and "Hide it" not in page

    warned = browser.post(f"/moderation/cases/{case.id}/warn", data={"reason": "Please be kind to other members."})
    assert warned.status_code == 302
    db.session.expire_all()
    post = db.session.get(Post, case.content_id)
    assert post.status == PostStatus.HIDDEN  # the warning did not put the post back
    [warning] = db.session.scalars(sa.select(Sanction).where(Sanction.member_id == eve.id)).all()
    assert warning.kind == SanctionKind.WARNING and warning.case_id == case.id
    told_eve = [n.message for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == eve.id))]
    assert any("hid your post" in words for words in told_eve) and any("sent you a warning" in words for words in told_eve)
    told_alice = [n.message for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == alice.id))
                  if "Thank you for your report" in n.message]
    assert len(told_alice) == 1  # thanked once, at the decision
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.actor_id == maya.id).order_by(AuditEntry.id)))
    assert actions[-2:] == ["hide_content", "warn_member"]


def test_another_volunteer_cannot_add_to_mayas_decision(client_for, alice, eve, maya, dan, welcome):
    case = _eve_reported(eve, alice, welcome)
    moderation.act(maya, case, "hide", "Unkind words.")
    assert "Take another action on this case" not in page_text(client_for(dan).get(f"/moderation/cases/{case.id}"))
    with pytest.raises(Conflict):
        moderation.act(dan, case, "warn", "Be kind.")
