"""Helpers the tests share: signing in, reading the outbox, counting queries, reading pages."""
import re
from contextlib import contextmanager
from email import policy
from email.parser import BytesParser
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.extensions import db

CAST_PASSWORD = "teapot garden sunny bus"


def sign_in(client, user, password: str = CAST_PASSWORD):
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, f"{user.display_name} could not sign in"
    return client


def read_outbox(app=None) -> list:
    """Every email written to the outbox, oldest first, as email.message.EmailMessage."""
    outbox = Path((app or current_app).config["OUTBOX_DIR"])
    if not outbox.exists():
        return []
    files = sorted(outbox.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    return [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in files]


def emails_to(address: str, app=None) -> list:
    return [message for message in read_outbox(app) if message["To"] == address]


def email_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def first_link(message, path_prefix: str) -> str:
    """The first link in an email's text whose path starts with path_prefix, as a path."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", email_text(message))
    assert match, f"no {path_prefix} link in: {email_text(message)}"
    return match.group(1)


def page_text(response) -> str:
    """The visible words of a page, whitespace collapsed, for "what a person sees" assertions."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&#39;", "'").replace("&amp;", "&").replace("&quot;", '"')
    return " ".join(text.split())


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries():
    counter = QueryCounter()
    # Tests share one session with the requests they make; expiring it makes every page
    # load what it needs from the database, as it would in production.
    db.session.expire_all()
    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)


@contextmanager
def assert_max_queries(limit: int):
    """Fail if the block runs more than `limit` SQL statements (pages load in a fixed number)."""
    with count_queries() as counter:
        yield counter
    assert counter.count <= limit, f"{counter.count} queries (limit {limit}):\n" + "\n".join(counter.statements)
