"""Reminders the day before and on the morning, sent once however often cron runs the command."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from app.services import meetups
from tests.helpers import email_text, emails_to
from tests.meetups_support import hope_dementia_care, list_meetup

LONDON = ZoneInfo("Europe/London")


def _at(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def test_reminders_the_day_before_and_on_the_morning_sent_once(app, alice, bob, hope, root):
    cafe = list_meetup(hope, hope_dementia_care(hope, root))
    meetups.rsvp(alice, cafe, companions=1)
    meetups.rsvp(bob, cafe)
    meetups.leave(bob, cafe)  # Bob is not going any more: no reminders for him
    day = cafe.starts_at.astimezone(LONDON).date()
    runner = app.test_cli_runner()

    with time_machine.travel(_at(day - timedelta(days=2), 12)):
        assert "Sent 0 meet-up reminders" in runner.invoke(args=["send-reminders"]).output
    with time_machine.travel(_at(day - timedelta(days=1), 8, 55)):
        assert meetups.send_reminders() == 0  # too early in the day
    with time_machine.travel(_at(day - timedelta(days=1), 9, 5)):
        assert "Sent 1 meet-up reminder." in runner.invoke(args=["send-reminders"]).output
        assert meetups.send_reminders() == 0  # cron runs again five minutes later
    with time_machine.travel(_at(day - timedelta(days=1), 21)):
        assert meetups.send_reminders() == 0
    with time_machine.travel(_at(day, 6, 30)):
        assert meetups.send_reminders() == 0
    with time_machine.travel(_at(day, 7, 10)):
        assert meetups.send_reminders() == 1
        assert meetups.send_reminders() == 0
    with time_machine.travel(_at(day, 15)):
        assert meetups.send_reminders() == 0  # it has started

    tomorrow, today = emails_to("alice@example.org")
    assert tomorrow["Subject"].startswith("Reminder: Memory café is tomorrow")
    assert "2pm to 4pm" in email_text(tomorrow)
    assert "1 Bridge Street" in email_text(tomorrow) and "07700 900123" in email_text(tomorrow)
    assert "1 companion will come with you" in email_text(tomorrow)
    assert today["Subject"].startswith("Reminder: Memory café is today")
    assert emails_to("bob@example.org") == []


def test_a_new_time_means_new_reminders(alice, hope, root):
    cafe = list_meetup(hope, hope_dementia_care(hope, root))
    meetups.rsvp(alice, cafe)
    day = cafe.starts_at.astimezone(LONDON).date()
    with time_machine.travel(_at(day - timedelta(days=1), 10)):
        assert meetups.send_reminders() == 1
        values = meetups.check_all(meetups.answers_from(cafe) | {"date": (day + timedelta(days=1)).isoformat()})[0]
        meetups.change(hope, cafe, values)
        assert meetups.send_reminders() == 0  # now two days away
    with time_machine.travel(_at(day, 10)):
        assert meetups.send_reminders() == 1  # the day before the new date
    assert [message["Subject"].split(" – ")[0] for message in emails_to("alice@example.org")] == [
        "Reminder: Memory café is tomorrow", "Memory café has changed", "Reminder: Memory café is tomorrow",
    ]


def test_the_reminder_rule():
    start = _at(datetime(2026, 3, 3).date(), 14)
    assert meetups.reminder_due(start, _at(datetime(2026, 3, 2).date(), 9)) == "day_before"
    assert meetups.reminder_due(start, _at(datetime(2026, 3, 3).date(), 7)) == "morning"
    assert meetups.reminder_due(start, _at(datetime(2026, 3, 1).date(), 23)) is None
    assert meetups.reminder_due(start, _at(datetime(2026, 3, 3).date(), 14)) is None
