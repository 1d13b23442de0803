"""Flask extensions, created unbound and attached to the app in create_app()."""
from flask import current_app
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
