"""Email goes through SMTP when MAIL_SERVER is set, and to the outbox folder otherwise."""
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

    def send_message(self, message):
        FakeSMTP.sent.append((self.host, self.port, self.calls, message))


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
