"""Alice's circle of support: both must agree, either can end it, and everything Bob does for
Alice is recorded for her to read. Bob can never act as Alice."""
import io
import json
import zipfile

import pytest

from app.extensions import db
from app.models import CircleStatus, OnBehalfAction
from app.services import circle, connections, notifications
from app.services.errors import Invalid, NotAllowed
from tests.helpers import page_text
from tests.people import new_member


def _link(alice, bob):
    link = circle.invite(alice, bob)
    return circle.accept(bob, link)


def test_alice_invites_bob_and_nothing_starts_until_he_agrees(alice, bob, client_for):
    alice_browser = client_for(alice)
    response = alice_browser.post(f"/members/{bob.id}/circle")
    assert "We have invited Bob Morgan into your circle of support. They need to agree." in page_text(alice_browser.get(response.headers["Location"]))
    assert not circle.acting_for(bob, alice)

    bob_browser = client_for(bob)
    assert "Alice Morgan has invited you into their circle of support." in page_text(bob_browser.get("/notifications"))
    page = page_text(bob_browser.get("/circle"))
    assert "Waiting for your answer" in page and "Yes, link with Alice Morgan" in page

    link = circle.link_between(alice, bob)
    bob_browser.post(f"/circle/{link.id}/accept")
    assert circle.acting_for(bob, alice)
    assert "Bob Morgan agreed: they are now in your circle of support." in page_text(alice_browser.get("/notifications"))
    assert "Bob Morgan , since" in page_text(alice_browser.get("/circle"))


def test_bob_asks_to_join_and_alice_must_agree(alice, bob, client_for):
    bob_browser = client_for(bob)
    profile = page_text(bob_browser.get(f"/members/{alice.id}"))
    assert "Ask to join Alice Morgan's circle of support" in profile
    bob_browser.post(f"/members/{alice.id}/circle")
    link = circle.link_between(alice, bob)
    assert link.status == CircleStatus.PENDING and link.requested_by_id == bob.id

    # Bob cannot agree on Alice's behalf.
    bob_browser.post(f"/circle/{link.id}/accept")
    assert not circle.acting_for(bob, alice)

    alice_browser = client_for(alice)
    assert "Bob Morgan would like to join your circle of support." in page_text(alice_browser.get("/circle"))
    alice_browser.post(f"/circle/{link.id}/accept")
    assert circle.acting_for(bob, alice)


def test_alice_can_say_no(alice, bob, client_for):
    link = circle.ask_to_join(bob, alice)
    client_for(alice).post(f"/circle/{link.id}/decline")
    assert circle.link_between(alice, bob) is None
    assert not circle.acting_for(bob, alice)


def test_only_a_member_living_with_dementia_can_have_a_circle(alice, bob, client_for):
    sam = new_member("Sam Jones")
    with pytest.raises(Invalid, match="Only a member living with dementia can have a circle of support"):
        circle.ask_to_join(bob, sam)
    with pytest.raises(Invalid):
        circle.invite(bob, sam)
    # Between two carers the profile offers no circle button at all.
    assert "circle of support" not in page_text(client_for(bob).get(f"/members/{sam.id}"))


@pytest.mark.parametrize("who_ends", ["alice", "bob"])
def test_either_person_ends_the_link_alone_after_a_confirmation_page(alice, bob, client_for, who_ends):
    link = _link(alice, bob)
    ender, other = (alice, bob) if who_ends == "alice" else (bob, alice)
    browser = client_for(ender)
    confirm = page_text(browser.get(f"/circle/{link.id}/end"))
    assert f"End the circle of support link with {other.display_name}?" in confirm
    assert "Yes, end the link" in confirm
    assert circle.acting_for(bob, alice)  # the page alone changes nothing

    response = browser.post(f"/circle/{link.id}/end")
    assert f"The circle of support link with {other.display_name} has ended." in page_text(browser.get(response.headers["Location"]))
    assert not circle.acting_for(bob, alice)
    assert f"{ender.display_name} ended the circle of support link between you." in page_text(client_for(other).get("/notifications"))


