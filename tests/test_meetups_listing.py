"""Listing meet-ups: the stepped form, checking by a volunteer, repeating series, organisations."""
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Meetup, MeetupStatus, Organisation
from app.services import meetups
from tests.helpers import email_text, emails_to, page_text
from tests.meetups_support import answers, hope_dementia_care, list_meetup


def test_hope_makes_an_organisation_page_and_root_verifies_it(client_for, hope, root):
    as_hope = client_for(hope)
    response = as_hope.post("/organisations/new", data={
        "name": "Hope Dementia Care", "kind": "charity", "registration": "1234567",
        "website": "https://hope.example.org", "description": "Memory cafés.", "contact_email": "", "contact_phone": "",
    })
    org = db.session.scalar(sa.select(Organisation))
    assert response.headers["Location"].endswith(f"/organisations/{org.id}")
    assert "Not verified yet" in page_text(as_hope.get(f"/organisations/{org.id}"))

    as_root = client_for(root)
    assert "Verify Hope Dementia Care" in page_text(as_root.get("/organisations/awaiting-verification"))
    as_root.post(f"/organisations/{org.id}/verify", data={"decision": "verify", "reason": "Checked"})
    assert "Verified organisation" in page_text(as_hope.get(f"/organisations/{org.id}"))
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_type == "organisation")) == "verify_organisation"
    assert "has verified Hope Dementia Care" in email_text(emails_to("hope@example.org")[-1])


def test_only_organisation_members_and_admins_reach_organisation_pages(client_for, alice, hope, root):
    org = hope_dementia_care(hope, root)
    assert client_for(alice).get("/organisations/new").status_code == 403
    assert client_for(alice).get(f"/organisations/{org.id}/verify").status_code == 403
    assert "Add this person" not in page_text(client_for(alice).get(f"/organisations/{org.id}"))


def test_a_verified_organisation_publishes_at_once(client, hope, root):
    org = hope_dementia_care(hope, root)
    meetup = list_meetup(hope, org)
    assert meetup.status == MeetupStatus.PUBLISHED
    assert meetup.postcode == "CH1 1AA"
    assert meetup.latitude is not None
    text = page_text(client.get("/meetups"))
    assert "Memory café" in text
    assert "2pm to 4pm" in text
    page = page_text(client.get(f"/meetups/{meetup.id}"))
    assert "Step-free access: Yes" in page and "Quiet space: Not sure" in page
    assert "Verified organisation" in page
    assert "07700 900123" not in page  # the phone for the day is only for people going


def test_a_members_meetup_waits_for_a_volunteer(client, client_for, alice, bob, maya):
    meetup = list_meetup(alice, title="Walking group")
    assert meetup.status == MeetupStatus.AWAITING_APPROVAL
    assert "Walking group" not in page_text(client.get("/meetups"))
    assert client_for(bob).get(f"/meetups/{meetup.id}").status_code == 404
    assert "A volunteer will check this soon" in page_text(client_for(alice).get(f"/meetups/{meetup.id}"))

    as_maya = client_for(maya)
    assert "Walking group" in page_text(as_maya.get("/meetups/awaiting-approval"))
    as_maya.post(f"/meetups/{meetup.id}/decide", data={"decision": "approve", "reason": ""})
    db.session.refresh(meetup)
    assert meetup.status == MeetupStatus.PUBLISHED
    assert "Walking group" in page_text(client.get("/meetups"))
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_type == "meetup")) == "approve_meetup"
    assert "now listed on Kindred" in email_text(emails_to("alice@example.org")[-1])


def test_not_publishing_needs_a_reason_the_author_reads(client_for, alice, maya):
    meetup = list_meetup(alice, title="Crystal healing")
    as_maya = client_for(maya)
    response = as_maya.post(f"/meetups/{meetup.id}/decide", data={"decision": "decline", "reason": ""})
    assert "Say why it will not be published" in page_text(response)
    as_maya.post(f"/meetups/{meetup.id}/decide", data={"decision": "decline", "reason": "Not a peer support group."})
    db.session.refresh(meetup)
    assert meetup.status == MeetupStatus.NOT_PUBLISHED
    assert "Not a peer support group." in email_text(emails_to("alice@example.org")[-1])
    assert "Not a peer support group." in page_text(client_for(alice).get(f"/meetups/{meetup.id}"))


def test_alice_cannot_moderate(client_for, alice, bob):
    meetup = list_meetup(bob)
    assert client_for(alice).get("/meetups/awaiting-approval").status_code == 403
    assert client_for(alice).post(f"/meetups/{meetup.id}/decide", data={"decision": "approve"}).status_code == 403


def _step(client, draft_id, number, data):
    return client.post(f"/meetups/drafts/{draft_id}/step-{number}", data=data)


