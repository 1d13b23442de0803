"""Email goes through SMTP when MAIL_SERVER is set, and to the outbox folder otherwise."""
import pytest

from app.services import email
from tests.helpers import email_text, read_outbox


class FakeSMTP:
    sent = []

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port
        self.calls = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.calls.append("starttls")

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def sendmail(self, sender, recipients, raw):
        from email import message_from_bytes, policy

        FakeSMTP.sent.append((self.host, self.port, self.calls, message_from_bytes(raw, policy=policy.default)))


def test_without_a_mail_server_emails_are_written_to_the_outbox(app):
    email.deliver(email.build_message("alice@example.org", "Hello", "Plain words.", "<p>Plain words.</p>"))
    [message] = read_outbox()
    assert message["Subject"] == "Hello – Kindred" and message["To"] == "alice@example.org"
    assert email_text(message).strip() == "Plain words."
    assert message.get_body(("html",)).get_content().strip() == "<p>Plain words.</p>"


def test_with_a_mail_server_emails_go_through_smtp_with_tls_and_login(app, monkeypatch):
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=587, MAIL_USERNAME="kindred", MAIL_PASSWORD="secret")
    email.deliver(email.build_message("bob@example.org", "Reminder", "Memory café tomorrow."))
    host, port, calls, message = FakeSMTP.sent[-1]
    assert (host, port) == ("smtp.example.org", 587)
    assert calls == ["starttls", ("login", "kindred", "secret")]
    assert message["To"] == "bob@example.org"
    assert read_outbox() == []


def test_a_failing_mail_server_is_logged_and_never_breaks_the_page(app, client, alice, monkeypatch, caplog):
    class BrokenSMTP(FakeSMTP):
        def sendmail(self, sender, recipients, raw):
            raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("smtplib.SMTP", BrokenSMTP)
    app.config["MAIL_SERVER"] = "smtp.example.org"
    reply = client.post("/sign-in/email-link", data={"email": "alice@example.org"})
    assert "we have sent it a sign-in link" in " ".join(reply.get_data(as_text=True).split())
    assert "Could not send email 'Your sign-in link – Kindred' to alice@example.org" in caplog.text


@pytest.mark.redis
def test_with_redis_a_request_queues_the_email_and_the_worker_delivers_it(app, client, alice, redis_url):
    from redis import Redis
    from rq import SimpleWorker

    from app.services.email import email_queue

    app.config["REDIS_URL"] = redis_url
    queue = email_queue()
    queue.empty()
    client.post("/forgotten-password", data={"email": "alice@example.org"})
    assert read_outbox() == [] and queue.count == 1  # the page did not wait for the email

    SimpleWorker([queue], connection=Redis.from_url(redis_url)).work(burst=True)
    [message] = read_outbox()
    assert message["To"] == "alice@example.org" and message["Subject"] == "Choose a new password – Kindred"
    assert "/reset-password/" in email_text(message)
