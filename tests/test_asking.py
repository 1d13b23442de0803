"""Ask a volunteer: a person to ask, from every page, for members and visitors alike."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Case, HelpRequest, HelpStatus, Urgency
from app.models.types import utcnow
from app.services import forums, help_requests
from tests.forum_fixtures import categories, welcome  # noqa: F401 - fixtures
from tests.helpers import email_text, emails_to, page_text


def test_every_page_has_ask_a_volunteer_in_the_same_place(client, alice, client_for):
    for browser, path in ((client, "/"), (client, "/help"), (client_for(alice), "/"), (client_for(alice), "/settings")):
        html = browser.get(path).get_data(as_text=True)
        header = html.split('<header class="site-header">')[1].split("</header>")[0]
        assert '<a class="ask-link" href="/ask-a-volunteer"' in header


def test_alices_question_without_javascript_reaches_maya_and_her_reply_reaches_alice(alice, maya, client_for, app):
    alice_browser = client_for(alice)
    form = page_text(alice_browser.get("/ask-a-volunteer"))
    assert "What do you need help with?" in form and "How should we reply?" in form
    response = alice_browser.post("/ask-a-volunteer", data={
        "body": "How do I find the memory café near Chester?", "reply_by": "kindred", "email": "", "phone": "", "call_time": ""})
    mine = page_text(alice_browser.get(response.headers["Location"]))
    assert "Thank you. A volunteer will read your message" in mine
    assert "How do I find the memory café near Chester?" in mine and "No reply yet." in mine

    maya_browser = client_for(maya)
    assert "Alice Morgan asked a volunteer for help." in page_text(maya_browser.get("/notifications"))
    inbox = page_text(maya_browser.get("/volunteers/help"))
    assert "Waiting for a volunteer Alice Morgan: How do I find the memory café near Chester?" in inbox
    request_id = db.session.scalar(sa.select(HelpRequest.id))
    maya_browser.post(f"/volunteers/help/{request_id}/claim")
    assert "Volunteers are helping Alice Morgan: How do I find" in page_text(maya_browser.get("/volunteers/help"))
    sent = maya_browser.post(f"/volunteers/help/{request_id}/reply", data={"body": "It is on Tuesdays at St Mary's Centre. I can show you."})
    assert "Your reply is sent to Alice Morgan." in page_text(maya_browser.get(sent.headers["Location"]))

    assert "Maya Patel, a volunteer, replied to your question." in page_text(alice_browser.get("/notifications"))
    assert "It is on Tuesdays at St Mary's Centre. I can show you." in page_text(alice_browser.get(f"/ask-a-volunteer/{request_id}"))
    (message,) = emails_to("alice@example.org", app)
    assert "It is on Tuesdays at St Mary's Centre." in email_text(message)
    assert "How do I find the memory café near Chester?" in email_text(message)

    maya_browser.post(f"/volunteers/help/{request_id}/close")
    assert db.session.get(HelpRequest, request_id).status == HelpStatus.CLOSED


def test_a_visitor_asks_with_an_email_address_and_gets_the_reply_by_email(client, maya, client_for, app):
    refused = client.post("/ask-a-volunteer", data={"body": "Is Kindred free?", "reply_by": "email", "email": ""})
    assert refused.status_code == 200
    text = page_text(refused)
    assert "Write your email address, so a volunteer can reply to you." in text
    assert "Is Kindred free?" in text  # nothing typed is lost
    response = client.post("/ask-a-volunteer", data={"body": "Is Kindred free?", "reply_by": "email", "email": "sam@example.org"})
    assert "Your message is with a volunteer" in page_text(client.get(response.headers["Location"]))

    request = db.session.scalar(sa.select(HelpRequest))
    assert request.member_id is None and request.email == "sam@example.org"
    client_for(maya).post(f"/volunteers/help/{request.id}/reply", data={"body": "Yes, Kindred is free for everyone."})
    (message,) = emails_to("sam@example.org", app)
    assert "Yes, Kindred is free for everyone." in email_text(message)


def test_a_phone_call_needs_a_number(client):
    response = client.post("/ask-a-volunteer", data={"body": "Please ring me", "reply_by": "phone", "email": "sam@example.org"})
    assert "Write the phone number we should call." in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_words_of_crisis_open_a_safety_case_and_show_the_support_lines(alice, maya, root, client_for, app):
    browser = client_for(alice)
    response = browser.post("/ask-a-volunteer", data={"body": "I can't cope any more, I want to end it all.", "reply_by": "kindred"})
    page = page_text(browser.get(response.headers["Location"]))
    assert "You are not alone." in page and "Samaritans" in page
    case = db.session.scalar(sa.select(Case).where(Case.content_type == "help_request"))
    assert case.urgency == Urgency.SAFETY and case.author_id == alice.id
    assert emails_to("root@example.org", app), "the safeguarding lead is emailed at once"
    assert "I want to end it all" in page_text(client_for(maya).get(f"/moderation/cases/{case.id}"))


def test_only_volunteers_see_the_inbox_and_only_alice_sees_her_question(alice, bob, maya, client_for, client):
    request = help_requests.ask(alice, "Where are my saved posts?", "kindred").request
    assert client_for(bob).get("/volunteers/help").status_code == 403
    assert client_for(bob).get(f"/volunteers/help/{request.id}").status_code == 403
    assert client_for(bob).get(f"/ask-a-volunteer/{request.id}").status_code == 404
    assert client.get("/volunteers/help").status_code == 302  # sign in first
    assert client_for(bob).post(f"/volunteers/help/{request.id}/reply", data={"body": "Hi"}).status_code == 403
    assert request.replies == []


def test_maya_sees_new_members_waiting_for_a_reply_oldest_first(alice, bob, maya, categories, client_for):  # noqa: F811
    welcome = categories["Welcome and introductions"]
    with time_machine.travel(utcnow() - timedelta(hours=30), tick=False):
        alices = forums.start_thread(alice, welcome, "Hello, I am Alice", "I was diagnosed last month.").thread
    with time_machine.travel(utcnow() - timedelta(hours=20), tick=False):
        forums.start_thread(bob, welcome, "Hello from Bob", "I care for my mum.")
        forums.start_thread(maya, welcome, "Maya here", "I am a volunteer.")
    forums.start_thread(bob, welcome, "Just now", "A second thread from Bob.")
    maya_browser = client_for(maya)

    waiting = page_text(maya_browser.get("/volunteers/help")).split("New members waiting for a reply")[1]
    assert waiting.index("Hello, I am Alice") < waiting.index("Hello from Bob")  # oldest first
    assert "Alice Morgan wrote this" in waiting and "Reply to Alice Morgan" in waiting
    assert "Maya here" not in waiting  # volunteers are not newcomers
    assert "Just now" not in waiting  # not a first post, and not 12 hours old

    forums.reply(maya, alices, "Welcome, Alice! I am glad you found us.")
    waiting = page_text(maya_browser.get("/volunteers/help")).split("New members waiting for a reply")[1]
    assert "Hello, I am Alice" not in waiting and "Hello from Bob" in waiting


def test_a_new_member_shows_new_to_kindred_for_a_month_and_can_turn_it_off(alice, bob, client_for):
    assert "New to Kindred" in page_text(client_for(bob).get(f"/members/{alice.id}"))
    with time_machine.travel(utcnow() + timedelta(days=31)):
        assert not help_requests.is_newcomer(alice)
    client_for(alice).post("/settings/listening", data={"speech_rate": "normal", "show_listen": "y"})
    assert "New to Kindred" not in page_text(client_for(bob).get(f"/members/{alice.id}"))


def test_only_volunteers_choose_how_they_hear_about_requests_for_help(alice, maya, client_for):
    assert "Someone asks a volunteer for help" not in page_text(client_for(alice).get("/settings/notifications"))
    assert "Someone asks a volunteer for help" in page_text(client_for(maya).get("/settings/notifications"))
    assert "A volunteer replies to your question" in page_text(client_for(alice).get("/settings/notifications"))


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ASK": "2 per hour"}])
def test_a_script_cannot_flood_the_volunteers_inbox(client):
    for number in range(2):
        assert client.post("/ask-a-volunteer", data={"body": f"Question {number}", "reply_by": "email", "email": "sam@example.org"}).status_code == 302
    response = client.post("/ask-a-volunteer", data={"body": "Question 3", "reply_by": "email", "email": "sam@example.org"})
    assert response.status_code == 429 and "Please wait a little" in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 2
    assert client.get("/ask-a-volunteer").status_code == 200  # reading the form is never limited


def test_alice_asks_in_welsh_and_maya_reads_the_request_in_english(alice, maya, client_for):
    """Each person reads in their own language: the form, its error and the answer page for Alice
    in Welsh; Maya's notification and inbox in English."""
    from app.models import Notification

    alice.language = "cy"
    db.session.commit()
    alice_browser = client_for(alice)
    form = page_text(alice_browser.get("/ask-a-volunteer"))
    assert "Gyda beth mae angen help arnoch chi?" in form and "Neges ar Kindred" in form
    empty = page_text(alice_browser.post("/ask-a-volunteer", data={"body": "", "reply_by": "kindred"}))
    assert "Ysgrifennwch gyda beth mae angen help arnoch chi, yn eich geiriau eich hun." in empty
    response = alice_browser.post("/ask-a-volunteer", data={"body": "Ble mae’r caffi cof?", "reply_by": "kindred"})
    mine = page_text(alice_browser.get(response.headers["Location"]))
    assert "Eich cwestiwn i wirfoddolwr" in mine and "Yn aros am wirfoddolwr." in mine
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == maya.id))
    assert note.message == "Alice Morgan asked a volunteer for help."
    assert "Waiting for a volunteer" in page_text(client_for(maya).get("/volunteers/help"))


def test_maya_reads_in_welsh_that_a_visitor_asked_for_help(client, maya, client_for):
    from app.models import Notification

    maya.language = "cy"
    db.session.commit()
    client.post("/ask-a-volunteer", data={"body": "How do I join?", "reply_by": "email", "email": "sam@example.org"})
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == maya.id))
    assert note.message == "Gofynnodd ymwelydd i wirfoddolwr am help."
    inbox = page_text(client_for(maya).get("/volunteers/help"))
    assert "Ymwelydd: How do I join?" in inbox and "Ffordd o ateb: e-bost." in inbox
