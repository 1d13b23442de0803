"""Each meet-up has a room for the people going and its organisers."""
import pytest

from app.models import RoomKind
from app.services import chat, meetups
from app.services.errors import NotAllowed
from tests.helpers import page_text
from tests.meetups_support import hope_dementia_care, list_meetup


@pytest.fixture
def cafe(hope, root):
    return list_meetup(hope, hope_dementia_care(hope, root))


def test_alice_who_is_going_opens_the_cafe_chat_and_hope_the_organiser_finds_it(alice, hope, cafe, client_for):
    meetups.rsvp(alice, cafe)
    browser = client_for(alice)
    assert "Chat with the people going" in page_text(browser.get(f"/meetups/{cafe.id}"))
    reply = browser.post(f"/chat/meetup/{cafe.id}")
    room_page = page_text(browser.get(reply.headers["Location"]))
    assert "Memory café" in room_page
    room = chat.meetup_room(alice, cafe)
    assert room.kind == RoomKind.MEETUP and room.meetup_id == cafe.id
    assert chat.meetup_room(hope, cafe).id == room.id  # one room per meet-up
    assert "Chats for your meet-ups" in page_text(client_for(hope).get("/chat"))
    assert "Memory café" in page_text(client_for(hope).get("/chat"))


def test_people_not_going_cannot_see_or_open_the_room(alice, bob, cafe, client_for):
    meetups.rsvp(alice, cafe)
    room = chat.meetup_room(alice, cafe)
    with pytest.raises(NotAllowed):
        chat.meetup_room(bob, cafe)
    outsider = client_for(bob)
    assert "Chat with the people going" not in page_text(outsider.get(f"/meetups/{cafe.id}"))
    assert outsider.get(f"/chat/{room.id}").status_code == 404
    assert "Memory café" not in page_text(outsider.get("/chat"))
    # Giving up a place closes the room to Alice too.
    meetups.leave(alice, cafe)
    assert client_for(alice).get(f"/chat/{room.id}").status_code == 404
