"""Email for notifications: each member chooses per kind (at once, daily summary, not by email),
every email has a one-click unsubscribe link that needs no sign-in and cannot be forged, and
nobody whose account is closed is emailed."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import EmailState, Notification, NotificationPreference
from app.models.types import utcnow
from app.services import meetups, notifications
from tests.helpers import email_text, emails_to, page_text
from tests.meetups_support import hope_dementia_care, list_meetup


def _tell_alice(alice, kind="forum_reply", message="Bob Morgan replied in “Hello”, a thread you follow."):
    note = notifications.notify(alice, kind, message, "/threads/1#post-2")
    db.session.commit()
    return note


def _unsubscribe_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/unsubscribe/[^\s]+)", email_text(message)).group(1)


@pytest.mark.parametrize(
    ("choice", "state", "emails"),
    [("now", EmailState.NOW, 1), ("daily", EmailState.DIGEST, 0), ("never", EmailState.NONE, 0)],
)
def test_alices_choice_routes_a_reply_by_email(alice, choice, state, emails):
    notifications.save_preferences(alice, {"forum_reply": choice})
    note = _tell_alice(alice)
    assert note.email_state == state
    assert len(emails_to("alice@example.org")) == emails
    assert notifications.unread_count(alice) == 1  # in-app always


def test_the_defaults_are_gentle(alice):
    assert _tell_alice(alice, "forum_reply").email_state == EmailState.DIGEST
    assert _tell_alice(alice, "forum_reaction", "1 person sent a hug on your post.").email_state == EmailState.NONE
    assert _tell_alice(alice, "meetup_reminder", "This is a reminder.").email_state == EmailState.NOW
    assert _tell_alice(alice, "on_behalf", "Bob Morgan did this for you.").email_state == EmailState.NOW


def test_an_email_at_once_has_one_clear_link_the_site_name_and_unsubscribe_headers(alice):
    notifications.save_preferences(alice, {"forum_reply": "now"})
    _tell_alice(alice)
    [message] = emails_to("alice@example.org")
    assert message["Subject"] == "Bob Morgan replied in “Hello”, a thread you follow – Kindred"
    text = email_text(message)
    assert "http://localhost/threads/1#post-2" in text
    assert message["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "font-size: 20px" in html and html.count("See it on Kindred") == 1


def test_nothing_is_emailed_about_a_change_that_was_rolled_back(alice):
    notifications.notify(alice, "meetup_reminder", "This never happened.", "/")
    db.session.rollback()
    assert emails_to("alice@example.org") == []
    assert notifications.unread_count(alice) == 0


def test_a_closed_account_is_never_emailed_but_nothing_fails(alice):
    alice.deleted_at = utcnow()
    db.session.commit()
    note = _tell_alice(alice, "meetup_reminder", "This is a reminder.")
    assert note.email_state == EmailState.NONE
    assert emails_to("alice@example.org") == []


def test_a_failed_send_is_logged_and_keeps_the_in_app_notification(alice, monkeypatch, caplog):
    from app.services import email

    def broken(_message):
        raise OSError("mail server down")

    monkeypatch.setattr(email, "deliver", broken)
    _tell_alice(alice, "meetup_reminder", "This is a reminder.")
    assert notifications.unread_count(alice) == 1
    assert "Could not send email" in caplog.text


def test_the_settings_page_saves_choices_without_javascript(alice, client_for):
    browser = client_for(alice)
    page = page_text(browser.get("/settings/notifications"))
    assert "Replies in threads you follow" in page and "Put it in one email a day" in page
    assert "You cannot turn this off" in page  # a carer acting for you always emails
    choices = {kind: info.default for kind, info in notifications.KINDS.items() if info.can_turn_off}
    choices["forum_reaction"] = "now"
    choices["meetup_reminder"] = "daily"
    response = browser.post("/settings/notifications", data=choices)
    assert "Your notification settings are saved." in page_text(browser.get(response.headers["Location"]))
    saved = notifications.preferences_for(alice)
    assert saved["forum_reaction"] == "now" and saved["meetup_reminder"] == "daily"
    assert saved["on_behalf"] == "now"


def test_the_settings_page_refuses_a_made_up_choice(alice, client_for):
    browser = client_for(alice)
    response = browser.post("/settings/notifications", data={"forum_reply": "hourly"})
    assert response.status_code == 200 and "There is a problem" in page_text(response)
    assert notifications.preferences_for(alice)["forum_reply"] == "daily"


def test_unsubscribe_works_without_signing_in(alice, client):
    notifications.save_preferences(alice, {"forum_reply": "now"})
    _tell_alice(alice)
    path = _unsubscribe_path(emails_to("alice@example.org")[0])
    question = page_text(client.get(path))
    assert "Stop these emails?" in question and "replies in threads you follow" in question
    done = page_text(client.post(path))
    assert "We have stopped those emails" in done
    assert notifications.delivery_for(alice, "forum_reply") == "never"
    _tell_alice(alice)
    assert len(emails_to("alice@example.org")) == 1


def test_one_click_unsubscribe_from_a_mail_program(alice, client):
    notifications.save_preferences(alice, {"meetup_changed": "now"})
    _tell_alice(alice, "meetup_changed", "The time has changed.")
    [message] = emails_to("alice@example.org")
    url = message["List-Unsubscribe"].strip("<>").replace("http://localhost", "")
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert notifications.delivery_for(alice, "meetup_changed") == "never"


def test_a_forged_or_altered_link_changes_nothing(alice, bob, client):
    from itsdangerous import URLSafeSerializer

    real = notifications.unsubscribe_token(alice, "forum_reply")
    forged = URLSafeSerializer("not-our-secret", salt="unsubscribe").dumps({"u": bob.id, "k": "forum_reply"})
    wrong_salt = URLSafeSerializer(client.application.config["SECRET_KEY"], salt="other").dumps({"u": bob.id, "k": "forum_reply"})
    safety = notifications.unsubscribe_token(alice, "on_behalf")  # cannot be turned off
    for token in (real[:-2] + "xx", forged, wrong_salt, "nonsense", safety):
        response = client.post(f"/unsubscribe/{token}")
        assert response.status_code == 400
        assert "Sorry, this link does not work" in page_text(response)
    assert db.session.scalars(sa.select(NotificationPreference)).all() == []


def test_meetup_emails_keep_the_venue_and_follow_the_members_choice(alice, hope, root):
    cafe = list_meetup(hope, hope_dementia_care(hope, root), capacity="10")
    meetups.rsvp(alice, cafe)
    meetups.message_everyone(hope, cafe, "Please bring a photo of a favourite place.")
    [message] = emails_to("alice@example.org")
    assert message["List-Unsubscribe"] and "/unsubscribe/" in email_text(message)
    notifications.save_preferences(alice, {"meetup_cancelled": "never"})
    meetups.cancel(hope, cafe, "The hall is flooded.")
    assert len(emails_to("alice@example.org")) == 1  # she chose not to be emailed about this
    note = db.session.scalars(sa.select(Notification).where(Notification.user_id == alice.id, Notification.kind == "meetup_cancelled")).one()
    assert note.link == f"/meetups/{cafe.id}" and "The hall is flooded." in note.message


def test_with_redis_a_request_queues_the_notification_email_and_the_worker_delivers_it(app, alice, bob, client_for, redis_url):
    from redis import Redis
    from rq import SimpleWorker

    from app.services.email import email_queue
    from tests.helpers import read_outbox

    notifications.save_preferences(alice, {"connection_request": "now"})
    app.config["REDIS_URL"] = redis_url
    queue = email_queue()
    queue.empty()
    client_for(bob).post(f"/members/{alice.id}/connect")
    assert notifications.unread_count(alice) == 1
    assert emails_to("alice@example.org") == [] and queue.count == 1  # the page did not wait

    SimpleWorker([queue], connection=Redis.from_url(redis_url)).work(burst=True)
    [message] = [m for m in read_outbox() if m["To"] == "alice@example.org"]
    assert message["Subject"] == "Bob Morgan would like to connect with you – Kindred"
    assert message["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")


@pytest.mark.committed  # the outbox keeps the email on a connection of its own
def test_when_the_queue_is_down_the_page_still_works_and_the_notification_is_kept(app, alice, bob, client_for, caplog):
    notifications.save_preferences(alice, {"connection_request": "now"})
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens here
    response = client_for(bob).post(f"/members/{alice.id}/connect")
    assert response.status_code == 302
    assert notifications.unread_count(alice) == 1
    # The email is not dropped: it waits in the database until the queue is back (tests/test_redis_outage.py).
    assert "kept email 'Bob Morgan would like to connect with you – Kindred' to alice@example.org in the outbox" in caplog.text
    from app.models import OutboxEmail

    assert [row.recipient for row in db.session.scalars(sa.select(OutboxEmail))] == ["alice@example.org"]
