"""Writing in the forums: threads, replies, quotes, bad input with the text kept, pressing twice,
editing with history, deleting with undo, reactions, following, saved posts and drafts."""
import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Draft, Post, Reaction, ThreadFollow
from app.services import forums
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import CAST_PASSWORD, page_text
from tests.people import new_member


def _bodies(thread):
    return list(db.session.scalars(sa.select(Post.body).where(Post.thread_id == thread.id).order_by(Post.number)))


def test_alice_starts_a_thread_and_bob_replies_with_a_quote(client_for, alice, bob, welcome):
    alice_client = client_for(alice)
    response = alice_client.post("/forums/welcome-and-introductions/new",
                                 data={"title": "  Hello   from Alice ", "body": "I love my **garden**."})
    page = alice_client.get(response.location)
    assert "Hello from Alice" in page_text(page)
    assert "<strong>garden</strong>" in page.get_data(as_text=True)
    thread_id = int(response.location.rsplit("/", 1)[1])

    bob_client = client_for(bob)
    first_post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread_id, Post.number == 1))
    quoted = bob_client.get(f"/threads/{thread_id}/reply?quote={first_post.id}")
    assert "Alice Morgan wrote: &gt; I love my **garden**." in " ".join(quoted.get_data(as_text=True).split())
    response = bob_client.post(f"/threads/{thread_id}/reply",
                               data={"body": "Alice Morgan wrote:\n\n> I love my garden.\n\nMe too, Mum!"})
    page = bob_client.get(response.location)
    assert "<blockquote>" in page.get_data(as_text=True)
    assert "Me too, Mum!" in page_text(page)
    assert "Your reply is posted." in page_text(page)


def test_bad_input_gets_a_clear_sentence_and_keeps_the_text(client_for, alice, alices_thread, welcome):
    client = client_for(alice)
    empty = client.post(f"/threads/{alices_thread.id}/reply", data={"body": "   "})
    assert "Error: Reply to" in page_text(empty)
    assert "Write something in your post before you post it." in page_text(empty)

    long_text = "word " * 20_000  # 100,000 characters
    too_long = client.post(f"/threads/{alices_thread.id}/reply", data={"body": long_text})
    assert "Your post is 99,999 characters long. Please keep it to 20,000 characters or fewer." in page_text(too_long)
    assert long_text.strip() in too_long.get_data(as_text=True)

    spaces = client.post("/forums/welcome-and-introductions/new", data={"title": "     ", "body": "My post is kept."})
    assert "Write a title for your thread, in a few words." in page_text(spaces)
    assert "My post is kept." in spaces.get_data(as_text=True)
    assert _bodies(alices_thread) == ["I love my garden and my cat, Biscuit."]


def test_starting_a_thread_where_you_may_not_keeps_the_text(client_for, bob, categories):
    response = client_for(bob).post("/forums/living-with-dementia/new", data={"title": "Hi", "body": "Carers see it differently"})
    text = page_text(response)
    assert "Only only people living with dementia" not in text
    assert "Only people living with dementia can start threads in Living with dementia." in text
    assert "Carers see it differently" in response.get_data(as_text=True)


def test_replying_to_a_deleted_thread_says_so_and_keeps_the_text(client_for, alice, bob, alices_thread):
    bob_client = client_for(bob)
    bob_client.get(f"/threads/{alices_thread.id}")  # Bob has the thread open...
    forums.delete_post(alice, db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id)))
    response = bob_client.post(f"/threads/{alices_thread.id}/reply", data={"body": "Lovely cat!"})
    assert "This thread has been deleted, so nobody can reply to it now. We have kept what you wrote." in page_text(response)
    assert "Lovely cat!" in response.get_data(as_text=True)


def test_pressing_post_reply_twice_posts_once(client_for, bob, alices_thread):
    client = client_for(bob)
    data = {"body": "Welcome, Mum!", "submission_key": "one-form-one-key"}
    first = client.post(f"/threads/{alices_thread.id}/reply", data=data)
    second = client.post(f"/threads/{alices_thread.id}/reply", data=data)
    assert first.location == second.location
    assert _bodies(alices_thread).count("Welcome, Mum!") == 1
    # Each new form gets its own key, so a second, deliberate reply is posted.
    page = client.get(f"/threads/{alices_thread.id}").get_data(as_text=True)
    assert 'name="submission_key"' in page and "one-form-one-key" not in page


def test_pressing_start_thread_twice_starts_one_thread(client_for, alice, welcome):
    client = client_for(alice)
    data = {"title": "Twice", "body": "Pressed twice", "submission_key": "thread-key"}
    assert client.post("/forums/welcome-and-introductions/new", data=data).location == \
        client.post("/forums/welcome-and-introductions/new", data=data).location
    assert page_text(client.get("/forums/welcome-and-introductions")).count("Twice") == 1


