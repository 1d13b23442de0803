"""Words and small page details members met: each sentence reads as plain English, nothing technical
shows, and small things browsers ask for (the icon) are there."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.formatting import time_tag
from app.models import MeetupDraft, Post
from app.services import forums, meetups, watched_words
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import email_text, emails_to, page_text
from tests.meetups_support import hope_dementia_care, list_meetup

LONDON = ZoneInfo("Europe/London")


def test_bob_sends_a_hug_and_is_told_so_in_plain_words(client_for, bob, alices_thread):
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id))
    client = client_for(bob)
    page = page_text(client.post(f"/posts/{post.id}/react", data={"kind": "hug"}, follow_redirects=True))
    assert "You sent a hug." in page and "You gave your" not in page
    page = page_text(client.post(f"/posts/{post.id}/react", data={"kind": "hug"}, follow_redirects=True))
    assert "You took back your hug." in page


def test_a_meetup_round_the_corner_is_less_than_1_mile_away(client, hope, root):
    list_meetup(hope, hope_dementia_care(hope, root), title="Chester café", town="Chester", postcode="CH1 1AA")
    text = page_text(client.get("/meetups?filter=1&near=CH1+1AA&miles=5"))
    assert "(less than 1 mile away)" in text and "about less" not in text


def test_the_support_lines_say_call_999_once():
    sentence = watched_words.support_sentence()
    assert "If you are in danger now: call 999" in sentence and "999: 999" not in sentence


def test_the_privacy_page_names_the_your_information_page(client):
    text = page_text(client.get("/privacy"))
    assert "on the Your information page" in text and "the your information" not in text


def test_the_reminder_email_puts_each_detail_on_its_own_line(app, alice, hope, root):
    cafe = list_meetup(hope, hope_dementia_care(hope, root), postcode="CH1 1QQ")
    meetups.rsvp(alice, cafe, companions=1)
    day = cafe.starts_at.astimezone(LONDON).date()
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, 5, tzinfo=LONDON) - timedelta(days=1)):
        assert meetups.send_reminders() == 1
    lines = email_text(emails_to("alice@example.org")[-1]).splitlines()
    assert "Where: St Mary's Centre, 1 Bridge Street, Chester, CH1 1QQ" in lines
    assert "Phone on the day: 07700 900123" in lines
    assert "You said 1 companion will come with you." in lines


def test_an_empty_choice_in_the_listing_form_says_what_to_do(client_for, hope, root):
    hope_dementia_care(hope, root)
    browser = client_for(hope)
    browser.post("/meetups/new", data={})
    draft = db.session.scalars(sa.select(MeetupDraft).where(MeetupDraft.author_id == hope.id)).first()
    page = page_text(browser.post(f"/meetups/drafts/{draft.id}/step-1", data={"title": "Memory café", "description": "Tea."}))
    assert "Choose whether the meet-up is free or costs something." in page
    assert "Not a valid choice" not in page
    page = page_text(browser.post(f"/meetups/drafts/{draft.id}/step-3", data={}))
    assert "Choose how people take part: in person, online or by phone, or both." in page
    assert "Not a valid choice" not in page


def test_a_visitor_is_not_told_about_new_replies(client, client_for, alice, bob, alices_thread):
    for words in ("Lovely!", "What a garden.", "Biscuit is a good name."):
        forums.reply(bob, alices_thread, words)
    visitor = page_text(client.get("/forums/welcome-and-introductions"))
    assert "Hello from Alice" in visitor and "new repl" not in visitor
    # Alice has read her thread up to her own first post: she is told about the three replies.
    assert "3 new replies" in page_text(client_for(alice).get("/forums/welcome-and-introductions"))


class TestAStaleForm:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_what_you_wrote_shows_only_the_words_never_the_forms_keys(self, app, bob, alices_thread):
        import re

        from tests.helpers import CAST_PASSWORD

        browser = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', browser.get("/sign-in").get_data(as_text=True)).group(1)
        browser.post("/sign-in", data={"email": bob.email, "password": CAST_PASSWORD, "csrf_token": token})
        key = "3f9a0c2e7b1d4a6f8e2c5b7a9d0e1f3a"
        page = browser.post(f"/threads/{alices_thread.id}/reply", data={
            "body": "Welcome, Mum! The garden looks lovely.", "submission_key": key, "csrf_token": "stale"})
        text = page_text(page)
        assert "What you wrote" in text and "Welcome, Mum! The garden looks lovely." in text
        assert key not in text
        assert f'value="{key}"' in page.get_data(as_text=True)  # still sent again, so a second press is one post


def test_times_in_pages_have_whole_seconds():
    html = str(time_tag(datetime(2026, 12, 8, 14, 30, 5, 123456, tzinfo=timezone.utc)))
    assert 'datetime="2026-12-08T14:30:05+00:00"' in html


def test_the_site_has_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_card_lists_never_need_more_than_the_screen_is_wide():
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "app" / "static" / "css" / "kindred.css").read_text()
    assert "minmax(min(14rem, 100%), 1fr)" in css and "minmax(14rem, 1fr)" not in css


def test_approving_a_volunteer_says_moderator_powers_come_separately(client_for, root):
    from tests.browser.url_examples import waiting_volunteer

    vera = waiting_volunteer()
    text = page_text(client_for(root).get(f"/admin/approvals/{vera.id}"))
    assert "Approving a volunteer does not make them a moderator" in text
    assert "its meet-ups are published straight away once you verify that page" in text


def test_pages_about_two_posts_have_titles_that_tell_them_apart(client_for, alice, bob, maya, alices_thread):
    import re

    second = forums.reply(alice, alices_thread, "And the roses are out.").post
    first = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id, Post.number == 1))

    def title(browser, path):
        return re.search(r"<title>(.*?)</title>", browser.get(path).get_data(as_text=True)).group(1)

    bob_browser, alice_browser, maya_browser = client_for(bob), client_for(alice), client_for(maya)
    assert title(bob_browser, f"/report/post/{first.id}") == "Report post 1 in “Hello from Alice” – Kindred"
    assert title(bob_browser, f"/report/post/{second.id}") == "Report post 2 in “Hello from Alice” – Kindred"
    assert title(alice_browser, f"/posts/{second.id}/edit") == "Edit your post in “Hello from Alice” – Kindred"
    assert title(maya_browser, f"/posts/{second.id}/history") == "Earlier versions of post 2 in “Hello from Alice” – Kindred"
    assert title(alice_browser, f"/posts/{first.id}/reactions") != title(alice_browser, f"/posts/{second.id}/reactions")



def test_kindred_served_under_a_charitys_own_address_links_within_it(app):
    """Templates remember the addresses they built (app/templating.py): the same site served under
    /kindred on a charity's own web address (the WSGI server's SCRIPT_NAME) and at the root each
    get their own links, however many pages came before."""
    url_for = app.jinja_env.globals["url_for"]
    for _ in range(2):
        with app.test_request_context("/help"):
            assert url_for("main.help") == "/help"
            assert url_for("forums.thread", thread_id=7, page=2) == "/threads/7?page=2"
        with app.test_request_context("/help", environ_overrides={"SCRIPT_NAME": "/kindred"}):
            assert url_for("main.help") == "/kindred/help"
            assert url_for("forums.thread", thread_id=7, page=2) == "/kindred/threads/7?page=2"
            assert url_for("forums.thread", thread_id=7, _anchor="reply") == "/kindred/threads/7#reply"
