"""One way to act after a commit: socket emits, emails and safety alerts (as Zulip's
send_event_on_commit).

A service that changes something and wants the world told (a live chat update, an email, a safety
alert to the safeguarding leads) calls after_commit(action, ...) before it commits. The action runs
once the transaction commits, in the order queued, and never if it is rolled back, so nobody is told
about a change that did not happen. Build what the action needs (payloads, email messages) before
the commit: the actions run after the transaction has ended and its connection has gone back to the
pool, and any SQL there would start a new transaction. An action that fails is logged,
not raised: the change is committed, and the page or socket event must not fail because a live
update or an email could not be queued.

The tests join each test's session to a transaction rolled back at the end (tests/conftest.py): the
code's own commits release SAVEPOINTs and fire this hook just as a real commit does.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)

_KEY = "kindred_after_commit"
_READY = "kindred_after_commit_ready"


def after_commit(action: Callable[..., object], *args, **kwargs) -> None:
    """Run action(*args, **kwargs) when the current transaction commits (never if it rolls back)."""
    db.session.info.setdefault(_KEY, []).append((action, args, kwargs))


def pending() -> int:
    """How many actions wait for the commit (for tests and debugging)."""
    return len(db.session.info.get(_KEY, ()))


@event.listens_for(Session, "after_commit")
def _committed(session):
    actions = session.info.pop(_KEY, None)
    if actions:
        session.info.setdefault(_READY, []).extend(actions)


@event.listens_for(Session, "after_transaction_end")
def _run_after_commit(session, transaction):
    """Run once the committed transaction has ended, so its connection is back in the pool before
    any emit or email is handed on (chat under load must not hold connections while it emits)."""
    if transaction.parent is not None or transaction.nested:
        return
    actions = session.info.pop(_READY, None) or []
    for action, args, kwargs in actions:
        try:
            action(*args, **kwargs)
        except Exception:  # noqa: BLE001 - the change is committed; the caller must not fail now
            log.exception("An after-commit action failed: %s", getattr(action, "__qualname__", action))


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, _previous_transaction):
    # A SAVEPOINT rolled back (begin_nested) leaves the outer transaction and its actions alone.
    if not session.in_transaction():
        session.info.pop(_KEY, None)
