"""Two people chatting live in real browsers, and the same room used without JavaScript."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import sign_in_with_form

pytestmark = pytest.mark.browser


@pytest.fixture
def cuppa_path(site_app):
    from app.services import chat

    with site_app.app_context():
        return f"/chat/{chat.ensure_open_rooms()[0].id}"


def _open_room(context_factory, address, path, **options):
    page = context_factory(**options).new_page()
    sign_in_with_form(page, address)
    page.goto(path)
    return page


def _log(page):
    return page.get_by_role("log")


def test_alice_and_bob_chat_live_and_maya_joins_in_without_javascript(context_factory, cuppa_path):
    alice = _open_room(context_factory, "alice@example.org", cuppa_path)
    bob = _open_room(context_factory, "bob@example.org", cuppa_path)
    for page in (alice, bob):
        expect(page.locator("[data-chat-status]")).to_contain_text("Connected")
        expect(page.get_by_text("To send, press Enter or the Send message button. To start a new line, hold Shift and press Enter.")).to_be_visible()

    # Alice writes two lines (Shift+Enter) and sends with Enter.
    box = alice.get_by_label("Your message")
    box.fill("Good morning, Bob!")
    box.press("Shift+Enter")
    box.type("Lovely sunshine.")
    box.press("Enter")
    expect(_log(bob)).to_contain_text("Good morning, Bob!\nLovely sunshine.")
    expect(box).to_have_value("")
    expect(alice.locator("[data-chat-unsent]")).to_be_hidden()

    # Bob answers with the big Send button; Alice sees it without reloading.
    bob.get_by_label("Your message").fill("Morning, Mum. Kettle's on.")
    bob.get_by_role("button", name="Send message").click()
    expect(_log(alice)).to_contain_text("Morning, Mum. Kettle's on.")
    assert alice.url.endswith(cuppa_path)  # no page load happened

    # Who's here shows both of them.
    expect(alice.locator("[data-chat-here]")).to_contain_text("Bob Morgan")

    # Maya has JavaScript switched off: the plain form posts and the page comes back with her words.
    maya = _open_room(context_factory, "maya@example.org", cuppa_path, java_script_enabled=False)
    expect(_log(maya)).to_contain_text("Morning, Mum. Kettle's on.")
    maya.get_by_label("Your message").fill("Welcome both. No rush here.")
    maya.get_by_role("button", name="Send message").click()
    maya.wait_for_load_state()
    expect(_log(maya)).to_contain_text("Welcome both. No rush here.")
    expect(_log(alice)).to_contain_text("Welcome both. No rush here.")
    expect(_log(bob)).to_contain_text("Welcome both. No rush here.")


def test_a_reader_who_has_scrolled_up_is_not_moved_and_is_told_of_new_messages(context_factory, cuppa_path, site_app):
    from app.services import chat, accounts

    with site_app.app_context():
        site_app.config["CHAT_RATE_LIMITS_ENABLED"] = False
        room, hope = chat.ensure_open_rooms()[0], accounts.find_by_email("hope@example.org")
        for n in range(30):
            chat.post_message(hope, room, f"Upcoming event number {n}")
    alice = _open_room(context_factory, "alice@example.org", cuppa_path, viewport={"width": 1000, "height": 600})
    expect(alice.locator("[data-chat-status]")).to_contain_text("Connected")
    log = _log(alice)
    log.evaluate("el => { el.scrollTop = 0; }")

    bob = _open_room(context_factory, "bob@example.org", cuppa_path)
    expect(bob.locator("[data-chat-status]")).to_contain_text("Connected")
    for words in ("One", "Two", "Three"):
        bob.get_by_label("Your message").fill(f"Message {words}")
        bob.get_by_label("Your message").press("Enter")
        expect(bob.get_by_label("Your message")).to_have_value("")

    button = alice.get_by_role("button", name=re.compile("new messages — show them"))
    expect(button).to_have_text("3 new messages — show them")
    assert log.evaluate("el => el.scrollTop") == 0
    button.click()
    expect(button).to_be_hidden()
    assert log.evaluate("el => el.scrollHeight - el.scrollTop - el.clientHeight") < 50


CRISIS_WORDS = "I've been saving up my tablets. Everyone would be better off without me."


def test_without_javascript_the_support_lines_come_first_on_the_room_page(context_factory, cuppa_path):
    bob = _open_room(context_factory, "bob@example.org", cuppa_path, java_script_enabled=False)
    bob.get_by_label("Your message").fill(CRISIS_WORDS)
    bob.get_by_role("button", name="Send message").click(timeout=30000)
    expect(bob.get_by_role("alert")).to_contain_text("116 123")
    expect(bob.get_by_role("alert")).to_be_focused()
def test_in_live_chat_the_support_lines_appear_at_the_top_focused_at_once(context_factory, cuppa_path):
    # Bob writes words of crisis with JavaScript on: the acknowledgement carries the support lines
    # and chat.js shows them first on the page, focused and announced, without a page load.
    bob = _open_room(context_factory, "bob@example.org", cuppa_path)
    expect(bob.locator("[data-chat-status]")).to_contain_text("Connected")
    box = bob.get_by_label("Your message")
    box.fill(CRISIS_WORDS)
    box.press("Enter")
    alert = bob.get_by_role("alert")
    expect(alert).to_contain_text("116 123", timeout=30_000)
    expect(alert).to_be_focused()
    expect(_log(bob)).to_contain_text(CRISIS_WORDS)  # published: a crisis is never held back from friends


def _stored_with_body(site_app, words):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Message

    with site_app.app_context():
        found = db.session.scalars(sa.select(Message.id).where(Message.body == words)).all()
        db.session.remove()
        return found


def test_a_message_the_server_cannot_store_yet_stays_marked_not_sent_yet_and_goes_once(context_factory, cuppa_path, site, site_app):
    import sqlite3
    import time

    alice = _open_room(context_factory, "alice@example.org", cuppa_path)
    bob = _open_room(context_factory, "bob@example.org", cuppa_path)
    for page in (alice, bob):
        expect(page.locator("[data-chat-status]")).to_contain_text("Connected")
    words = "Shall we meet at the library at two?"

    # Something else holds the database's write lock (a long backup, a migration): the server
    # cannot store anything, so it answers "not sent yet" and the screen keeps trying.
    lock = sqlite3.connect(site.database_url.removeprefix("sqlite:///"), isolation_level=None, timeout=10)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        box = alice.get_by_label("Your message")
        box.fill(words)
        box.press("Enter")
        unsent = alice.locator("[data-chat-unsent]")
        expect(unsent).to_be_visible(timeout=15_000)
        expect(unsent).to_have_text("Not sent yet. Your words are kept here and we will keep trying to send them.")
        expect(box).to_have_value(words)  # nothing typed is lost
        time.sleep(3)  # at least one more try, still refused
        expect(unsent).to_be_visible()
        assert _stored_with_body(site_app, words) == []
    finally:
        lock.execute("ROLLBACK")
        lock.close()

    # The database is free again: the next try goes, with the same label, and is stored once.
    expect(_log(bob)).to_contain_text(words, timeout=30_000)
    expect(unsent).to_be_hidden()
    expect(box).to_have_value("")
    expect(_log(alice)).to_contain_text(words)
    assert len(_stored_with_body(site_app, words)) == 1
    assert _log(bob).get_by_text(words).count() == 1


def test_a_screen_that_missed_a_message_asks_for_exactly_that_one(context_factory, cuppa_path, site_app):
    import json

    from app.models import Message
    from app.services import accounts, chat

    alice = context_factory().new_page()
    sign_in_with_form(alice, "alice@example.org")
    asked = []

    def watch(socket):
        def sent(payload):
            if isinstance(payload, str) and '"fetch"' in payload:
                asked.append(json.loads(payload[payload.index("["):])[1]["seqs"])

        socket.on("framesent", sent)

    alice.on("websocket", watch)
    alice.goto(cuppa_path)
    expect(alice.locator("[data-chat-status]")).to_contain_text("Connected")

    # Hope's message is stored but its live delivery never reaches Alice (a dropped packet).
    with site_app.app_context():
        room, hope = chat.ensure_open_rooms()[0], accounts.find_by_email("hope@example.org")
        lost = chat.store_seed_message(hope, room, Message(room_id=room.id, author_id=hope.id, body="Coffee morning moved to Thursday."))
        lost_seq = lost.room_seq
        from app.extensions import db

        db.session.remove()

    bob = _open_room(context_factory, "bob@example.org", cuppa_path)
    expect(bob.locator("[data-chat-status]")).to_contain_text("Connected")
    bob.get_by_label("Your message").fill("Thanks Hope, noted.")
    bob.get_by_label("Your message").press("Enter")

    # Alice sees Bob's message, notices the number before it never came, and asks for just that one.
    expect(_log(alice)).to_contain_text("Thanks Hope, noted.")
    expect(_log(alice)).to_contain_text("Coffee morning moved to Thursday.")
    assert asked == [[lost_seq]]
    texts = _log(alice).locator(".chat-message__body").all_inner_texts()
    assert texts.index("Coffee morning moved to Thursday.") == texts.index("Thanks Hope, noted.") - 1