def test_gwen_writes_a_reply_in_welsh_and_it_is_marked_welsh_for_screen_readers(client_for, alice, alices_thread):
    """Gwen reads and writes Welsh more easily than English. She ticks "This post is in Welsh", so
    screen readers and Listen read her words in a Welsh voice, even on an English page."""
    gwen = new_member("Gwen Parry", "gwen")
    gwen_client = client_for(gwen)
    form = gwen_client.get(f"/threads/{alices_thread.id}/reply")
    assert "This post is in Welsh" in page_text(form)
    response = gwen_client.post(f"/threads/{alices_thread.id}/reply",
                                data={"body": "Croeso, Alice! Mae gen i gath hefyd.", "in_welsh": "y"})
    reply = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id, Post.number == 2))
    assert reply.language == "cy"
    page = gwen_client.get(response.location).get_data(as_text=True)
    assert re.search(r'<div[^>]* lang="cy"[^>]*>\s*<p>Croeso, Alice! Mae gen i gath hefyd.</p>', page)
    # Alice did not tick it: her post is not marked at all (we mark only what we are told).
    first = re.search(r'id="post-1">.*?(<div class="post__body[^>]*>)', page, re.S).group(1)
    assert "lang=" not in first

    # Editing keeps the box as she left it; unticking it takes the mark away.
    edit = gwen_client.get(f"/posts/{reply.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="in_welsh"', edit)
    gwen_client.post(f"/posts/{reply.id}/edit", data={"body": "Croeso, Alice! Mae gen i gath hefyd."})
    db.session.refresh(reply)
    assert reply.language is None


def test_editing_shows_edited_and_only_moderators_see_earlier_versions(client_for, alice, bob, maya, alices_thread):
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id))
    alice_client = client_for(alice)
    assert client_for(bob).get(f"/posts/{post.id}/edit").status_code == 403
    response = alice_client.post(f"/posts/{post.id}/edit", data={"body": "I love my garden and my two cats."})
    page = page_text(alice_client.get(response.location))
    assert "I love my garden and my two cats." in page and "(edited" in page
    assert "See earlier versions" not in page
    assert client_for(bob).get(f"/posts/{post.id}/history").status_code == 403
    assert "my cat, Biscuit" not in page_text(client_for(bob).get(f"/posts/{post.id}/history"))
    maya_client = client_for(maya)
    assert "See earlier versions" not in page_text(alice_client.get(f"/posts/{post.id}/actions"))
    assert "See earlier versions" in page_text(maya_client.get(f"/posts/{post.id}/actions"))
    history = page_text(maya_client.get(f"/posts/{post.id}/history"))
    assert "I love my garden and my cat, Biscuit." in history and "changed by Alice Morgan" in history


def test_deleting_asks_first_and_can_be_undone_for_ten_minutes(client_for, alice, bob, alices_thread):
    reply = forums.reply(bob, alices_thread, "See you at the café.").post
    client = client_for(bob)
    confirm = page_text(client.get(f"/posts/{reply.id}/delete"))
    assert "Are you sure you want to delete this post?" in confirm and "Yes, delete this post" in confirm

    start = datetime(2026, 3, 3, 14, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False) as traveller:
        response = client.post(f"/posts/{reply.id}/delete")
        deleted = page_text(client.get(response.location))
        assert "Your post has been deleted" in deleted and "Undo: bring my post back" in deleted
        assert "See you at the café." not in page_text(client.get(f"/threads/{alices_thread.id}"))

        traveller.shift(timedelta(minutes=9))
        response = client.post(f"/posts/{reply.id}/undo-delete")
        assert "Your post is back" in page_text(client.get(response.location))
        assert "See you at the café." in page_text(client.get(f"/threads/{alices_thread.id}"))

        client.post(f"/posts/{reply.id}/delete")
        traveller.shift(timedelta(minutes=11))
        assert "cannot be brought back" in page_text(client.get(f"/posts/{reply.id}/deleted"))
        client.post(f"/posts/{reply.id}/undo-delete")
        assert "See you at the café." not in page_text(client.get(f"/threads/{alices_thread.id}"))


def test_alice_cannot_delete_or_undo_bobs_post(client_for, alice, bob, alices_thread):
    reply = forums.reply(bob, alices_thread, "Bob's words").post
    assert client_for(alice).post(f"/posts/{reply.id}/delete").status_code == 403
    forums.delete_post(bob, reply)
    client_for(alice).post(f"/posts/{reply.id}/undo-delete")
    assert db.session.get(Post, reply.id).status.value == "deleted"


def test_reactions_are_counted_in_words_once_each_and_names_shown_on_request(client_for, alice, bob, maya, alices_thread):
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id))
    for member in (bob, maya):
        client_for(member).post(f"/posts/{post.id}/react", data={"kind": "hug"})
    client_for(bob).post(f"/posts/{post.id}/react", data={"kind": "thank_you"})
    page = page_text(client_for(alice).get(f"/threads/{alices_thread.id}"))
    assert "2 people sent a hug" in page and "1 person said thank you" in page
    who = page_text(client_for(alice).get(f"/posts/{post.id}/reactions"))
    assert "2 people sent a hug Bob Morgan Maya Patel" in who

    forums.react(bob, post, "me_too")
    forums.react(bob, post, "me_too")  # pressing again takes it back
    assert db.session.scalar(sa.select(sa.func.count()).where(Reaction.post_id == post.id, Reaction.user_id == bob.id)) == 2
    db.session.add(Reaction(post_id=post.id, user_id=bob.id, kind="HUG"))
    try:
        db.session.commit()
        raise AssertionError("a second hug from Bob was stored")
    except sa.exc.IntegrityError:
        db.session.rollback()


