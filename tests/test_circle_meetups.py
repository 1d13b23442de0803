"""Bob, in Alice's circle of support, helps her with meet-ups: every action is labelled and recorded."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Notification, OnBehalfAction, RsvpStatus
from app.services import circle, meetups
from tests.helpers import email_text, emails_to, page_text
from tests.meetups_support import hope_dementia_care, list_meetup
from tests.people import new_member

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def linked(alice, bob):
    circle.accept(bob, circle.invite(alice, bob))
    return alice, bob


@pytest.fixture
def cafe(hope, root):
    return list_meetup(hope, hope_dementia_care(hope, root), capacity="10")


def test_bob_says_alice_is_going_and_alice_sees_that_he_did_it(linked, cafe, client_for):
    alice, bob = linked
    carer = client_for(bob)
    page = page_text(carer.get(f"/meetups/{cafe.id}"))
    assert "People you help" in page and "Say Alice Morgan is going" in page

    reply = carer.post(f"/meetups/{cafe.id}/going", data={"for": alice.id, "companions": "0"})
    assert "Alice Morgan is going to Memory café. We have told Alice Morgan that you did this." in page_text(carer.get(reply.headers["Location"]))

    place = meetups.rsvp_for(alice, cafe)
    assert place.status == RsvpStatus.GOING and place.acted_by_id == bob.id
    record = db.session.scalars(sa.select(OnBehalfAction).where(OnBehalfAction.person_id == alice.id)).one()
    assert record.carer_id == bob.id and "said you are going to “Memory café”" in record.description
    # Alice sees it on the meet-up, on her circle page and in her notifications.
    own = client_for(alice)
    assert "You are going" in page_text(own.get(f"/meetups/{cafe.id}"))
    assert "Bob Morgan did this for you." in page_text(own.get(f"/meetups/{cafe.id}"))
    assert "Bob Morgan did this for you: said you are going to “Memory café”" in page_text(own.get("/circle"))
    # Bob sees Alice's meet-up on his circle page.
    assert "Memory café" in page_text(carer.get("/circle"))


def test_bob_gives_up_alices_place_after_a_confirmation_page(linked, cafe, client_for):
    alice, bob = linked
    meetups.rsvp(alice, cafe)
    carer = client_for(bob)
    confirm = page_text(carer.get(f"/meetups/{cafe.id}/not-going?for={alice.id}"))
    assert "Cancel Alice Morgan's place at Memory café?" in confirm and "Yes, cancel Alice Morgan's place" in confirm
    carer.post(f"/meetups/{cafe.id}/not-going?for={alice.id}", data={})
    db.session.expire_all()
    assert meetups.rsvp_for(alice, cafe).status == RsvpStatus.CANCELLED
    assert "gave up your place at “Memory café”" in db.session.scalars(sa.select(OnBehalfAction.description)).one()


def test_someone_outside_the_circle_cannot_answer_for_alice(alice, bob, cafe, client_for):
    eve = new_member("Eve Stone")
    for stranger in (eve, bob):  # Bob too, before Alice has agreed to a link
        browser = client_for(stranger)
        reply = browser.post(f"/meetups/{cafe.id}/going", data={"for": alice.id, "companions": "0"})
        assert "only do this for Alice Morgan while you are in their circle of support" in page_text(browser.get(reply.headers["Location"]))
    assert meetups.rsvp_for(alice, cafe) is None
    assert "People you help" not in page_text(client_for(eve).get(f"/meetups/{cafe.id}"))


def test_a_carer_who_asks_gets_a_copy_of_alices_reminders(app, linked, cafe, client_for):
    alice, bob = linked
    meetups.rsvp(alice, cafe)
    link = circle.link_between(alice, bob)
    carer = client_for(bob)
    assert "Send me copies of Alice Morgan's meet-up reminders" in page_text(carer.get("/circle"))
    carer.post(f"/circle/{link.id}/reminders", data={"wanted": "yes"})
    assert "Stop sending me copies of Alice Morgan's reminders" in page_text(carer.get("/circle"))

    day = cafe.starts_at.astimezone(LONDON).date()
    with time_machine.travel(datetime(day.year, day.month, day.day, 7, 30, tzinfo=LONDON) - timedelta(days=1) + timedelta(hours=2)):
        assert meetups.send_reminders() == 1
        assert meetups.send_reminders() == 0
    # (Bob was also emailed about joining Alice's circle of support: that comes at once.)
    [copy] = [m for m in emails_to("bob@example.org") if m["Subject"].startswith("Reminder")]
    assert copy["Subject"].startswith("Reminder for Alice Morgan: Memory café is tomorrow")
    assert "Alice Morgan is going to “Memory café” tomorrow" in email_text(copy)
    assert len([m for m in emails_to("alice@example.org") if m["Subject"].startswith("Reminder")]) == 1


def test_without_asking_a_carer_gets_no_copies_and_nobody_else_can_switch_them_on(linked, cafe, client_for):
    alice, bob = linked
    meetups.rsvp(alice, cafe)
    link = circle.link_between(alice, bob)
    client_for(alice).post(f"/circle/{link.id}/reminders", data={"wanted": "yes"})  # only the carer chooses
    db.session.expire_all()
    assert circle.link_between(alice, bob).carer_gets_reminders is False
    day = cafe.starts_at.astimezone(LONDON).date()
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, 30, tzinfo=LONDON) - timedelta(days=1)):
        meetups.send_reminders()
    assert not [m for m in emails_to("bob@example.org") if m["Subject"].startswith("Reminder")]


def test_meetup_news_arrives_in_app_as_well_as_by_email(alice, bob, hope, root, cafe):
    meetups.rsvp(alice, cafe)
    meetups.cancel(hope, cafe, "The hall is flooded.")
    notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == alice.id)).all()
    assert any(note.kind == "meetup_cancelled" and "Memory café" in note.message for note in notes)
    assert notes[0].link == f"/meetups/{cafe.id}"
    assert not db.session.scalars(sa.select(Notification).where(Notification.user_id == hope.id, Notification.kind.like("meetup_%"))).all()
