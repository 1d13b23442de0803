"""The daily summary: `flask send-digests` sends each member one email a day (Europe/London)
with everything kept for it since their last one, and running it again sends nothing more."""
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from app.extensions import db
from app.models.types import utcnow
from app.services import notifications
from tests.helpers import email_text, emails_to

LONDON = ZoneInfo("Europe/London")


def _reply(member, title):
    notifications.notify(member, "forum_reply", f"Bob Morgan replied in “{title}”, a thread you follow.", "/threads/1")
    db.session.commit()


def test_one_summary_a_day_with_everything_since_the_last(app, alice, bob):
    runner = app.test_cli_runner()
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=LONDON), tick=False):
        _reply(alice, "Gardening")
        _reply(alice, "Sleep")
    with time_machine.travel(datetime(2026, 3, 2, 18, 0, tzinfo=LONDON), tick=False):
        assert "Sent 1 daily summary." in runner.invoke(args=["send-digests"]).output
        [summary] = emails_to("alice@example.org")
        assert summary["Subject"] == "Your daily summary: 2 new things – Kindred"
        text = email_text(summary)
        assert "“Gardening”" in text and "“Sleep”" in text and "/unsubscribe/" in text
        assert summary["List-Unsubscribe"]
        assert "Sent 0 daily summaries." in runner.invoke(args=["send-digests"]).output
    # Later the same London day: something new waits for tomorrow, so still one a day.
    with time_machine.travel(datetime(2026, 3, 2, 23, 30, tzinfo=LONDON), tick=False):
        _reply(alice, "Music")
        assert notifications.send_digests() == 0
    # Just after midnight in London: a new day, so a new summary.
    with time_machine.travel(datetime(2026, 3, 3, 0, 10, tzinfo=LONDON), tick=False):
        assert notifications.send_digests() == 1
        assert notifications.send_digests() == 0
    summaries = emails_to("alice@example.org")
    assert len(summaries) == 2
    assert "“Music”" in email_text(summaries[1]) and "“Gardening”" not in email_text(summaries[1])
    assert emails_to("bob@example.org") == []


def test_the_london_day_is_used_in_summer_time(app, alice):
    # 11:30pm UTC on 1 July is already 2 July in London.
    with time_machine.travel(datetime(2026, 7, 1, 22, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        _reply(alice, "Holidays")
        assert notifications.send_digests() == 1
    with time_machine.travel(datetime(2026, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        _reply(alice, "Beaches")
        assert notifications.send_digests() == 1  # a new London day began at 11pm UTC
    with time_machine.travel(datetime(2026, 7, 2, 20, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        _reply(alice, "Picnics")
        assert notifications.send_digests() == 0


def test_nothing_for_the_summary_means_no_email_and_closed_accounts_get_none(alice, bob):
    notifications.save_preferences(bob, {"forum_reply": "never"})
    _reply(bob, "Quiet")
    alice.deleted_at = utcnow()
    db.session.commit()
    assert notifications.send_digests() == 0
    assert emails_to("alice@example.org") == [] and emails_to("bob@example.org") == []


def test_unsubscribing_from_the_summary_stops_every_daily_kind(alice, client):
    _reply(alice, "Gardening")
    notifications.send_digests()
    [summary] = emails_to("alice@example.org")
    url = summary["List-Unsubscribe"].strip("<>").replace("http://localhost", "")
    assert "the daily summary email" in client.post(url).get_data(as_text=True)
    chosen = notifications.preferences_for(alice)
    assert chosen["forum_reply"] == "never" and chosen["forum_mention"] == "never"
    assert chosen["meetup_reminder"] == "now"  # reminders were never in the summary