def test_replying_follows_the_thread_and_following_can_be_stopped(client_for, alice, bob, alices_thread):
    client = client_for(bob)
    forums.reply(bob, alices_thread, "Hello")
    assert "Stop following this thread" in page_text(client.get(f"/threads/{alices_thread.id}"))
    client.post(f"/threads/{alices_thread.id}/follow", data={"following": "no"})
    assert "Follow this thread" in page_text(client.get(f"/threads/{alices_thread.id}"))
    assert db.session.scalar(sa.select(ThreadFollow).where(ThreadFollow.user_id == bob.id)) is None


def test_saved_posts_page(client_for, alice, bob, alices_thread):
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id))
    client = client_for(bob)
    assert "You have not saved any posts yet." in page_text(client.get("/saved"))
    client.post(f"/posts/{post.id}/save", data={"saved": "yes"})
    client.post(f"/posts/{post.id}/save", data={"saved": "yes"})
    saved = page_text(client.get("/saved"))
    assert saved.count("Hello from Alice") == 1 and "my cat, Biscuit" in saved
    assert "Remove from saved posts" in page_text(client.get(f"/posts/{post.id}/actions"))


def test_saved_posts_are_paged_newest_saved_first(client_for, alice, bob, alices_thread):
    """Bob has saved 23 of Alice's replies over the weeks. His list shows the 20 he saved last; "Older"
    shows the first three he saved, and "Newer" takes him back."""
    replies = [forums.reply(alice, alices_thread, f"Tip number {n}.").post for n in range(1, 24)]
    client = client_for(bob)
    for reply in replies:
        client.post(f"/posts/{reply.id}/save", data={"saved": "yes"})
    first = client.get("/saved")
    assert re.findall(r"Tip number (\d+)\.", page_text(first)) == [str(n) for n in range(23, 3, -1)]
    older_link = re.search(r'<a href="(/saved\?older=[^"]+)" rel="next">Older</a>', first.get_data(as_text=True))
    older = client.get(older_link.group(1).replace("&amp;", "&"))
    assert re.findall(r"Tip number (\d+)\.", page_text(older)) == ["3", "2", "1"]
    assert "Older" not in page_text(older)
    newer_link = re.search(r'<a href="(/saved\?newer=[^"]+)" rel="prev">Newer</a>', older.get_data(as_text=True))
    assert re.findall(r"Tip number (\d+)\.", page_text(client.get(newer_link.group(1)))) == [str(n) for n in range(23, 3, -1)]


def test_save_draft_button_keeps_a_reply_on_the_server(client_for, bob, alices_thread):
    client = client_for(bob)
    client.post(f"/threads/{alices_thread.id}/reply", data={"body": "Half a thought", "save_draft": "yes"})
    page = client_for(bob).get(f"/threads/{alices_thread.id}")  # another device, later
    assert "We kept your unfinished reply" in page_text(page)
    assert "Half a thought</textarea>" in page.get_data(as_text=True)
    client.post(f"/threads/{alices_thread.id}/reply", data={"body": "A whole thought"})
    assert db.session.scalar(sa.select(Draft)) is None


def test_autosave_endpoint_saves_json_drafts_for_members_only(client, client_for, bob, alices_thread, welcome):
    response = client_for(bob).post("/drafts", json={"thread_id": alices_thread.id, "body": "Typing..."})
    assert response.get_json() == {"saved": True, "message": "Draft saved."}
    assert forums.get_draft(bob, thread=alices_thread).body == "Typing..."
    client_for(bob).post("/drafts", json={"category_id": welcome.id, "title": "New idea", "body": "..."})
    assert forums.get_draft(bob, category=welcome).title == "New idea"
    assert client.post("/drafts", json={"thread_id": alices_thread.id, "body": "x"}).status_code == 401


def test_a_reply_survives_an_expired_session(app, alice, bob, alices_thread):
    browser = app.test_client()
    browser.post("/sign-in", data={"email": bob.email, "password": CAST_PASSWORD})
    browser.get(f"/threads/{alices_thread.id}")
    browser.delete_cookie("kindred_session")  # weeks pass; the session is gone
    browser.delete_cookie("remember_token")
    response = browser.post(f"/threads/{alices_thread.id}/reply", data={"body": "Written while signed out"})
    text = page_text(response)
    assert "Please sign in again" in text and "Written while signed out" in text

    signed_in = browser.post("/sign-in", data={"email": bob.email, "password": CAST_PASSWORD, "next": f"/threads/{alices_thread.id}"})
    assert signed_in.location.endswith(f"/threads/{alices_thread.id}")
    page = browser.get(signed_in.location)
    assert "We kept what you wrote before you were signed out" in page_text(page)
    assert "Written while signed out</textarea>" in page.get_data(as_text=True)
    assert forums.get_draft(bob, thread=alices_thread).body == "Written while signed out"
