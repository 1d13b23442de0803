"""Alice blocks Eve. Eve cannot connect, cannot see Alice's members-only fields, and is never told."""
from app.models import CircleStatus
from app.services import blocking, circle, connections, notifications
from tests.helpers import page_text
from tests.people import new_member, write_profile


def _eve():
    return new_member("Eve Stone")


def test_alice_blocks_eve_after_a_confirmation_page_and_can_unblock_her(alice, client_for):
    eve = _eve()
    browser = client_for(alice)
    confirm = page_text(browser.get(f"/members/{eve.id}/block"))
    assert "Block Eve Stone?" in confirm and "We do not tell Eve Stone." in confirm
    assert not blocking.is_blocked(alice, eve)

    response = browser.post(f"/members/{eve.id}/block")
    listed = page_text(browser.get(response.headers["Location"]))
    assert "You have blocked Eve Stone. They have not been told." in listed
    assert "Unblock Eve Stone" in listed
    assert blocking.is_blocked(alice, eve) and not blocking.is_blocked(eve, alice)

    browser.post(f"/settings/blocked/{eve.id}/unblock")
    assert not blocking.is_blocked(alice, eve)
    assert "You have not blocked anyone." in page_text(browser.get("/settings/blocked"))


def test_eves_request_to_connect_goes_nowhere_and_looks_the_same_to_her(alice, bob, client_for):
    eve = _eve()
    blocking.block(alice, eve)
    eve_browser = client_for(eve)

    response = eve_browser.post(f"/members/{alice.id}/connect")
    eve_sees = page_text(eve_browser.get(response.headers["Location"]))
    bob_browser = client_for(bob)
    response = bob_browser.post(f"/members/{alice.id}/connect")
    bob_sees = page_text(bob_browser.get(response.headers["Location"]))
    for text in (eve_sees, bob_sees):
        assert "We have asked Alice Morgan if they would like to connect. We will tell you if they say yes." in text
        assert "You have asked to connect." in text
    # Word for word the same page Bob gets (apart from the names): nothing tells Eve.
    assert eve_sees.replace("Eve Stone", "NAME") == bob_sees.replace("Bob Morgan", "NAME")

    alice_browser = client_for(alice)
    assert "Eve Stone" not in page_text(alice_browser.get("/notifications"))
    requests = page_text(alice_browser.get("/connections"))
    assert "Bob Morgan" in requests and "Eve Stone" not in requests
    assert not connections.are_connected(alice, eve)


def test_eve_sees_only_what_alice_shares_with_everyone(alice, client_for):
    write_profile(alice, "members", about="I love my garden.", town="Chester")
    eve = _eve()
    eve_browser = client_for(eve)
    assert "I love my garden." in eve_browser.get(f"/members/{alice.id}").get_data(as_text=True)
    blocking.block(alice, eve)
    html = eve_browser.get(f"/members/{alice.id}").get_data(as_text=True)
    assert "I love my garden." not in html and "Chester" not in html
    assert "Alice Morgan" in html and "Ask to connect" in html
    assert "you have been blocked" not in html.lower() and "blocked you" not in html.lower()


def test_blocking_ends_a_connection_and_a_circle_of_support_link(alice, bob):
    connections.accept(alice, connections.ask(bob, alice))
    circle.accept(bob, circle.invite(alice, bob))
    blocking.block(alice, bob)
    assert not connections.are_connected(alice, bob)
    assert not circle.acting_for(bob, alice)
    assert "Alice" not in " ".join(note.message for note in notifications.recent_for(bob) if note.kind == "circle_ended")


def test_a_blocked_member_cannot_start_a_circle_link_with_the_blocker(alice, client_for):
    eve = _eve()
    blocking.block(alice, eve)
    eve_browser = client_for(eve)
    response = eve_browser.post(f"/members/{alice.id}/circle")
    assert "They need to agree." in page_text(eve_browser.get(response.headers["Location"]))
    assert "Eve Stone" not in page_text(client_for(alice).get("/circle"))
    assert "Eve Stone" not in page_text(client_for(alice).get("/notifications"))
    link = circle.link_between(alice, eve)
    assert link.status == CircleStatus.PENDING


def test_the_blocker_is_shown_the_block_on_the_profile_with_a_way_back(alice, client_for):
    eve = _eve()
    blocking.block(alice, eve)
    text = page_text(client_for(alice).get(f"/members/{eve.id}"))
    assert "You have blocked Eve Stone." in text
    assert "Ask to connect" not in text


def test_is_blocked_for_collapsing_posts(alice, bob):
    eve = _eve()
    blocking.block(alice, eve)
    assert blocking.is_blocked(alice, eve)
    assert not blocking.is_blocked(bob, eve)
    assert not blocking.is_blocked(None, eve)
    assert blocking.blocked_ids(alice) == {eve.id}


def test_posts_by_someone_alice_blocked_are_folded_away_for_her_only(alice, bob, root, client_for):
    from app.models import Audience
    from app.services import forums

    eve = new_member("Eve Stone")
    welcome = forums.save_category(root, "Welcome", "Say hello.", 0, Audience.EVERYONE, Audience.MEMBERS)
    thread = forums.start_thread(alice, welcome, "Hello from Alice", "I love my garden.").thread
    forums.reply(eve, thread, "You never listen to anyone, Alice.")
    blocking.block(alice, eve)

    alices_view = client_for(alice).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Show this post from a member you have blocked" in alices_view
    assert '<details class="post__collapsed">' in alices_view
    bobs_view = client_for(bob).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "You never listen to anyone, Alice." in bobs_view and "member you have blocked" not in bobs_view


def test_alice_mutes_eve_her_posts_fold_away_and_eve_sends_her_no_notifications(alice, bob, root, client_for):
    from app.models import Audience, Notification
    from app.services import forums
    import sqlalchemy as sa
    from app.extensions import db

    eve = new_member("Eve Stone")
    browser = client_for(alice)
    profile = page_text(browser.get(f"/members/{eve.id}"))
    assert "Mute Eve Stone" in profile
    reply = browser.post(f"/members/{eve.id}/mute", data={})
    assert "You have muted Eve Stone" in page_text(browser.get(reply.headers["Location"]))
    assert blocking.is_muted(alice, eve) and not blocking.is_blocked(alice, eve)

    welcome = forums.save_category(root, "Welcome", "Say hello.", 0, Audience.EVERYONE, Audience.MEMBERS)
    thread = forums.start_thread(alice, welcome, "Hello from Alice", "I love my garden.").thread
    forums.reply(eve, thread, "Look at my shop.")
    assert "Show this post from a member you have blocked or muted" in page_text(browser.get(f"/threads/{thread.id}"))
    # Eve still sees Alice's members-level profile and can connect: muting only quietens Eve for Alice.
    connections.ask(eve, alice)
    db.session.commit()
    assert not db.session.scalars(sa.select(Notification).where(Notification.user_id == alice.id, Notification.actor_id == eve.id)).all()
    assert "Eve Stone" in page_text(browser.get("/settings/blocked"))

    browser.post(f"/settings/muted/{eve.id}/unmute", data={})
    assert not blocking.is_muted(alice, eve)
    assert '<details class="post__collapsed">' not in browser.get(f"/threads/{thread.id}").get_data(as_text=True)
