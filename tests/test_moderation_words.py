"""Moderation, as the volunteers and members read it: a paused member is told the true reason in a
chat room, the escalation form says who reads it, and volunteer moderators can read the log of
moderation actions (without the administrators' own business)."""
import pytest

from app.services import chat, forums, moderation
from app.services.errors import NotAllowed
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import page_text
from tests.moderation_support import case_for, eve  # noqa: F401


def _eve_reported(eve, alice, welcome):
    thread = forums.start_thread(alice, welcome, "A thread", "Hello.")
    post = forums.reply(eve, thread, "Rude words.")
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
