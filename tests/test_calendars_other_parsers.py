"""Calendar files read by parsers Kindred does not use itself and that trust the file's own VTIMEZONE:
vobject (Python) and Mozilla's ical.js (Thunderbird's parser, run by node). A winter meet-up (GMT)
and a summer one (BST) at 2pm in Chester must both come out at 2pm London time."""
import json
import os
import shutil
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject

from app.formatting import local
from app.models.types import utcnow
from app.services import meetups
from tests.meetups_support import hope_dementia_care, list_meetup

LONDON = ZoneInfo("Europe/London")
PROJECT = Path(__file__).resolve().parent.parent
ICAL_JS = PROJECT / "node_modules" / "ical.js"


def _next(month: int, day: int) -> date:
    today = local(utcnow()).date()
    candidate = date(today.year, month, day)
    return candidate if (candidate - today).days > 7 else date(today.year + 1, month, day)


@pytest.fixture
def winter_and_summer(hope, root):
    org = hope_dementia_care(hope, root)
    winter = list_meetup(hope, org, title="Winter memory café", date=_next(1, 12).isoformat())
    summer = list_meetup(hope, org, title="Summer memory café", date=_next(7, 14).isoformat())
    return winter, summer


def _utc(meetup, hour_attr="starts_at"):
    return getattr(meetup, hour_attr).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M")


def read_with_ical_js(body: bytes) -> dict:
    if not (shutil.which("node") and ICAL_JS.exists()):
        if os.environ.get("CI") == "true":
            pytest.fail("node and ical.js (npm ci) are needed for the calendar tests")
        pytest.skip("node or ical.js is missing: run `npm ci`")
    result = subprocess.run(
        ["node", str(PROJECT / "tests" / "ical_js_read.mjs")], input=body, capture_output=True, timeout=30, check=True
    )
    return json.loads(result.stdout)


def read_with_vobject(body: bytes) -> dict:
    calendar = vobject.readOne(body.decode("utf-8"))
    return {
        str(event.summary.value): (event.dtstart.value.astimezone(LONDON), event.dtend.value.astimezone(LONDON))
        for event in calendar.vevent_list
    }


def _london_hours(start: datetime, end: datetime):
    return start.astimezone(LONDON).strftime("%d %b %H:%M"), end.astimezone(LONDON).strftime("%H:%M")


def test_the_london_time_zone_is_written_as_yearly_rules(client, winter_and_summer):
    winter, _ = winter_and_summer
    calendar = vobject.readOne(client.get(f"/meetups/{winter.id}.ics").get_data(as_text=True))
    [zone] = calendar.vtimezone_list
    rules = sorted(str(part.rrule.value) for part in zone.getChildren() if part.name in {"STANDARD", "DAYLIGHT"})
    assert rules == ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"]
    assert "RDATE" not in client.get(f"/meetups/{winter.id}.ics").get_data(as_text=True)


@pytest.mark.parametrize("which", ["winter", "summer"])
def test_a_meetup_file_is_at_2pm_london_time_in_vobject_and_ical_js(client, winter_and_summer, which):
    meetup = dict(zip(("winter", "summer"), winter_and_summer))[which]
    body = client.get(f"/meetups/{meetup.id}.ics").data
    wanted = _london_hours(meetup.starts_at, meetup.ends_at)
    assert wanted[0].endswith("14:00") and wanted[1] == "16:00"

    assert {name: _london_hours(*times) for name, times in read_with_vobject(body).items()} == {meetup.title: wanted}

    [event] = read_with_ical_js(body)["events"]
    assert event["tzid"] == "Europe/London"
    assert (event["start"][:16], event["end"][:16]) == (_utc(meetup), _utc(meetup, "ends_at"))


def test_alices_feed_has_both_seasons_right_and_says_how_often_to_refresh(client, client_for, alice, winter_and_summer):
    winter, summer = winter_and_summer
    meetups.rsvp(alice, winter)
    meetups.rsvp(alice, summer)
    page = client_for(alice).get("/calendar").get_data(as_text=True)
    feed_path = page.split('id="feed-url" type="text" value="', 1)[1].split('"', 1)[0].split("localhost", 1)[1]
    body = client.get(feed_path).data

    vobject_times = read_with_vobject(body)
    assert _london_hours(*vobject_times["Winter memory café"])[0].endswith("14:00")
    assert _london_hours(*vobject_times["Summer memory café"])[0].endswith("14:00")
    feed = vobject.readOne(body.decode())
    assert feed.contents["refresh-interval"][0].value == "PT6H"
    assert feed.contents["x-published-ttl"][0].value == "PT6H"

    read = read_with_ical_js(body)
    starts = {event["summary"]: event["start"][:16] for event in read["events"]}
    assert starts == {"Winter memory café": _utc(winter), "Summer memory café": _utc(summer)}
    assert starts["Winter memory café"].endswith("T14:00") and starts["Summer memory café"].endswith("T13:00")
    assert (read["refresh"], read["ttl"]) == ("PT6H", "PT6H")


def test_an_organisations_feed_reads_right_in_ical_js(client, winter_and_summer):
    winter, summer = winter_and_summer
    body = client.get(f"/organisations/{winter.organisation_id}.ics").data
    read = read_with_ical_js(body)
    assert {event["summary"]: event["start"][:16] for event in read["events"]} == {
        "Winter memory café": _utc(winter), "Summer memory café": _utc(summer)}
    assert read["refresh"] == "PT6H"


def test_the_calendar_page_offers_a_webcal_link_beside_the_https_one(client_for, alice):
    page = client_for(alice).get("/calendar").get_data(as_text=True)
    https = page.split('id="feed-url" type="text" value="', 1)[1].split('"', 1)[0]
    assert https.startswith("http://localhost/calendar/") and https.endswith(".ics")
    assert f'href="webcal://{https.split("://", 1)[1]}">Open in my calendar program</a>' in page
    assert f'href="{https}">Download my meet-ups calendar</a>' in page
