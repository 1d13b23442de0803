"""Reporting, the review queue, actions with reasons, and what everyone sees afterwards."""
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, CaseStatus, Notification, Post, PostStatus, Profile, Urgency
from app.services import forums, moderation, search
from app.services.errors import NotAllowed
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import emails_to, email_text, page_text
from tests.moderation_support import carol, case_for, dan, eve, give_standing  # noqa: F401


def eves_reply(eve, welcome, body="You are all idiots and I hate this place."):
    thread = forums.start_thread(eve, welcome, "Hello", "Just joined.").thread
    return forums.reply(eve, thread, body).post


def test_alice_reports_a_post_and_sees_a_thank_you(client_for, alice, eve, maya, welcome):
    post = eves_reply(eve, welcome)
    page = client_for(alice).get(f"/report/post/{post.id}")
    assert "Report this post" in page_text(page) and "It's unkind or rude" in page_text(page)
    response = client_for(alice).post(f"/report/post/{post.id}", data={"reason": "unkind", "words": "Rude to everyone"})
    assert response.status_code == 302
    thanks = client_for(alice).get(response.headers["Location"])
    assert "Thank you for your report" in page_text(thanks)
    case = case_for("post", post.id)
    assert case.status == CaseStatus.OPEN and [r.reporter_id for r in case.reports] == [alice.id]
    queue = page_text(client_for(maya).get("/moderation"))
    assert "Post 2 in “Hello”" in queue and "It's unkind or rude" in queue


def test_something_else_needs_words_and_what_was_written_is_kept(client_for, alice, eve, welcome):
    post = eves_reply(eve, welcome)
    page = client_for(alice).post(f"/report/post/{post.id}", data={"reason": "other", "words": ""})
    assert "Tell us in a few words what is wrong" in page_text(page)
    assert case_for("post", post.id) is None


def test_three_different_reporters_hide_the_post_until_a_moderator_decides(app, alice, bob, carol, eve, maya, welcome, client, client_for):
    post = eves_reply(eve, welcome)
    for member in (alice, bob, carol):
        give_standing(member, welcome)  # established members (tests/test_moderation_report_weights.py)
    for member in (alice, alice, bob):  # Alice twice counts once
        moderation.report(member, "post", post.id, "unkind")
    assert db.session.get(Post, post.id).status == PostStatus.VISIBLE
    moderation.report(carol, "post", post.id, "scam")
    post = db.session.get(Post, post.id)
    assert post.status == PostStatus.HIDDEN
    thread_url = f"/threads/{post.thread_id}"
    assert "I hate this place" not in page_text(client.get(thread_url))
    assert "I hate this place" not in page_text(client_for(bob).get(thread_url))
    eves_view = page_text(client_for(eve).get(thread_url))
    assert "I hate this place" in eves_view and "Hidden by a volunteer" in eves_view
    assert "I hate this place" in page_text(client_for(maya).get(thread_url))
    assert post.thread.post_count == 1


def test_safety_report_goes_to_the_top_and_emails_every_admin_at_once(app, alice, bob, eve, maya, root, welcome):
    older = eves_reply(eve, welcome)
    moderation.report(bob, "post", older.id, "unkind")
    worrying = forums.reply(eve, older.thread, "Nobody visits Mum any more.").post
    moderation.report(alice, "post", worrying.id, "safety", "I think her mum is alone and not eating")
    rows = moderation.queue(maya)
    assert [row.case.content_id for row in rows] == [worrying.id, older.id]
    assert rows[0].case.urgency == Urgency.SAFETY
    mail = emails_to(root.email)
    assert len(mail) == 1 and "safety worry" in mail[0]["Subject"].lower()
    assert "/moderation/cases/" in email_text(mail[0])