def test_everything_bob_does_for_alice_is_recorded_and_she_can_read_it(alice, bob, client_for):
    _link(alice, bob)
    circle.record_on_behalf(bob, alice, "rsvp", "Said yes to the memory café on Tuesday.")
    db.session.commit()

    alice_page = page_text(client_for(alice).get("/circle"))
    assert "Things done for you" in alice_page
    assert "Bob Morgan did this for you: Said yes to the memory café on Tuesday." in alice_page
    assert "Bob Morgan did this for you: Said yes to the memory café on Tuesday." in page_text(client_for(alice).get("/notifications"))
    [entry] = db.session.scalars(db.select(OnBehalfAction)).all()
    assert (entry.person_id, entry.carer_id, entry.action) == (alice.id, bob.id, "rsvp")


def test_nothing_can_be_done_for_alice_without_an_active_link(alice, bob):
    with pytest.raises(NotAllowed):
        circle.record_on_behalf(bob, alice, "rsvp", "Said yes.")
    circle.invite(alice, bob)  # pending is not enough
    with pytest.raises(NotAllowed):
        circle.record_on_behalf(bob, alice, "rsvp", "Said yes.")
    assert db.session.scalars(db.select(OnBehalfAction)).all() == []


def test_bob_sees_alices_notifications_while_linked_and_not_after(alice, bob, client_for):
    link = _link(alice, bob)
    maya_like = new_member("Sam Jones")
    connections.ask(maya_like, alice)
    bob_browser = client_for(bob)
    page = page_text(bob_browser.get("/circle"))
    assert "Alice Morgan's latest notifications" in page
    assert "Sam Jones would like to connect with you." in page

    circle.end(alice, link)
    assert "Sam Jones would like to connect with you." not in page_text(bob_browser.get("/circle"))


def test_acting_for_alice_gives_bob_no_access_to_her_account_or_settings(app, alice, bob, client_for):
    _link(alice, bob)
    bob_browser = client_for(bob)
    assert "alice@example.org" not in bob_browser.get("/settings").get_data(as_text=True)
    assert "bob@example.org" in page_text(bob_browser.get("/settings"))

    archive = zipfile.ZipFile(io.BytesIO(bob_browser.get("/settings/my-data/download").data))
    data = json.loads(archive.read("my-kindred-information.json"))
    assert data["account"]["email"] == "bob@example.org"
    assert "alice@example.org" not in archive.read("my-kindred-information.json").decode()

    bob_browser.post("/settings/display", data={"text_size": "largest", "colour_scheme": "cream"})
    assert (alice.text_size, bob.text_size) == ("standard", "largest")

    # No page for settings, account or data takes another member's id: there is nothing to point at Alice.
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/settings", "/notifications")):
            assert not rule.arguments - {"user_id"} or rule.endpoint == "static"
            if "user_id" in rule.arguments:
                assert rule.endpoint in {"settings.unblock", "settings.unmute"} and rule.methods >= {"POST"}

    # Bob cannot end Alice's connections or answer for her.
    request = connections.ask(new_member("Sam Jones"), alice)
    assert bob_browser.post(f"/connections/{request.id}/accept").status_code == 404
    assert not connections.are_connected(alice, request.requester)


def test_the_on_behalf_record_stays_with_alice_if_the_link_ends(alice, bob, client_for):
    link = _link(alice, bob)
    circle.record_on_behalf(bob, alice, "rsvp", "Said yes to the walk.")
    db.session.commit()
    circle.end(bob, link)
    assert "Bob Morgan did this for you: Said yes to the walk." in page_text(client_for(alice).get("/circle"))
    assert notifications.unread_count(alice) >= 1


def test_bob_reads_in_welsh_so_alices_invitation_reaches_him_in_welsh(alice, bob, client_for):
    bob.language = "cy"
    db.session.commit()
    alice_browser = client_for(alice)
    alice_browser.post(f"/members/{bob.id}/circle")
    # Alice's own page stays in English; the sentence stored for Bob is in his language.
    assert "We have invited Bob Morgan into your circle of support." in page_text(alice_browser.get("/circle"))
    bob_browser = client_for(bob)
    assert "Mae Alice Morgan wedi eich gwahodd i’w cylch cymorth." in page_text(bob_browser.get("/notifications"))
    page = page_text(bob_browser.get("/circle"))
    assert "Eich cylch cymorth" in page and "Ie, cysylltu â Alice Morgan" in page
