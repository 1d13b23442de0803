"""Sending email: through SMTP when MAIL_SERVER is set, otherwise as .eml files in the outbox folder.

Emails never slow a page: with REDIS_URL set they go on an RQ queue that `flask worker`
delivers (with retries); without Redis (a laptop, the tests) they are sent in-process.
A failed send is logged and never undoes the work that asked for it."""
import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template

log = logging.getLogger(__name__)


def build_message(to: str, subject: str, text_body: str, html_body: str | None = None, headers=None) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = f"{subject} – {config['SITE_NAME']}"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="kindred.local")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text_body)
    if html_body:
        message.add_alternative(html_body, subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        log.info("Sent email %r to %s", message["Subject"], message["To"])
        return
    outbox = Path(config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{formatdate(usegmt=True)[5:25].replace(' ', '-').replace(':', '')}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    log.info("Wrote email %r to %s in %s", message["Subject"], message["To"], path)


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


def deliver_raw(raw: bytes) -> None:
    """The queued job: runs in `flask worker`, inside the app context."""
    from email import policy
    from email.parser import BytesParser

    deliver(BytesParser(policy=policy.default).parsebytes(raw))


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
