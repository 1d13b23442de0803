"""Flask extensions, created unbound and attached to the app in create_app()."""
import logging
import re

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints make Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
socketio = SocketIO()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def read_without_a_transaction() -> None:
    """Where reading pages runs without a transaction (READ_PAGES_AUTOCOMMIT, on PostgreSQL: set
    up in app/__init__.py), this request's session takes its connection in autocommit mode: no
    BEGIN before its first statement and no ROLLBACK at its end; the pool resets the connection
    when it comes back. Call it before anything reads."""
    if current_app.extensions.get("read_pages_autocommit"):
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


log = logging.getLogger(__name__)

# Statements that change no data, after which a transaction may end with COMMIT: SELECT (a
# SELECT ... FOR UPDATE too: its locks end either way), a WITH query without INSERT, UPDATE, DELETE
# or MERGE anywhere in it (a WITH ... FOR UPDATE counts as a change: erring towards a rollback),
# SET LOCAL (it ends with the transaction either way) and savepoints.
_READING = re.compile(r"\s*(?:SELECT|SAVEPOINT|RELEASE|SET\s+LOCAL)\b", re.IGNORECASE)
_WITH = re.compile(r"\s*WITH\b", re.IGNORECASE)
_CHANGING = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _only_reads(statement: str) -> bool:
    return bool(_READING.match(statement) or (_WITH.match(statement) and not _CHANGING.search(statement)))


@sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _note_statement(connection, _cursor, statement, _parameters, _context, _executemany):
    """What end_reading_with_commit needs to know of this request's statements: whether any
    changed something, and whether any read inside a transaction (not in autocommit mode)."""
    if not has_app_context():
        return
    if not _only_reads(statement):
        g.database_wrote = True
    elif connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        g.database_read_in_a_transaction = True


def end_reading_with_commit(error: BaseException | None) -> None:
    """teardown_request: a request that only read ends its transaction with COMMIT, not ROLLBACK.

    psycopg prepares a statement once it has run five times on a connection, and PostgreSQL then
    plans it once: on one connection the thread page's statement of a member's own state took
    1.15 ms a run unprepared and 0.35 ms prepared, the category listing 0.96 and 0.40 ms (mostly
    planning, on the same cores as the app; 3 ms to plan in a fresh connection). But psycopg
    forgets every prepared statement at each ROLLBACK (an object may have been dropped and made
    again), and ending a session's transaction rolls it back: any page read inside a transaction
    (a visitor's page not kept, the meet-ups, chat, settings) threw away every prepared statement
    on its connection, so under a real mix of pages a busy statement was rarely prepared. Ending a
    transaction that only read with COMMIT changes nothing stored and keeps them. Anything else
    rolls back as before: an error, any statement that changes something (_only_reads), or objects
    changed and not yet flushed. A request that read nothing inside a transaction (a kept page, a
    reading page in autocommit mode) has nothing to end, and is left alone: its ROLLBACK sends
    nothing, and committing would only expire the session's objects and run its after-commit hooks."""
    wrote = g.pop("database_wrote", False)
    read = g.pop("database_read_in_a_transaction", False)
    if error is not None or wrote or not read:
        return
    session = db.session()  # this request's own
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    try:
        session.commit()
    except Exception:  # noqa: BLE001 - a reading transaction that cannot commit is rolled back, as before
        log.warning("a reading transaction did not commit; rolled back", exc_info=True)
        session.rollback()
