"""Prevention: new members' first posts and links wait for approval; the watched words act on every
kind of writing (posts, thread titles, profiles, meet-ups) through one check."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, MeetupStatus, Post, PostStatus, ReportReason, Urgency
from app.services import forums, moderation, profiles, search
from app.services.errors import Invalid
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import emails_to, page_text
from tests.moderation_support import case_for, eve  # noqa: F401
from tests.people import write_profile


@pytest.fixture
def app_overrides():
    return {"MODERATION_FIRST_POSTS_HELD": 2, "MODERATION_LINK_TRUSTED_AFTER": 5}


def test_a_new_members_first_two_posts_wait_and_only_she_and_moderators_see_them(client, client_for, alice, bob, maya, welcome):
    thread = forums.start_thread(alice, welcome, "Hello, I am new", "I was diagnosed last spring and I love gardening.").thread
    assert forums.first_post(thread).status == PostStatus.HELD and thread.is_hidden
    db.session.refresh(welcome)
    assert welcome.thread_count == 0 and welcome.post_count == 0
    assert "Hello, I am new" not in page_text(client.get(f"/forums/{welcome.slug}"))
    assert client_for(bob).get(f"/threads/{thread.id}").status_code == 404
    alices_page = page_text(client_for(alice).get(f"/threads/{thread.id}"))
    assert "I love gardening" in alices_page and "A volunteer will check this soon" in alices_page
    assert "I love gardening" in page_text(client_for(maya).get(f"/threads/{thread.id}"))
    assert search.search(bob, "gardening").results == []
    case = case_for("post", forums.first_post(thread).id)
    assert case.held_for_approval and "first 2 posts" in case.summary
    moderation.act(maya, case, "approve", "")
    db.session.refresh(welcome)
    assert welcome.thread_count == 1 and welcome.post_count == 1
    assert "I love gardening" in page_text(client_for(bob).get(f"/threads/{thread.id}"))
    assert len(search.search(bob, "gardening").results) == 1


def test_the_author_is_told_gently_when_posting(client_for, alice, welcome):
    response = client_for(alice).post(f"/forums/{welcome.slug}/new", data={"title": "Hi all", "body": "Hello from Chester."}, follow_redirects=True)
    assert "A volunteer will check this soon" in page_text(response)


def test_after_two_approved_posts_she_posts_straight_away_but_links_wait_until_five(alice, maya, welcome):
    thread = forums.start_thread(alice, welcome, "Hello", "First post.").thread
    moderation.act(maya, case_for("post", forums.first_post(thread).id), "approve", "")
    second = forums.reply(alice, thread, "Second post.").post
    moderation.act(maya, case_for("post", second.id), "approve", "")
    third = forums.reply(alice, thread, "Third post, straight away.").post
    assert third.status == PostStatus.VISIBLE
    with_link = forums.reply(alice, thread, "This helped me: https://example.org/day-clocks").post
    assert with_link.status == PostStatus.HELD
    assert "link" in case_for("post", with_link.id).summary
    db.session.refresh(thread)
    assert thread.post_count == 3  # the held reply is not counted


def test_moderators_are_trusted(maya, welcome):
    thread = forums.start_thread(maya, welcome, "Welcome everyone", "See https://example.org for help.").thread
    assert forums.first_post(thread).status == PostStatus.VISIBLE


# ---- The watched words on posts -------------------------------------------------------------------


@pytest.fixture
def trusted_alice(app, alice, welcome):
    app.config["MODERATION_FIRST_POSTS_HELD"] = 0
    app.config["MODERATION_LINK_TRUSTED_AFTER"] = 0
    return alice


def test_a_phone_number_is_held_and_the_author_is_told_why(client_for, trusted_alice, bob, welcome):
    thread = forums.start_thread(trusted_alice, welcome, "Lunch club", "Anyone near Chester?").thread
    response = client_for(trusted_alice).post(f"/threads/{thread.id}/reply", data={"body": "Ring me on 0 7 7 0 0 9 0 0 1 2 3"}, follow_redirects=True)
    text = page_text(response)
    assert "A volunteer will check this soon" in text and "phone number" in text
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.number == 2))
    assert post.status == PostStatus.HELD
    assert "0 7 7 0 0" not in page_text(client_for(bob).get(f"/threads/{thread.id}"))


def test_a_blocked_word_stops_the_post_and_keeps_the_text(client_for, trusted_alice, root, welcome):
    from app.services import watched_words

    watched_words.save(root, label="Cure claims", pattern="miracle cure", kind="word", action="block",
                       message="Please do not promise cures for dementia.")
    with pytest.raises(Invalid) as raised:
        forums.start_thread(trusted_alice, welcome, "Great news", "I found a M1racle  cure!")
    assert "Please do not promise cures" in raised.value.message
    page = client_for(trusted_alice).post(f"/forums/{welcome.slug}/new", data={"title": "Great news", "body": "I found a miracle cure!"})
    assert "Please do not promise cures" in page_text(page) and "I found a miracle cure!" in page.get_data(as_text=True)


def test_money_requests_are_held_and_reported_as_an_urgent_scam(trusted_alice, bob, maya, welcome):
    thread = forums.start_thread(trusted_alice, welcome, "Hello", "Hi.").thread
    post = forums.reply(bob, thread, "Could you send me £200 by bank transfer? I will pay you back.").post
    assert post.status == PostStatus.HELD  # nobody else sees it until a volunteer decides
    case = case_for("post", post.id)
    assert ReportReason.SCAM in [r.reason for r in case.reports] and case.reports[0].reporter_id is None
    assert case.urgency == Urgency.URGENT
    assert case.id in [row.case.id for row in moderation.queue(maya)]


def test_words_of_crisis_publish_show_support_lines_and_raise_a_safety_case(client_for, trusted_alice, root, welcome):
    thread = forums.start_thread(trusted_alice, welcome, "Hard day", "Today was hard.").thread
    response = client_for(trusted_alice).post(f"/threads/{thread.id}/reply", data={"body": "Honestly there's no point going on."}, follow_redirects=True)
    text = page_text(response)
    assert "Samaritans" in text and "116 123" in text and "no point going on" in text
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.number == 2))
    assert post.status == PostStatus.VISIBLE
    case = case_for("post", post.id)
    assert case.urgency == Urgency.SAFETY
    assert len(emails_to(root.email)) == 1


def test_a_thread_title_is_checked_too(trusted_alice, welcome):
    thread = forums.start_thread(trusted_alice, welcome, "Call me 07700 900123", "About the lunch club.").thread
    assert forums.first_post(thread).status == PostStatus.HELD


def test_editing_a_post_is_checked(trusted_alice, welcome):
    thread = forums.start_thread(trusted_alice, welcome, "Hello", "Hi there.").thread
    forums.edit_post(trusted_alice, forums.first_post(thread), "Email me at alice.m@example.com")
    assert forums.first_post(thread).status == PostStatus.HELD and thread.is_hidden


# ---- Profiles and meet-ups --------------------------------------------------------------------------


def test_profile_text_with_a_phone_number_is_seen_only_by_the_member_until_approved(client_for, trusted_alice, bob, maya):
    write_profile(trusted_alice, about="Call me on 07700 900123 for a chat", town="Chester")
    db.session.expire_all()
    own = page_text(client_for(trusted_alice).get(f"/members/{trusted_alice.id}"))
    assert "07700 900123" in own and "A volunteer will check it soon" in own
    others = page_text(client_for(bob).get(f"/members/{trusted_alice.id}"))
    assert "07700 900123" not in others and "Chester" not in others and "Alice Morgan" in others
    assert profiles.directory(bob, "Chester").total == 0
    moderation.act(maya, case_for("profile", trusted_alice.id), "approve", "")
    assert "07700 900123" in page_text(client_for(bob).get(f"/members/{trusted_alice.id}"))


def test_a_blocked_word_in_a_profile_explains_and_saves_nothing(trusted_alice, root):
    from app.services import watched_words

    watched_words.save(root, label="Selling", pattern="buy my book", kind="word", action="block", message="Please do not advertise here.")
    with pytest.raises(Invalid) as raised:
        write_profile(trusted_alice, about="Buy my book on Amazon")
    assert "Please do not advertise here." in raised.value.message


def test_a_meetup_description_with_a_phone_number_is_held_for_a_verified_partner_too(app, hope, root, maya):
    from tests.meetups_support import hope_dementia_care, list_meetup

    org = hope_dementia_care(hope, root)
    meetup = list_meetup(hope, org, description="Tea and cake. Ring 07700 900123 to book.")
    assert meetup.status == MeetupStatus.AWAITING_APPROVAL
    case = case_for("meetup", meetup.id)
    assert case.held_for_approval
    moderation.act(maya, case, "approve", "")
    assert meetup.status == MeetupStatus.PUBLISHED
    plain = list_meetup(hope, org, title="Coffee morning")  # the contact phone field is not checked
    assert plain.status == MeetupStatus.PUBLISHED


def test_an_organisers_message_with_bank_details_is_not_sent(app, hope, root):
    from app.services import meetups
    from tests.meetups_support import hope_dementia_care, list_meetup

    meetup = list_meetup(hope, hope_dementia_care(hope, root))
    with pytest.raises(Invalid) as raised:
        meetups.message_everyone(hope, meetup, "Pay the £5 to sort code 20-45-67, account 12345678.")
    assert "has not been sent" in raised.value.message
