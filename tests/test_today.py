"""The "Today" start page: Alice's day at a glance, so nothing relies on her memory."""
import pytest

from app.formatting import local
from app.models.types import utcnow
from app.services import circle, forums, meetups, notifications
from tests.forum_fixtures import categories, welcome  # noqa: F401 - fixtures
from tests.helpers import assert_max_queries, count_queries, page_text
from tests.meetups_support import hope_dementia_care, list_meetup


@pytest.fixture
def bob_cares_for_alice(alice, bob):
    return circle.accept(bob, circle.invite(alice, bob))


@pytest.fixture
def memory_cafe(hope, root):
    return list_meetup(hope, hope_dementia_care(hope, root))


def test_a_visitor_is_sent_to_the_public_home_page(client):
    response = client.get("/today")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Today is" not in page_text(client.get("/"))


def test_alice_sees_the_date_in_full_and_a_kind_line_when_she_has_no_meetup(alice, client_for):
    text = page_text(client_for(alice).get("/"))
    now = local(utcnow())
    assert "Hello, Alice Morgan" in text
    assert f"Today is {now:%A} {now.day} {now:%B}." in text
    assert "You have not said you are going to a meet-up yet." in text
    assert "Find a meet-up near you" in text
    assert "Nothing new since your last visit." in text


@pytest.mark.both_backends  # its statements are built once, with bound parameters, for each dialect
def test_alice_sees_her_next_meetup_who_goes_with_her_and_how_to_get_there(alice, bob, bob_cares_for_alice, memory_cafe, client_for):
    meetups.rsvp(alice, memory_cafe)
    meetups.rsvp(bob, memory_cafe)
    browser = client_for(alice)
    html = browser.get("/today").get_data(as_text=True)
    text = page_text(browser.get("/today"))
    assert "Your next meet-up Memory café" in text
    assert "St Mary's Centre, 1 Bridge Street, Chester" in text
    assert "Going with you Bob Morgan" in text
    assert "How to get there" in text and "openstreetmap.org/search?query=" in html
    assert "You said you are going to “Memory café”" in text  # things she did recently


def test_bobs_reply_and_where_alice_stopped_reading(alice, bob, welcome, client_for):  # noqa: F811
    thread = forums.start_thread(alice, welcome, "Gardening in winter", "What do you grow in December?").thread
    for number in range(2, 31):
        forums.reply(bob, thread, f"Tip number {number}: keep the roots warm.")
    browser = client_for(alice)
    browser.get(f"/threads/{thread.id}")  # she reads the first page: posts 1 to 20 of 30
    text = page_text(browser.get("/"))
    assert "Carry on reading “Gardening in winter” (from post 21 of 30)" in text
    assert f'href="/threads/{thread.id}?page=2#post-21"' in browser.get("/").get_data(as_text=True)
    assert "Bob Morgan replied in “Gardening in winter”, a thread you follow." in text
    assert "You started the thread “Gardening in winter”" in text


def test_bob_sees_the_same_card_for_alice_whom_he_helps(alice, bob, bob_cares_for_alice, memory_cafe, client_for):
    meetups.rsvp(alice, memory_cafe, acting_member=bob)
    text = page_text(client_for(bob).get("/"))
    assert "Alice Morgan’s next meet-up Memory café" in text
    assert "Place booked by you" in text
    assert "Going with Alice Morgan Nobody from their circle of support has said they are going" in text
    assert "Place booked by Bob Morgan" in page_text(client_for(alice).get("/"))


@pytest.mark.both_backends  # its statements are built once, with bound parameters, for each dialect
def test_the_page_loads_in_six_statements_and_shows_at_most_six_things(
        alice, bob, bob_cares_for_alice, memory_cafe, welcome, client_for):  # noqa: F811
    """Her circle, the next meet-ups, where she stopped reading, her last chat room, what is new
    (with the header's count beside it) and what she did lately: six statements, her own row kept
    from her last page. Of Bob, her carer, only his name is read, not his email or password hash."""
    thread = forums.start_thread(alice, welcome, "Hello", "Hello everyone.").thread
    forums.reply(bob, thread, "Welcome, Mum!")
    meetups.rsvp(alice, memory_cafe, acting_member=bob)
    browser = client_for(alice)
    browser.get(f"/threads/{thread.id}")
    with assert_max_queries(6) as counter:
        response = browser.get("/today")
    text = page_text(response)
    unread = notifications.count_unread_of(alice.id)  # joining his circle, booking her place, his reply
    assert unread == 3 and f"Notifications ({unread} new)" in text
    assert "Bob Morgan replied" in text and "Place booked by Bob Morgan" in text
    circle_statement = next(statement for statement in counter.statements if "circle_links" in statement)
    assert "display_name" in circle_statement and "password_hash" not in circle_statement and "email" not in circle_statement
    html = response.get_data(as_text=True)
    assert html.count('class="today__section"') + 1 <= 6  # the greeting and date, and the sections
    assert "http-equiv" not in html and "<marquee" not in html  # nothing refreshes by itself


def test_alice_reads_her_day_in_welsh_with_welsh_day_and_month_names(alice, bob, bob_cares_for_alice, memory_cafe, client_for):
    from flask_babel import force_locale

    from app.extensions import db
    from app.services import today as today_service

    meetups.rsvp(alice, memory_cafe)
    meetups.rsvp(bob, memory_cafe)
    alice.language = "cy"
    db.session.commit()
    text = page_text(client_for(alice).get("/today"))
    with force_locale("cy"):
        date_words = today_service.date_words(utcnow())
    assert date_words.startswith("Dydd ")
    assert "Helo, Alice Morgan" in text and f"Heddiw yw {date_words}." in text
    assert "Eich cyfarfod nesaf Memory café" in text
    assert "Yn mynd gyda chi Bob Morgan" in text
    assert "Dywedoch chi eich bod yn mynd i “Memory café”" in text
    for english in ("Your next meet-up", "Going with", "Things you did recently", "Today is"):
        assert english not in text
