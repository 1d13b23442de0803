"""Calendar files: one meet-up, a member's private feed, an organisation's public feed; parsed back."""
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.extensions import db
from app.services import calendars, meetups
from tests.helpers import page_text
from tests.meetups_support import hope_dementia_care, list_meetup

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def cafe(hope, root):
    return list_meetup(hope, hope_dementia_care(hope, root))


def _events(response):
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return calendar, list(calendar.walk("VEVENT"))


def test_the_ics_file_for_a_meetup_field_by_field(client, cafe):
    response = client.get(f"/meetups/{cafe.id}.ics")
    assert 'filename="kindred-meetup-' in response.headers["Content-Disposition"]
    calendar, (event,) = _events(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["UID"]) == f"meetup-{cafe.id}@kindred"
    assert str(event["SUMMARY"]) == "Memory café"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert start == cafe.starts_at and end == cafe.ends_at
    assert (start.astimezone(LONDON).hour, end.astimezone(LONDON).hour) == (14, 16)
    assert str(event["LOCATION"]) == "St Mary's Centre, 1 Bridge Street, Chester, CH1 1AA"
    assert "Tea, cake and music." in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/meetups/{cafe.id}")
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in event


def test_a_change_raises_the_sequence_and_a_cancel_says_cancelled(client, hope, cafe):
    values = meetups.check_all(meetups.answers_from(cafe) | {"start_time": "15:00", "end_time": "17:00"})[0]
    meetups.change(hope, cafe, values)
    _, (event,) = _events(client.get(f"/meetups/{cafe.id}.ics"))
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").astimezone(LONDON).hour == 15
    meetups.cancel(hope, cafe)
    _, (event,) = _events(client.get(f"/meetups/{cafe.id}.ics"))
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["UID"]) == f"meetup-{cafe.id}@kindred"


def test_alices_private_feed_has_what_she_is_going_to_and_can_be_renewed(client, client_for, alice, hope, root, cafe):
    walk = list_meetup(hope, cafe.organisation, title="Walking group")
    meetups.rsvp(alice, cafe)
    as_alice = client_for(alice)
    page = as_alice.get("/calendar").get_data(as_text=True)
    token = calendars.token_for(alice)
    assert f"/calendar/{token}.ics" in page
    assert "Keep it to yourself" in page_text(as_alice.get("/calendar"))
    _, events = _events(client.get(f"/calendar/{token}.ics"))
    assert [str(event["SUMMARY"]) for event in events] == ["Memory café"]
    assert walk.id not in [int(str(event["UID"]).split("-")[1].split("@")[0]) for event in events]

    as_alice.post("/calendar")
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{calendars.token_for(alice)}.ics").status_code == 200


def test_alice_reads_welsh_so_her_feed_is_named_in_welsh_though_her_phone_sends_no_cookie(client, alice, cafe):
    alice.language = "cy"
    db.session.commit()
    meetups.rsvp(alice, cafe)
    calendar, _ = _events(client.get(f"/calendar/{calendars.token_for(alice, create=True)}.ics"))
    assert str(calendar["NAME"]).startswith("Fy nghyfarfodydd – ")


def test_an_organisations_public_feed(client, hope, cafe):
    list_meetup(hope, cafe.organisation, title="Singing group")
    calendar, events = _events(client.get(f"/organisations/{cafe.organisation_id}.ics"))
    assert sorted(str(event["SUMMARY"]) for event in events) == ["Memory café", "Singing group"]
    assert str(calendar["X-WR-CALNAME"]).startswith("Hope Dementia Care")
