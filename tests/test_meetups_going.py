"""Going to meet-ups: places, companions, the waiting list and the last place taken at once."""
import threading

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Meetup, Role, Rsvp, RsvpStatus
from app.services import accounts, meetups
from app.services.errors import NotAllowed
from tests.helpers import CAST_PASSWORD, email_text, emails_to, page_text
from tests.meetups_support import hope_dementia_care, list_meetup


@pytest.fixture
def cafe(hope, root):
    return list_meetup(hope, hope_dementia_care(hope, root), capacity="3")


def _member(name):
    handle = name.split()[0].lower()
    return accounts.register(name, f"{handle}@example.org", CAST_PASSWORD, Role.CARER, confirmed=True)


def test_alice_says_she_is_going_and_sees_the_phone_for_the_day(client_for, alice, cafe):
    as_alice = client_for(alice)
    assert "I'm going" in page_text(as_alice.get(f"/meetups/{cafe.id}"))
    response = as_alice.post(f"/meetups/{cafe.id}/going", data={"companions": "1"}, follow_redirects=True)
    text = page_text(response)
    assert "You are going to Memory café" in text
    assert "You are going with 1 companion" in text
    assert "07700 900123" in text
    assert "1 of 3 left" in text  # Alice and her companion take two places
    assert db.session.scalar(sa.select(Rsvp.acted_by_id)) == alice.id


def test_pressing_im_going_twice_keeps_one_place(client_for, alice, cafe):
    as_alice = client_for(alice)
    as_alice.post(f"/meetups/{cafe.id}/going", data={"companions": "0"})
    as_alice.post(f"/meetups/{cafe.id}/going", data={"companions": "0"})
    assert db.session.scalar(sa.select(sa.func.count(Rsvp.id))) == 1
    db.session.refresh(cafe)
    assert cafe.places_taken == 1


def test_when_full_people_join_the_waiting_list_and_move_up_in_order(client_for, alice, bob, cafe):
    carol, dev, emma = _member("Carol Jones"), _member("Dev Shah"), _member("Emma Hill")
    meetups.rsvp(alice, cafe, companions=1)  # two places
    meetups.rsvp(carol, cafe)  # the third: now full
    assert "Join the waiting list" in page_text(client_for(bob).get(f"/meetups/{cafe.id}"))
    response = client_for(bob).post(f"/meetups/{cafe.id}/going", data={"companions": "0"}, follow_redirects=True)
    assert "you are on the waiting list (number 1)" in page_text(response)
    meetups.rsvp(dev, cafe)
    meetups.rsvp(emma, cafe)
    assert "You are on the waiting list: number 2" in page_text(client_for(dev).get(f"/meetups/{cafe.id}"))

    # Carol cannot go any more: the first person waiting (Bob) gets her place, and is told.
    as_carol = client_for(carol)
    assert "Yes, cancel my place" in page_text(as_carol.get(f"/meetups/{cafe.id}/not-going"))
    as_carol.post(f"/meetups/{cafe.id}/not-going")
    status = dict(db.session.execute(sa.select(Rsvp.member_id, Rsvp.status)).all())
    assert status[bob.id] == RsvpStatus.GOING
    assert status[dev.id] == status[emma.id] == RsvpStatus.WAITING
    assert status[carol.id] == RsvpStatus.CANCELLED
    told = emails_to("bob@example.org")
    assert len(told) == 1 and "A place has come up at “Memory café”" in email_text(told[0])
    assert emails_to("dev@example.org") == [] and emails_to("carol@example.org") == []

    # Alice and her companion both stop going: two places, for Dev then Emma.
    meetups.leave(alice, cafe)
    status = dict(db.session.execute(sa.select(Rsvp.member_id, Rsvp.status)).all())
    assert status[dev.id] == status[emma.id] == RsvpStatus.GOING
    assert len(emails_to("dev@example.org")) == 1 and len(emails_to("emma@example.org")) == 1
    db.session.refresh(cafe)
    assert cafe.places_taken == 3


def test_the_waiting_list_is_served_strictly_in_order(alice, bob, cafe):
    carol, dev = _member("Carol Jones"), _member("Dev Shah")
    meetups.rsvp(carol, cafe, companions=2)  # full
    meetups.rsvp(alice, cafe, companions=1)  # first waiting, needs two places
    meetups.rsvp(bob, cafe)  # second waiting, needs one
    meetups.rsvp(dev, cafe)
    meetups.rsvp(carol, cafe, companions=1)  # Carol frees one place: not enough for Alice yet
    assert meetups.rsvp_for(alice, cafe).status == RsvpStatus.WAITING
    assert meetups.rsvp_for(bob, cafe).status == RsvpStatus.WAITING
    meetups.rsvp(carol, cafe, companions=0)  # now two are free: Alice and her companion
    assert meetups.rsvp_for(alice, cafe).status == RsvpStatus.GOING
    assert meetups.rsvp_for(bob, cafe).status == RsvpStatus.WAITING


def test_a_carer_cannot_yet_answer_for_someone_else(alice, bob, cafe):
    # The circle of support (another branch) will allow this; until then it is refused.
    with pytest.raises(NotAllowed):
        meetups.rsvp(alice, cafe, acting_member=bob)
    assert db.session.scalar(sa.select(sa.func.count(Rsvp.id))) == 0


def test_places_close_for_a_meetup_that_is_not_published(client_for, alice, bob):
    meetup = list_meetup(bob)  # waiting for a volunteer
    with pytest.raises(NotAllowed):
        meetups.rsvp(alice, meetup)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_the_last_place_goes_to_exactly_one_of_two_people_at_once(app, alice, bob, hope, root, database_url):
    last_place = list_meetup(hope, hope_dementia_care(hope, root), capacity="1")
    meetup_id, people = last_place.id, [alice.id, bob.id]
    db.session.remove()
    barrier = threading.Barrier(2, timeout=20)  # never hang the suite if one side fails early
    outcomes, failures = {}, []
    # Each person's server is built here, one after the other, not inside the threads: on
    # CPython 3.11.7 two threads compiling Werkzeug's URL rules at once (ast.parse) can fail
    # with "AST constructor recursion depth mismatch" (CPython gh-106905), which broke a CI run.
    servers = {user_id: create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, OUTBOX_DIR=app.config["OUTBOX_DIR"])
               for user_id in people}

    def press_im_going(user_id):
        other_app = servers[user_id]
        try:
            with other_app.app_context():
                member = db.session.get(db.Model.registry._class_registry["User"], user_id)
                meetup = db.session.get(Meetup, meetup_id)
                db.session.commit()  # start the race with no transaction open
                barrier.wait()
                outcomes[user_id] = meetups.rsvp(member, meetup).status
                db.session.remove()
                db.engine.dispose()
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=press_im_going, args=(user_id,), daemon=True) for user_id in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures
    assert sorted(status.value for status in outcomes.values()) == ["going", "waiting"]
    assert db.session.get(Meetup, meetup_id).places_taken == 1
