"""What reports do before a volunteer looks (issues 11 and 16): three brand-new accounts cannot hide
a thread; one or two reports leave a post visible while it waits; reporters with standing hide it at
the third; a first post that others replied to is never hidden by reports alone."""
import pytest

from app.extensions import db
from app.models import Post, PostStatus, Role
from app.services import accounts, forums, moderation
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import CAST_PASSWORD, page_text
from tests.moderation_support import carol, case_for, eve, give_standing  # noqa: F401


def _newcomer(n):
    return accounts.register(f"Newcomer {n}", f"new{n}@example.org", CAST_PASSWORD, Role.CARER, confirmed=True)


def test_three_brand_new_accounts_cannot_hide_alices_thread(client, alice, welcome, maya, client_for):  # noqa: F811
    thread = forums.start_thread(alice, welcome, "Our allotment", "The beans are up.").thread
    first = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.number == 1))
    for n in range(3):
        moderation.report(_newcomer(n), "post", first.id, "unkind")
    assert "The beans are up." in page_text(client.get(f"/threads/{thread.id}"))
    case = case_for("post", first.id)
    assert len(case.reports) == 3 and not case.hidden_by_reports
    assert "Our allotment" in page_text(client_for(maya).get("/moderation"))  # a volunteer still sees the reports


@pytest.mark.parametrize("reports, visible", [(1, True), (2, True), (3, False)])
def test_what_one_two_and_three_reports_from_established_members_do(client, alice, bob, carol, eve, welcome, reports, visible):  # noqa: F811
    thread = forums.start_thread(alice, welcome, "Hello", "Hello everyone.").thread
    post = forums.reply(eve, thread, "What a stupid question, just use Google.").post
    for member in (alice, bob, carol)[:reports]:
        give_standing(member, welcome)
        moderation.report(member, "post", post.id, "unkind", "Rude to everyone")
    visitor_sees = "What a stupid question, just use Google" in page_text(client.get(f"/threads/{thread.id}"))
    assert visitor_sees is visible
    case = case_for("post", post.id)
    assert len(case.reports) == reports and case.hidden_by_reports is (not visible)
    assert db.session.get(Post, post.id).status == (PostStatus.VISIBLE if visible else PostStatus.HIDDEN)


def test_a_first_post_that_others_replied_to_stays_until_a_volunteer_decides(client, alice, bob, carol, eve, welcome, client_for, maya):  # noqa: F811
    thread = forums.start_thread(eve, welcome, "Easy money", "Work from home and earn thousands.").thread
    forums.reply(alice, thread, "Is this real? My neighbour was caught by this.")
    first = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.number == 1))
    for member in (alice, bob, carol):
        give_standing(member, welcome)
        moderation.report(member, "post", first.id, "other", "A scam")
    page = page_text(client.get(f"/threads/{thread.id}"))
    assert "Is this real? My neighbour was caught by this." in page  # Alice's reply is not hidden with it
    case = case_for("post", first.id)
    assert not case.hidden_by_reports
    assert "other people have replied in the thread, so it stays until a volunteer decides" in page_text(client_for(maya).get(f"/moderation/cases/{case.id}"))


def test_reports_a_volunteer_dismissed_count_for_less_next_time(alice, bob, carol, eve, maya, welcome):  # noqa: F811
    for member in (alice, bob, carol):
        give_standing(member, welcome)
    assert moderation.reporter_weight(carol) == 1.0
    for n in range(2):
        thread = forums.start_thread(eve, welcome, f"Recipe {n}", "A lovely cake.").thread
        first = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.number == 1))
        moderation.report(carol, "post", first.id, "unkind")
        moderation.act(maya, case_for("post", first.id), "dismiss", "")
    assert moderation.reporter_weight(carol) == 0.0
    post = forums.reply(eve, forums.start_thread(alice, welcome, "Tea", "Tea time.").thread, "I like tea too.").post
    for member in (alice, bob, carol):
        moderation.report(member, "post", post.id, "unkind")
    assert db.session.get(Post, post.id).status == PostStatus.VISIBLE  # 1 + 1 + 0 is under 3


def test_a_newcomer_counts_nothing_towards_hiding_but_a_moderator_counts_enough(alice, maya, welcome):  # noqa: F811
    assert moderation.reporter_weight(_newcomer(1)) == 0.0
    assert moderation.reporter_weight(maya) == 3.0
    give_standing(alice, welcome, days=40, posts=10)
    assert moderation.reporter_weight(alice) == 1.5
