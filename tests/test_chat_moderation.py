"""Chat goes through the same moderation as everything else: reports, watched words, sanctions."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Message, MessageStatus, Outcome, ReportReason
from app.services import chat, moderation
from tests.chat_support import cuppa, join, received, rooms, say, socket_for  # noqa: F401
from tests.helpers import emails_to, page_text
from tests.moderation_support import case_for, eve  # noqa: F401


def test_alice_reports_a_chat_message_and_maya_hides_it_from_every_open_screen(client_for, socket_for, alice, bob, maya, eve, cuppa):
    message = chat.post_message(eve, cuppa, "Nobody here likes you.")
    room_page = client_for(alice).get(f"/chat/{cuppa.id}").get_data(as_text=True)
    assert f"/report/chat_message/{message.id}" in room_page

    moderation.report(alice, "chat_message", message.id, ReportReason.UNKIND, "")
    case = case_for("chat_message", message.id)
    assert case is not None
    case_page = client_for(maya).get(f"/moderation/cases/{case.id}").get_data(as_text=True)
    assert "Nobody here likes you." in case_page and 'aria-label="The room around this message"' in case_page

    bob_live = socket_for(bob)
    join(bob_live, cuppa)
    received(bob_live, "message_removed")
    moderation.claim(maya, case)
    moderation.act(maya, case, Outcome.HIDE, "Unkind words are not allowed here.")
    assert db.session.get(Message, message.id).status == MessageStatus.HIDDEN
    assert {"id": message.id, "room_id": cuppa.id} in received(bob_live, "message_removed")
    assert "Nobody here likes you." not in page_text(client_for(bob).get(f"/chat/{cuppa.id}"))


def test_a_phone_number_in_chat_waits_for_a_volunteer(client_for, bob, cuppa):
    browser = client_for(bob)
    reply = browser.post(f"/chat/{cuppa.id}/send", data={"body": "Ring me on 0 7 7 0 0 9 0 0 1 2 3", "client_id": "a1"})
    page = page_text(browser.get(reply.headers["Location"]))
    assert "a volunteer will check it before others can see it" in page
    stored = db.session.scalars(sa.select(Message).where(Message.room_id == cuppa.id)).one()
    assert stored.status == MessageStatus.HELD


def test_words_of_crisis_in_chat_show_the_support_lines_and_reach_the_safeguarding_lead(client_for, socket_for, alice, root, cuppa):
    live = socket_for(alice)
    join(live, cuppa)
    answer = say(live, cuppa, "I feel there is no point going on any more")
    assert answer["ok"] is True and "116 123" in answer["notice"] and "0333 150 3456" in answer["notice"]
    stored = db.session.get(Message, answer["message"]["id"])
    assert stored.status == MessageStatus.VISIBLE  # published, not hidden: she needs people
    case = case_for("chat_message", stored.id)
    assert case.urgency.value == "safety"
    assert emails_to("root@example.org"), "every admin is emailed at once"


def _sanction(maya, bob, eve, cuppa, outcome, body):
    message = chat.post_message(eve, cuppa, body)
    moderation.report(bob, "chat_message", message.id, ReportReason.SCAM, "")
    case = case_for("chat_message", message.id)
    moderation.claim(maya, case)
    moderation.act(maya, case, outcome, "Selling is not allowed here.", days=3)
    moderation.forget_cached_sanctions()


def test_a_silenced_member_can_read_the_room_but_not_send(socket_for, maya, eve, bob, cuppa):
    _sanction(maya, bob, eve, cuppa, Outcome.SILENCE, "Buy my pills")
    eve_live = socket_for(eve)
    assert join(eve_live, cuppa)["ok"] is True
    assert say(eve_live, cuppa, "Still here")["ok"] is False
    assert not db.session.scalars(sa.select(Message).where(Message.body == "Still here")).all()


def test_a_suspended_member_cannot_connect_to_chat(socket_for, client_for, maya, eve, bob, cuppa):
    _sanction(maya, bob, eve, cuppa, Outcome.SUSPEND, "Buy my pills")
    assert not socket_for(eve).is_connected("/chat")
