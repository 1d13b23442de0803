"""Organising: changing the time or place tells everyone, cancelling tells everyone, who is coming, messages."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.formatting import time_range
from app.models import MeetupStatus, Notification, Role
from app.services import accounts, meetups
from tests.helpers import CAST_PASSWORD, email_text, emails_to, page_text
from tests.meetups_support import hope_dementia_care, list_meetup


@pytest.fixture
def cafe(hope, root, alice, bob):
    meetup = list_meetup(hope, hope_dementia_care(hope, root), capacity="2")
    meetups.rsvp(alice, meetup, companions=1)
    meetups.rsvp(bob, meetup)  # waiting
    return meetup


def _change(client, meetup, **step_data):
    response = client.post(f"/meetups/{meetup.id}/change")
    draft_path = response.headers["Location"].rsplit("/check", 1)[0]
    for number, data in step_data.items():
        client.post(f"{draft_path}/step-{number[-1]}?from=check", data=data)
    return client.post(f"{draft_path}/check")


def test_hope_moves_the_cafe_and_everyone_going_or_waiting_is_told(client_for, hope, alice, bob, cafe):
    old_sequence = cafe.sequence
    as_hope = client_for(hope)
    new_day = (cafe.starts_at + timedelta(days=1)).astimezone(__import__("zoneinfo").ZoneInfo("Europe/London")).date()
    response = _change(as_hope, cafe, step2={"date": new_day.isoformat(), "start_time": "10:00", "end_time": "11:30"})
    assert response.status_code == 302
    db.session.refresh(cafe)
    assert cafe.sequence == old_sequence + 1
    new_time = time_range(cafe.starts_at, cafe.ends_at)
    assert "10am to 11:30am" in new_time
    for address in ("alice@example.org", "bob@example.org"):
        (message,) = emails_to(address)
        assert message["Subject"].startswith("Memory café has changed")
        assert f"The time has changed. It is now {new_time}." in email_text(message)
    assert not any("has changed" in message["Subject"] for message in emails_to("hope@example.org"))


def test_changing_only_the_description_tells_nobody(client_for, hope, cafe):
    _change(client_for(hope), cafe, step1={"title": "Memory café", "description": "Now with scones.", "cost_kind": "free"})
    db.session.refresh(cafe)
    assert cafe.description == "Now with scones."
    assert cafe.sequence == 0
    assert emails_to("alice@example.org") == [] and emails_to("bob@example.org") == []


def test_a_new_venue_is_a_change_of_place(client_for, hope, cafe):
    place = {"attendance": "in_person", "venue_name": "Library", "address": "Northgate Street", "town": "Chester", "postcode": "CH1 2EF", "contact_phone": ""}
    _change(client_for(hope), cafe, step3=place)
    assert "The place has changed. It is now: Library, Northgate Street, Chester, CH1 2EF." in email_text(emails_to("alice@example.org")[0])


def test_more_places_move_people_up(client_for, hope, bob, cafe):
    _change(client_for(hope), cafe, step4={"audience": "both", "capacity": "5"})
    assert meetups.rsvp_for(bob, cafe).status.value == "going"
    assert "A place has come up" in email_text(emails_to("bob@example.org")[0])


def test_hope_cancels_and_everyone_is_told(client, client_for, hope, cafe):
    as_hope = client_for(hope)
    assert "Yes, cancel this meet-up" in page_text(as_hope.get(f"/meetups/{cafe.id}/cancel"))
    as_hope.post(f"/meetups/{cafe.id}/cancel", data={"reason": "Snow is forecast."})
    db.session.refresh(cafe)
    assert cafe.status == MeetupStatus.CANCELLED
    for address in ("alice@example.org", "bob@example.org"):
        text = email_text(emails_to(address)[0])
        assert "has been cancelled" in text and "Snow is forecast." in text
    assert "This meet-up is cancelled." in page_text(client.get(f"/meetups/{cafe.id}"))
    assert "I'm going" not in page_text(client.get(f"/meetups/{cafe.id}"))


def test_alice_reads_welsh_so_hopes_cancellation_reaches_her_in_welsh(client_for, hope, alice, cafe):
    alice.language = "cy"
    db.session.commit()
    client_for(hope).post(f"/meetups/{cafe.id}/cancel", data={"reason": "Snow is forecast."})
    (message,) = emails_to("alice@example.org")
    assert message["Subject"].startswith("Wedi’i ganslo: Memory café")
    notice = db.session.scalars(sa.select(Notification).where(Notification.user_id == alice.id)).all()[-1]
    assert notice.message.startswith("Mae “Memory café” ar Dydd ")  # the date too is in Welsh
    assert "Dywedodd y trefnydd: Snow is forecast." in notice.message
    as_alice = client_for(alice)
    page = page_text(as_alice.get(f"/meetups/{cafe.id}"))
    assert "Mae’r cyfarfod hwn wedi’i ganslo." in page and "Lawrlwytho i’m calendr" in page
    # Hope, who reads English, still sees English.
    assert "This meet-up is cancelled." in page_text(client_for(hope).get(f"/meetups/{cafe.id}"))


def test_only_organisers_change_cancel_or_see_who_is_coming(client_for, alice, cafe):
    as_alice = client_for(alice)
    assert as_alice.get(f"/meetups/{cafe.id}/cancel").status_code == 403
    assert as_alice.get(f"/meetups/{cafe.id}/people").status_code == 403
    assert as_alice.post(f"/meetups/{cafe.id}/change").status_code == 403
    assert as_alice.get(f"/meetups/{cafe.id}/message").status_code == 403


def test_another_member_of_hope_manages_its_meetups(client_for, hope, cafe):
    jo = accounts.register("Jo Hope", "jo@example.org", CAST_PASSWORD, Role.ORGANISATION, confirmed=True)
    client_for(hope).post(f"/organisations/{cafe.organisation_id}", data={"email": "jo@example.org"})
    assert "Alice Morgan" in page_text(client_for(jo).get(f"/meetups/{cafe.id}/people"))


def test_the_list_of_who_is_coming_shows_companions_and_the_waiting_list(client_for, hope, cafe):
    text = page_text(client_for(hope).get(f"/meetups/{cafe.id}/people"))
    assert "1 person going, taking 2 places with companions, of 2" in text
    assert "Alice Morgan 1" in text
    assert "Waiting list Bob Morgan" in text


def test_hope_messages_everyone_going(client_for, hope, cafe):
    as_hope = client_for(hope)
    response = as_hope.post(f"/meetups/{cafe.id}/message", data={"message": ""})
    assert "Write the message you want to send" in page_text(response)
    response = as_hope.post(f"/meetups/{cafe.id}/message", data={"message": "Please use the side door."}, follow_redirects=True)
    assert "on its way to 1 person" in page_text(response)
    assert "Please use the side door." in email_text(emails_to("alice@example.org")[0])
    assert emails_to("bob@example.org") == []  # waiting, not going


def test_a_made_up_repeat_answer_gets_a_sentence_not_an_error_page(app):
    """Hope's browser sends "daily", which the form never offers: she is asked to choose again."""
    from app.services import meetups

    with app.test_request_context():
        values, errors = meetups.clean_step(2, {"date": "2099-03-03", "start_time": "14:00", "end_time": "16:00", "repeat": "daily"})
    assert errors == {"repeat": "Choose how often the meet-up happens."}
    assert values["repeat"] is None