def test_the_stepped_form_explains_mistakes_on_the_right_step_and_keeps_the_text(client_for, hope, root):
    org = hope_dementia_care(hope, root)
    as_hope = client_for(hope)
    response = as_hope.post("/meetups/new")
    draft_id = int(response.headers["Location"].split("/drafts/")[1].split("/")[0])
    assert "Step 1 of 4" in page_text(as_hope.get(response.headers["Location"]))

    long_text = "Songs we love. " * 200
    response = _step(as_hope, draft_id, 1, {"title": "Singing for the brain", "description": long_text, "cost_kind": "free"})
    text = page_text(response)
    assert "Error: What" in text and "Keep the description to 2,000 characters or fewer" in text
    assert "Singing for the brain" in response.get_data(as_text=True)
    assert "Songs we love." in response.get_data(as_text=True)  # nothing lost

    response = _step(as_hope, draft_id, 1, {"title": "Singing for the brain", "description": "Songs we love.", "cost_kind": "paid", "cost": "2.50"})
    assert response.headers["Location"].endswith("/step-2")

    defaults = answers()
    response = _step(as_hope, draft_id, 2, {"date": defaults["date"], "start_time": "15:00", "end_time": "14:00", "repeat": "none"})
    assert "The end time must be after the start time" in page_text(response)
    response = _step(as_hope, draft_id, 2, {"date": "2020-01-07", "start_time": "14:00", "end_time": "15:00", "repeat": "none"})
    assert "Enter a date from today onwards" in page_text(response)
    response = _step(as_hope, draft_id, 2, {"date": defaults["date"], "start_time": "2pm", "end_time": "15:30", "repeat": "none"})
    assert response.headers["Location"].endswith("/step-3")

    place = {"attendance": "both", "venue_name": "Town Hall", "address": "Northgate Street", "town": "Chester", "postcode": "NOT A CODE", "joining_link": "javascript:alert(1)"}
    text = page_text(_step(as_hope, draft_id, 3, place))
    assert "Enter a full UK postcode, like CH1 2AB" in text
    assert "Enter a joining link that starts with https://" in text
    response = _step(as_hope, draft_id, 3, place | {"postcode": "ch12hj", "joining_link": "https://meet.example.org/sing"})
    assert response.headers["Location"].endswith("/step-4")

    who = {"audience": "both", "capacity": "0", "organisation_id": str(org.id)}
    assert "Enter the number of places as a whole number of 1 or more" in page_text(_step(as_hope, draft_id, 4, who))
    response = _step(as_hope, draft_id, 4, who | {"capacity": "20", "access_step_free": "yes", "access_quiet_space": "no"})
    assert response.headers["Location"].endswith("/check")

    check = page_text(as_hope.get(f"/meetups/drafts/{draft_id}/check"))
    assert "Check your answers" in check and "£2.50" in check and "CH1 2HJ" in check and "3:30pm" in check
    assert "Publish meet-up" in check
    response = as_hope.post(f"/meetups/drafts/{draft_id}/check")
    meetup = db.session.scalar(sa.select(Meetup))
    assert response.headers["Location"].endswith(f"/meetups/{meetup.id}")
    assert (meetup.title, meetup.postcode, meetup.cost_pence, meetup.capacity) == ("Singing for the brain", "CH1 2HJ", 250, 20)
    assert (meetup.access_step_free, meetup.access_quiet_space, meetup.access_parking) == ("yes", "no", "unknown")
    # Pressing "Publish" again creates nothing more.
    as_hope.post(f"/meetups/drafts/{draft_id}/check")
    assert db.session.scalar(sa.select(sa.func.count(Meetup.id))) == 1


def test_a_member_sends_a_meetup_for_checking(client_for, bob):
    as_bob = client_for(bob)
    draft = meetups.start_draft(bob)
    meetups.save_answers(draft, answers(title="Carers' coffee morning"))
    assert "Send for checking" in page_text(as_bob.get(f"/meetups/drafts/{draft.id}/check"))
    as_bob.post(f"/meetups/drafts/{draft.id}/check")
    assert db.session.scalar(sa.select(Meetup.status)) == MeetupStatus.AWAITING_APPROVAL


def test_a_monthly_series_on_the_first_tuesday_and_one_date_cancelled(client, client_for, hope, root):
    org = hope_dementia_care(hope, root)
    from datetime import date, timedelta
    today = date.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    first_tuesday = date(year, month, 1) + timedelta(days=(1 - date(year, month, 1).weekday()) % 7)
    first = list_meetup(hope, org, date=first_tuesday.isoformat(), repeat="monthly", repeat_count="4")
    dates = db.session.scalars(sa.select(Meetup).where(Meetup.series_id == first.series_id).order_by(Meetup.starts_at)).all()
    assert len(dates) == 4
    for meetup in dates:
        day = meetup.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
        assert day.weekday() == 1 and day.day <= 7 and day.hour == 14
    page = page_text(client.get(f"/meetups/{first.id}"))
    assert "Every first Tuesday of the month" in page and "Other dates" in page

    as_hope = client_for(hope)
    as_hope.post(f"/meetups/{dates[1].id}/cancel", data={"reason": "The hall is closed."})
    statuses = [m.status for m in db.session.scalars(sa.select(Meetup).where(Meetup.series_id == first.series_id).order_by(Meetup.starts_at))]
    assert statuses == [MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED, MeetupStatus.PUBLISHED, MeetupStatus.PUBLISHED]
    assert "(cancelled)" in page_text(client.get(f"/meetups/{first.id}"))


def test_weekly_series_dates_and_nth_weekday_rules():
    from datetime import date
    from app.models import Repeat
    assert meetups.repeat_dates(date(2026, 3, 3), Repeat.FORTNIGHTLY, 3) == [date(2026, 3, 3), date(2026, 3, 17), date(2026, 3, 31)]
    # The last Tuesday (a fifth Tuesday means "the last" each month).
    assert meetups.repeat_dates(date(2026, 3, 31), Repeat.MONTHLY, 3) == [date(2026, 3, 31), date(2026, 4, 28), date(2026, 5, 26)]
    assert meetups.repeat_words("monthly", date(2026, 3, 3)) == "Every first Tuesday of the month"
