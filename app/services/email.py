"""Sending email: through SMTP when MAIL_SERVER is set, otherwise as .eml files in the outbox folder.

Emails never slow a page: with REDIS_URL set they go on an RQ queue that `flask worker`
delivers (with retries); without Redis (a laptop, the tests) they are sent in-process.
A failed send is logged and never undoes the work that asked for it."""
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

from flask import current_app, render_template

from config import site_domain

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

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))


def send(message: EmailMessage) -> None:
    queue = email_queue()
    if queue is not None:
        from rq import Retry

        queue.enqueue(deliver_raw, bytes(message), retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS))
        log.info("Queued email %r to %s", message["Subject"], message["To"])
        return
    try:
        deliver(message)
    except Exception:  # noqa: BLE001 - the page (and any in-app notice) must not fail because mail did
        log.exception("Could not send email %r to %s", message["Subject"], message["To"])


def send_template(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render emails/<template>.txt and .html and send them (queued when Redis is configured)."""
    text_body = render_template(f"emails/{template}.txt", **context)
    html_body = render_template(f"emails/{template}.html", subject=subject, **context)
    message = build_message(to, subject, text_body, html_body)
    send(message)
    return message
