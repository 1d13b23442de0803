"""Bob and Alice connect: asking, the notification, accepting, declining and removing."""
from app.services import connections
from tests.helpers import page_text
from tests.people import new_member


def test_bob_asks_alice_to_connect_and_she_is_told(alice, bob, client_for):
    bob_browser = client_for(bob)
    response = bob_browser.post(f"/members/{alice.id}/connect")
    assert "We have asked Alice Morgan if they would like to connect." in page_text(bob_browser.get(response.headers["Location"]))
    assert "You have asked to connect." in page_text(bob_browser.get(f"/members/{alice.id}"))

    alice_browser = client_for(alice)
    home = page_text(alice_browser.get("/"))
    assert "Notifications (1 new)" in home
    notes = page_text(alice_browser.get("/notifications"))
    assert "Bob Morgan would like to connect with you." in notes
    requests = page_text(alice_browser.get("/connections"))
    assert "People who would like to connect with you" in requests and "Accept Bob Morgan" in requests


def test_alice_accepts_and_both_see_the_connection(alice, bob, client_for):
    request = connections.ask(bob, alice)
    alice_browser = client_for(alice)
    response = alice_browser.post(f"/connections/{request.id}/accept")
    assert "You are now connected with Bob Morgan." in page_text(alice_browser.get(response.headers["Location"]))
    assert connections.are_connected(alice, bob)

    bob_browser = client_for(bob)
    assert "Alice Morgan said yes: you are now connected." in page_text(bob_browser.get("/notifications"))
    assert "Remove Alice Morgan from your connections" in page_text(bob_browser.get("/connections"))
    assert "You are connected." in page_text(bob_browser.get(f"/members/{alice.id}"))


def test_asking_someone_who_already_asked_you_connects_you(alice, bob):
    connections.ask(bob, alice)
    connections.ask(alice, bob)
    assert connections.are_connected(alice, bob)


def test_pressing_ask_to_connect_twice_makes_one_request(alice, bob, client_for):
    bob_browser = client_for(bob)
    bob_browser.post(f"/members/{alice.id}/connect")
    bob_browser.post(f"/members/{alice.id}/connect")
    assert len(connections.overview(alice)["incoming"]) == 1
    assert page_text(client_for(alice).get("/notifications")).count("would like to connect") == 1


def test_alice_says_no_and_bob_is_not_told(alice, bob, client_for):
    request = connections.ask(bob, alice)
    alice_browser = client_for(alice)
    response = alice_browser.post(f"/connections/{request.id}/decline")
    assert "You said no to Bob Morgan. We have not told them." in page_text(alice_browser.get(response.headers["Location"]))
    assert connections.between(alice, bob) is None
    assert "Alice" not in page_text(client_for(bob).get("/notifications")).replace("Signed in as", "")


def test_bob_takes_back_his_request(alice, bob, client_for):
    request = connections.ask(bob, alice)
    bob_browser = client_for(bob)
    bob_browser.post(f"/connections/{request.id}/withdraw")
    assert connections.between(alice, bob) is None
    assert "Requests you have sent" not in page_text(bob_browser.get("/connections"))


def test_either_can_remove_a_connection_after_a_confirmation_page(alice, bob, client_for):
    connection = connections.accept(alice, connections.ask(bob, alice))
    alice_browser = client_for(alice)
    confirm = page_text(alice_browser.get(f"/connections/{connection.id}/remove"))
    assert "Remove Bob Morgan from your connections?" in confirm
    assert "Yes, remove Bob Morgan" in confirm and "No, go back" in confirm
    assert connections.are_connected(alice, bob)  # looking at the page changes nothing

    response = alice_browser.post(f"/connections/{connection.id}/remove")
    assert "Bob Morgan is no longer one of your connections." in page_text(alice_browser.get(response.headers["Location"]))
    assert not connections.are_connected(alice, bob)


def test_nobody_else_can_answer_or_remove_a_connection(alice, bob, client_for):
    connection = connections.ask(bob, alice)
    sam = client_for(new_member("Sam Jones"))
    assert sam.post(f"/connections/{connection.id}/accept").status_code == 404
    assert sam.get(f"/connections/{connection.id}/remove").status_code == 404
    # Bob cannot accept his own request either.
    bob_browser = client_for(bob)
    response = bob_browser.post(f"/connections/{connection.id}/accept")
    assert "There is no request to connect waiting for you here." in page_text(bob_browser.get(response.headers["Location"]))
    assert not connections.are_connected(alice, bob)


def test_nobody_can_connect_with_themself(alice, client_for):
    browser = client_for(alice)
    response = browser.post(f"/members/{alice.id}/connect")
    assert "You cannot connect with yourself." in page_text(browser.get(response.headers["Location"]))
