"""Forum news: a reply in a thread I follow, a mention of my name, reactions to my posts.
Each event tells exactly the right people once: never the author, never someone who blocked
the author, never someone who cannot read the thread."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Audience, Notification, Post, Role
from app.services import accounts, blocking, forums
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import CAST_PASSWORD, page_text


def _notes(member, kind=None):
    query = sa.select(Notification).where(Notification.user_id == member.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


def _carol():
    return accounts.register("Carol Jones", "carol@example.org", CAST_PASSWORD, Role.CARER, confirmed=True)


def test_a_reply_tells_every_follower_once_but_not_the_person_who_wrote_it(alice, bob, alices_thread, client_for):
    carol = _carol()
    forums.follow(carol, alices_thread)
    post = forums.reply(bob, alices_thread, "Biscuit sounds lovely. What colour is he?").post
    [to_alice] = _notes(alice)  # Alice follows her own thread
    [to_carol] = _notes(carol)
    assert to_alice.kind == "forum_reply"
    assert to_alice.message == "Bob Morgan replied in “Hello from Alice”, a thread you follow."
    assert to_alice.link.endswith(f"#post-{post.number}") and f"/threads/{alices_thread.id}" in to_alice.link
    assert to_carol.actor_id == bob.id
    assert _notes(bob) == []
    page = page_text(client_for(alice).get("/notifications"))
    assert "Bob Morgan replied in “Hello from Alice”" in page and "Notifications (1 new)" in page


def test_nobody_hears_from_someone_they_blocked(alice, bob, alices_thread):
    blocking.block(alice, bob)
    forums.reply(bob, alices_thread, "Hello again, Alice. I hope you are well.")
    assert _notes(alice, "forum_reply") == []


def test_a_follower_who_can_no_longer_read_the_category_is_not_told(alice, bob, welcome, alices_thread):
    welcome.read_audience = Audience.CARERS  # an administrator narrowed who may read it
    welcome.post_audience = Audience.CARERS
    db.session.commit()
    carol = _carol()
    forums.follow(carol, alices_thread)
    forums.reply(carol, alices_thread, "Carers only now, it seems. Hello Bob.")
    assert _notes(alice) == []  # Alice lives with dementia: this category is not for her any more


def test_a_mention_tells_the_person_named_once_even_when_they_follow_too(alice, bob, alices_thread):
    carol = _carol()
    forums.reply(carol, alices_thread, "Welcome Alice!")
    forums.reply(bob, alices_thread, "@alice morgan and @Carol Jones, shall we meet for tea?")
    [to_alice] = [note for note in _notes(alice) if note.actor_id == bob.id]  # (Carol's reply told her too)
    assert to_alice.kind == "forum_mention"
    assert to_alice.message == "Bob Morgan mentioned you in “Hello from Alice”."
    [to_carol] = _notes(carol)
    assert to_carol.kind == "forum_mention"


def test_a_mention_of_someone_who_never_posted_in_the_thread_creates_nothing(alice, bob, alices_thread, maya):
    forums.reply(bob, alices_thread, "Perhaps @Maya Patel could help with this?")
    assert _notes(maya) == []


def test_a_mention_of_someone_who_cannot_read_the_thread_creates_nothing(alice, bob, welcome, alices_thread):
    welcome.read_audience = Audience.CARERS
    welcome.post_audience = Audience.CARERS
    db.session.commit()
    forums.reply(bob, alices_thread, "@Alice Morgan would you like to know about this?")
    assert _notes(alice) == []


def test_reactions_are_gathered_into_one_notification_per_post_and_kind(alice, bob, alices_thread, maya):
    carol = _carol()
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id))
    forums.react(bob, post, "hug")
    [note] = _notes(alice, "forum_reaction")
    assert note.message == "1 person sent a hug on your post in “Hello from Alice”."
    forums.react(carol, post, "hug")
    forums.react(maya, post, "hug")
    [note] = _notes(alice, "forum_reaction")
    assert note.message == "3 people sent a hug on your post in “Hello from Alice”."
    forums.react(bob, post, "thank_you")
    assert len(_notes(alice, "forum_reaction")) == 2
    forums.react(alice, post, "me_too")  # her own reaction tells nobody
    assert len(_notes(alice, "forum_reaction")) == 2


def test_once_read_the_next_reaction_starts_a_new_notification(alice, bob, alices_thread):
    from app.services import notifications

    post = db.session.scalar(sa.select(Post).where(Post.thread_id == alices_thread.id))
    forums.react(bob, post, "hug")
    notifications.mark_all_read(alice)
    forums.react(_carol(), post, "hug")
    notes = _notes(alice, "forum_reaction")
    assert len(notes) == 2 and notes[-1].read_at is None
    assert notes[-1].message.startswith("2 people sent a hug")
