"""A private conversation offers Block: Alice, who lets anyone message her, can block a stranger
from inside the conversation, without JavaScript, and the stranger cannot write to her again."""
import pytest

from app.services import blocking, chat
from app.services.errors import NotAllowed
from tests.helpers import page_text
from tests.people import new_member


def test_alice_blocks_a_stranger_from_the_conversation(client_for, alice):
    chat.update_preferences(alice, dm_from_anyone=True, appear_offline=False)
    eve = new_member("Eve Stone")
    room = chat.start_direct(eve, alice)
    chat.post_message(eve, room, "Hello Alice, I can help with your savings.")
    browser = client_for(alice)

    page = browser.get(f"/chat/{room.id}")
    html = page.get_data(as_text=True)
    assert "If this conversation worries you" in page_text(page)
    assert f'href="/members/{eve.id}/block">Block Eve Stone</a>' in html

    question = page_text(browser.get(f"/members/{eve.id}/block"))
    assert "Block Eve Stone?" in question
    done = browser.post(f"/members/{eve.id}/block", data={}, follow_redirects=True)
    assert "You have blocked Eve Stone. They have not been told." in page_text(done)
    assert blocking.is_blocked(alice, eve)

    after = page_text(browser.get(f"/chat/{room.id}"))
    assert "You have blocked Eve Stone, so you cannot message each other." in after
    assert "Block Eve Stone" not in after.replace("You have blocked Eve Stone", "")
    with pytest.raises(NotAllowed):
        chat.post_message(eve, room, "Are you there?")


def test_open_rooms_have_no_block_button(client_for, alice):
    cuppa = {room.name: room for room in chat.ensure_open_rooms()}["Morning cuppa"]
    page = page_text(client_for(alice).get(f"/chat/{cuppa.id}"))
    assert "If this conversation worries you" not in page


def test_the_chat_hint_says_one_thing_about_sending(client_for, alice, bob):
    room = chat.start_direct(alice, bob)
    page = page_text(client_for(alice).get(f"/chat/{room.id}"))
    assert "Take as long as you need. Nothing is sent until you send it." in page
    assert "then press the Send message button" not in page
    assert "To send, press Enter or the Send message button." in page  # shown when the page is live
