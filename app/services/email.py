"""Sending email: through SMTP when MAIL_SERVER is set, otherwise as .eml files in the outbox folder.

Emails never slow a page: with REDIS_URL set they go on an RQ queue that `flask worker`
delivers (with retries); without Redis (a laptop, the tests) they are sent in-process.
A failed send is logged and never undoes the work that asked for it. When Redis cannot be
reached, the email is kept in the database (the email_outbox table) and handed to the queue
once it is back: by `flask send-outbox` (cron, every minute), when the worker starts, and by
the next email this process queues successfully."""
import logging
import smtplib
import uuid
from datetime import datetime, timezone
from email import policy as email_policy
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from app import i18n

from config import site_domain
from app.models.types import utcnow
from app.extensions import db
from app.models import OutboxEmail

log = logging.getLogger(__name__)

# Headers that mail programs read as addresses: they must go out literally (RFC 2369, 8058, 5322),
# never as RFC 2047 encoded-words, even when longer than 78 characters (the hard limit is 998).
_LITERAL_HEADERS = {"list-unsubscribe", "list-unsubscribe-post", "message-id"}


class WirePolicy(EmailPolicy):
    """Python's default policy folds a long List-Unsubscribe into encoded-words (mail programs then
    cannot find the address) and drops or doubles spaces when it folds a subject with non-ASCII
    characters. This policy writes the literal headers unfolded and encodes non-ASCII subjects
    with email.header.Header, which keeps every space inside the encoded-words."""

    def fold(self, name, value):
        return self._wire_fold(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        folded = self._wire_fold(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)

    def _wire_fold(self, name, value):
        if not hasattr(value, "name"):  # a header read from source: keep the general rules
            return None
        text = str(value)
        if name.lower() in _LITERAL_HEADERS and text.isascii():
            return f"{name}: {text}{self.linesep}"
        if name.lower() == "subject" and not text.isascii():
            return f"{name}: {Header(text, 'utf-8', header_name=name).encode(linesep=self.linesep)}{self.linesep}"
        return None


WIRE = WirePolicy(linesep="\r\n")


def build_message(to: str, subject: str, text_body: str, html_body: str | None = None, headers=None) -> EmailMessage:
    config = current_app.config
    message = EmailMessage(policy=WIRE)
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = f"{subject} – {config['SITE_NAME']}"
    message["Date"] = format_datetime(datetime.now(timezone.utc))  # "+0000": "-0000" means "time zone unknown"
    message["Message-ID"] = make_msgid(domain=site_domain(config))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies are not sent back
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text_body)
    if html_body:
        message.add_alternative(html_body, subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    deliver_raw(bytes(message))


def deliver_raw(raw: bytes) -> None:
    """Send the message's bytes exactly as built (also the queued job, run by `flask worker` in the app
    context). The headers are read only for the envelope: re-serialising would fold them again."""
    config = current_app.config
    headers = BytesParser(policy=email_policy.default).parsebytes(raw, headersonly=True)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.sendmail(headers["From"].addresses[0].addr_spec, [a.addr_spec for a in headers["To"].addresses], raw)
        log.info("Sent email %r to %s", headers["Subject"], headers["To"])
        return
    outbox = Path(config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{datetime.now(timezone.utc):%d-%b-%Y-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(raw)
    log.info("Wrote email %r to %s in %s", headers["Subject"], headers["To"], path)


QUEUE_NAME = "emails"
RETRY_INTERVALS = [30, 120, 600]  # seconds: a mail server that is down for a while is retried


def email_queue():
    """The RQ queue for emails, or None when there is no Redis (then we send in-process)."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url or current_app.config.get("EMAIL_IN_PROCESS"):
        return None
    from redis import Redis
    from rq import Queue

    # Short timeouts: a Redis that is down must not hold a page up (the outbox keeps the email).
    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2))


def _enqueue(queue, raw: bytes) -> None:
    from rq import Retry

    queue.enqueue(deliver_raw, raw, retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS))


# Set when this process kept an email in the outbox, so its next successful enqueue empties it.
_outbox_waiting = False


def send(message: EmailMessage) -> None:
    global _outbox_waiting
    queue = email_queue()
    if queue is not None:
        try:
            _enqueue(queue, bytes(message))
        except Exception as error:  # noqa: BLE001 - Redis down or unreachable: keep it, never lose it
            keep_in_outbox(message, error)
            return
        log.info("Queued email %r to %s", message["Subject"], message["To"])
        if _outbox_waiting:
            _outbox_waiting = False
            send_outbox()
        return
    try:
        deliver(message)
    except Exception:  # noqa: BLE001 - the page (and any in-app notice) must not fail because mail did
        log.exception("Could not send email %r to %s", message["Subject"], message["To"])


def keep_in_outbox(message: EmailMessage, error: Exception) -> None:
    """Store the email in the database on a connection of its own (this is often called after
    the page's own commit, where the page's session cannot write)."""
    global _outbox_waiting
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(OutboxEmail).values(
                raw=bytes(message), recipient=str(message["To"])[:320], subject=str(message["Subject"])[:300],
                created_at=utcnow(), attempts=1, last_error=f"{type(error).__name__}: {error}"[:500],
            ))
    except Exception:  # noqa: BLE001 - nowhere left to keep it: say so loudly
        log.exception("Could not queue or keep email %r to %s", message["Subject"], message["To"])
        return
    _outbox_waiting = True
    log.warning("The email queue is unreachable (%s): kept email %r to %s in the outbox", error, message["Subject"], message["To"])


def send_outbox(limit: int = 500) -> tuple[int, int]:
    """Hand the kept emails to the queue (or deliver them here without Redis), oldest first.
    Stops at the first failure (the queue is still down) and keeps the rest. Returns (sent, left)."""
    queue = email_queue()
    sent = 0
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.select(OutboxEmail.id, OutboxEmail.raw).where(OutboxEmail.sent_at.is_(None)).order_by(OutboxEmail.id).limit(limit)
        ).all()
    for row_id, raw in rows:
        try:
            if queue is not None:
                _enqueue(queue, raw)
            else:
                deliver_raw(raw)
        except Exception as error:  # noqa: BLE001
            with db.engine.begin() as connection:
                connection.execute(sa.update(OutboxEmail).where(OutboxEmail.id == row_id).values(
                    attempts=OutboxEmail.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:500]))
            log.warning("The outbox could not hand on email %s yet: %s", row_id, error)
            break
        with db.engine.begin() as connection:
            connection.execute(sa.update(OutboxEmail).where(OutboxEmail.id == row_id).values(sent_at=utcnow()))
        sent += 1
    with db.engine.connect() as connection:
        left = connection.execute(sa.select(sa.func.count(OutboxEmail.id)).where(OutboxEmail.sent_at.is_(None))).scalar_one()
    if sent:
        log.info("Handed %s kept email(s) from the outbox to the queue; %s still waiting", sent, left)
    return sent, left


def render_email(to: str, subject, template: str, *, language: str | None = None, headers=None, **context) -> EmailMessage:
    """emails/<template>.txt and .html as one message, in the reader's language: `language`, or that
    of `user` in the context. Pass the subject (and any sentence in the context) as lazy_gettext, so
    it is translated here, in the reader's language, not the language of the page that sent it."""
    with force_locale(language or i18n.language_of(context.get("user"))):
        subject = str(subject)
        text_body = render_template(f"emails/{template}.txt", **context)
        html_body = render_template(f"emails/{template}.html", subject=subject, **context)
    return build_message(to, subject, text_body, html_body, headers=headers)


def send_template(to: str, subject, template: str, **context) -> EmailMessage:
    """Render emails/<template>.txt and .html (see render_email) and send them (queued when Redis is configured)."""
    message = render_email(to, subject, template, **context)
    send(message)
    return message
