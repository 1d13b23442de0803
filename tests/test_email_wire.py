"""Emails as mail programs see them: the raw bytes on the wire, and a second parser that is not built
on Python's email package (fast-mail-parser, in Rust). Python's own parser quietly decodes what
mail programs cannot, so every check here reads the raw header lines first."""
import logging
import re
from pathlib import Path

import fast_mail_parser
import pytest

from app import create_app
from app.extensions import db
from app.services import email, notifications

LONG_SUBJECT = "Your meet-up “Memory café at the library” on Tuesday 8 December 2026 has changed"


def raw_outbox(app) -> list[bytes]:
    outbox = Path(app.config["OUTBOX_DIR"])
    return [path.read_bytes() for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)]


def raw_headers(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # headers on the wire are ASCII, lines end in CRLF


def header_line(raw: bytes, name: str) -> str:
    """The header as written, its folded lines joined back as a mail program would unfold them."""
    unfolded = re.sub(r"\r\n(?=[ \t])", "", raw_headers(raw))
    [line] = [line for line in unfolded.split("\r\n") if line.lower().startswith(name.lower() + ":")]
    return line.split(":", 1)[1].strip()


def _email_alice_about_a_reply(alice):
    notifications.save_preferences(alice, {"forum_reply": "now"})
    notifications.notify(alice, "forum_reply", "Bob Morgan replied in “Hello”, a thread you follow.", "/threads/1#post-2")
    db.session.commit()


def test_one_click_unsubscribe_goes_out_as_a_literal_address_that_mail_programs_can_use(app, alice):
    _email_alice_about_a_reply(alice)
    [raw] = raw_outbox(app)
    value = header_line(raw, "List-Unsubscribe")
    assert len(value) > 78  # long enough that Python's default policy used to encode it
    assert re.fullmatch(r"<http://localhost/unsubscribe/[A-Za-z0-9._~-]+>", value), value  # RFC 2369, not =?utf-8?q?
    assert header_line(raw, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"  # RFC 8058
    parsed = fast_mail_parser.parse_email(raw)
    assert parsed.headers["List-Unsubscribe"] == [value]
    assert parsed.headers["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"]


def test_a_long_subject_is_folded_without_losing_or_adding_a_space(app):
    email.deliver(email.build_message("bob@example.org", LONG_SUBJECT, "Memory café has moved to Thursday."))
    [raw] = raw_outbox(app)
    subject_lines = re.search(r"^Subject:.*?(?=\r\n[^ \t])", raw_headers(raw), re.S | re.M).group(0).split("\r\n")
    assert len(subject_lines) > 1 and all(len(line) <= 78 for line in subject_lines)  # folded, as RFC 5322 asks
    expected = f"{LONG_SUBJECT} – Kindred"
    assert fast_mail_parser.parse_email(raw).subject == expected
    from email import message_from_bytes, policy

    assert message_from_bytes(raw, policy=policy.default)["Subject"] == expected


def test_every_email_names_the_site_in_its_message_id_is_dated_in_utc_and_is_marked_automatic(app):
    app.config.update(SERVER_NAME="kindred.example.org", PREFERRED_URL_SCHEME="https")
    email.deliver(email.build_message("bob@example.org", "Reminder", "Memory café tomorrow."))
    [raw] = raw_outbox(app)
    assert re.fullmatch(r"<[^@<>\s]+@kindred\.example\.org>", header_line(raw, "Message-ID"))
    assert header_line(raw, "Date").endswith(" +0000")  # "-0000" would mean "time zone unknown"
    assert header_line(raw, "Auto-Submitted") == "auto-generated"  # RFC 3834: no out-of-office replies back
    parsed = fast_mail_parser.parse_email(raw)
    assert parsed.headers["Auto-Submitted"] == ["auto-generated"]


@pytest.mark.redis
def test_the_queued_path_delivers_exactly_the_bytes_that_were_built(app, alice, redis_url):
    from redis import Redis
    from rq import SimpleWorker

    app.config["REDIS_URL"] = redis_url
    queue = email.email_queue()
    queue.empty()
    message = email.build_message("alice@example.org", LONG_SUBJECT, "Memory café has moved.", headers={
        "List-Unsubscribe": "<http://localhost/unsubscribe/" + "a" * 90 + ">"})
    email.send(message)
    assert raw_outbox(app) == []
    SimpleWorker([queue], connection=Redis.from_url(redis_url)).work(burst=True)
    [raw] = raw_outbox(app)
    assert raw == bytes(message)  # not parsed and folded again on the way
    assert fast_mail_parser.parse_email(raw).subject == f"{LONG_SUBJECT} – Kindred"
    assert header_line(raw, "List-Unsubscribe") == "<http://localhost/unsubscribe/" + "a" * 90 + ">"


def test_production_refuses_to_start_without_the_sites_address(monkeypatch, tmp_path):
    monkeypatch.setattr("config.ProductionConfig.SECRET_KEY", "x" * 48)
    monkeypatch.setattr("config.ProductionConfig.SERVER_NAME", None)
    monkeypatch.setattr("config.ProductionConfig.SITE_URL", None)
    with pytest.raises(RuntimeError, match="without the site's address: set SITE_URL"):
        create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.sqlite")


def test_production_warns_about_the_default_sender_address(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr("config.ProductionConfig.SECRET_KEY", "x" * 48)
    with caplog.at_level(logging.WARNING):
        create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.sqlite",
                   SITE_URL="https://kindred.example.org", RATELIMIT_STORAGE_URI="memory://")
    assert "MAIL_FROM is not set" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.sqlite",
                         SITE_URL="https://kindred.example.org", MAIL_FROM="Kindred <hello@kindred.example.org>",
                         RATELIMIT_STORAGE_URI="memory://")
    assert "MAIL_FROM" not in caplog.text
    with app.app_context():
        assert email.build_message("a@example.org", "Hi", "Hi")["Message-ID"].endswith("@kindred.example.org>")