def test_maya_hides_a_post_with_a_reason_eve_and_the_reporter_are_told_and_it_is_logged(client_for, alice, eve, maya, welcome):
    post = eves_reply(eve, welcome)
    moderation.report(alice, "post", post.id, "unkind")
    case = case_for("post", post.id)
    maya_client = client_for(maya)
    page = page_text(maya_client.get(f"/moderation/cases/{case.id}"))
    assert "You are all idiots" in page and "Alice Morgan" in page and "Post 1" in page  # the thread around it
    response = maya_client.post(f"/moderation/cases/{case.id}/hide", data={"reason": "Please be kind to other members."})
    assert response.status_code == 302
    assert db.session.get(Post, post.id).status == PostStatus.HIDDEN
    eves_notes = [n.message for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == eve.id))]
    assert any("hid your post" in note and "Please be kind" in note for note in eves_notes)
    alices_notes = [n.message for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == alice.id))]
    assert any("a volunteer hid it" in note for note in alices_notes)
    assert "a volunteer hid it" in page_text(client_for(alice).get("/settings/reports"))
    history = page_text(client_for(eve).get("/settings/moderation-history"))
    assert "a volunteer hid it" in history and "Please be kind to other members." in history and "Appeal this decision" in history
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "hide_content"))
    assert entry.actor_id == maya.id and "Please be kind" in entry.reason


def test_a_reason_is_needed_for_hiding(client_for, alice, eve, maya, welcome):
    post = eves_reply(eve, welcome)
    moderation.report(alice, "post", post.id, "unkind")
    case = case_for("post", post.id)
    page = client_for(maya).post(f"/moderation/cases/{case.id}/hide", data={"reason": ""})
    assert "Write the reason" in page_text(page)
    assert db.session.get(Post, post.id).status == PostStatus.VISIBLE


def test_dismissing_a_report_restores_content_hidden_by_reports(app, alice, bob, carol, eve, maya, welcome):
    post = eves_reply(eve, welcome, "I disagree with the advice above.")
    for member in (alice, bob, carol):
        give_standing(member, welcome)
        moderation.report(member, "post", post.id, "unkind")
    assert db.session.get(Post, post.id).status == PostStatus.HIDDEN
    case = case_for("post", post.id)
    moderation.act(maya, case, "dismiss", "")
    assert db.session.get(Post, post.id).status == PostStatus.VISIBLE
    assert db.session.get(Post, post.id).thread.post_count == 2


def test_edit_with_a_note_and_delete(app, alice, eve, maya, welcome):
    post = eves_reply(eve, welcome, "Ring my friend Sue, she lives at 4 Elm Road.")
    moderation.report(alice, "post", post.id, "personal_details")
    moderation.act(maya, case_for("post", post.id), "edit", "We removed an address to keep Sue safe.",
                   new_text="Ring my friend Sue.")
    post = db.session.get(Post, post.id)
    assert post.body == "Ring my friend Sue." and post.moderation_note == "We removed an address to keep Sue safe."
    moderation.report(alice, "post", post.id, "unkind")
    moderation.act(maya, case_for("post", post.id), "delete", "Repeated after a warning.")
    assert db.session.get(Post, post.id).status == PostStatus.DELETED
    assert db.session.get(Post, post.id).thread.post_count == 1


def test_suspending_asks_for_confirmation_naming_the_member_and_the_date(client_for, alice, eve, maya, welcome):
    post = eves_reply(eve, welcome)
    moderation.report(alice, "post", post.id, "unkind")
    case = case_for("post", post.id)
    confirm = page_text(client_for(maya).post(f"/moderation/cases/{case.id}/suspend", data={"reason": "Abusive to members.", "days": "7"}))
    assert "Yes, suspend Eve Stone until" in confirm
    assert moderation.suspension_of(eve) is None
    client_for(maya).post(f"/moderation/cases/{case.id}/suspend", data={"reason": "Abusive to members.", "days": "7", "confirmed": "yes"})
    db.session.expire_all()
    assert moderation.suspension_of(db.session.get(type(eve), eve.id)) is not None


def test_a_moderator_cannot_act_on_their_own_content_or_see_its_case(client_for, alice, maya, welcome):
    thread = forums.start_thread(maya, welcome, "Volunteer hello", "Hello from Maya.").thread
    moderation.report(alice, "post", forums.first_post(thread).id, "unkind")
    case = case_for("post", forums.first_post(thread).id)
    assert case.id not in [row.case.id for row in moderation.queue(maya)]
    assert client_for(maya).get(f"/moderation/cases/{case.id}").status_code == 404
    response = client_for(maya).post(f"/moderation/cases/{case.id}/dismiss", data={"reason": "fine"})
    assert response.status_code == 404
    import pytest

    with pytest.raises(NotAllowed):
        moderation.act(maya, case, "dismiss", "")


def test_escalating_passes_the_case_to_the_admins(client_for, alice, eve, maya, root, welcome):
    post = eves_reply(eve, welcome, "My husband shouts at me every night.")
    moderation.report(alice, "post", post.id, "other", "Sounds worrying")
    case = case_for("post", post.id)
    client_for(maya).post(f"/moderation/cases/{case.id}/escalate", data={"reason": "Possible abuse at home."})
    db.session.refresh(case)
    assert case.escalated and case.urgency == Urgency.SAFETY and case.status == CaseStatus.OPEN
    assert any("safeguarding lead" in m["Subject"] for m in emails_to(root.email))
    import pytest

    with pytest.raises(NotAllowed):
        moderation.act(maya, case, "dismiss", "")
    moderation.act(root, case, "warn", "We have sent you some support information.")
    assert case.status == CaseStatus.RESOLVED


def test_search_thread_lists_and_counts_never_show_hidden_posts(app, alice, bob, carol, eve, maya, welcome, client, client_for):
    for member in (alice, bob, carol):
        give_standing(member, welcome)  # a thread each: their reports count towards hiding
    db.session.refresh(welcome)
    threads_before, posts_before = welcome.thread_count, welcome.post_count
    thread = forums.start_thread(eve, welcome, "Marmalade recipes", "My grandmother's marmalade recipe is the best.").thread
    reply = forums.reply(eve, thread, "Seville oranges make the finest marmalade.").post
    assert len(search.search(bob, "marmalade").results) == 2
    for member in (alice, bob, carol):
        moderation.report(member, "thread", thread.id, "scam")
    db.session.refresh(thread)
    assert thread.is_hidden
    for viewer in (None, bob, maya, eve):
        assert search.search(viewer, "marmalade").results == []
    assert "Marmalade recipes" not in page_text(client.get(f"/forums/{welcome.slug}"))
    assert "Marmalade recipes" not in page_text(client_for(bob).get(f"/forums/{welcome.slug}"))
    assert "Marmalade recipes" in page_text(client_for(eve).get(f"/forums/{welcome.slug}"))
    assert "Marmalade recipes" in page_text(client_for(maya).get(f"/forums/{welcome.slug}"))
    assert client_for(bob).get(f"/threads/{thread.id}").status_code == 404
    db.session.refresh(welcome)
    assert (welcome.thread_count, welcome.post_count) == (threads_before, posts_before + 1)  # the reply's count stays with its thread
    moderation.act(maya, case_for("thread", thread.id), "restore", "Checked: it is a real recipe.")
    db.session.refresh(welcome)
    assert (welcome.thread_count, welcome.post_count) == (threads_before + 1, posts_before + 2)
    assert len(search.search(bob, "marmalade").results) == 2
    assert reply.status == PostStatus.VISIBLE


def test_looking_at_the_report_page_for_a_profile_never_written_stores_nothing(client_for, alice, eve):
    """Eve never wrote a profile. Alice opening the report page writes nothing (no GET writes);
    her report stores Eve's profile, at its protective defaults, with the case."""
    assert db.session.get(Profile, eve.id) is None
    page = client_for(alice).get(f"/report/profile/{eve.id}")
    assert "Report this profile" in page_text(page)
    db.session.expire_all()
    assert db.session.get(Profile, eve.id) is None
    client_for(alice).post(f"/report/profile/{eve.id}", data={"reason": "unkind", "words": "Her name is an insult"})
    db.session.expire_all()
    assert db.session.get(Profile, eve.id) is not None
    assert [r.reporter_id for r in case_for("profile", eve.id).reports] == [alice.id]
