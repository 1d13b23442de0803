"""Fixtures for every test: the app on SQLite and (when reachable) PostgreSQL, clients, and the cast.

The cast (PRODUCT.md): alice lives with dementia, bob is her son and carer, maya is a volunteer
moderator, hope represents Hope Dementia Care, root is the administrator. They are created through
the same services as real members.
"""
import shutil

import pytest
import sqlalchemy as sa
from flask import g
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Role
from app.services import accounts
from tests import services_check
from tests.helpers import CAST_PASSWORD, sign_in

BACKENDS = ["sqlite", "postgresql"]


def _migrated_app(uri: str, **overrides):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, **overrides)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """One SQLite file migrated from empty; each test gets a copy (much faster than migrating)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite"
    _migrated_app(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database():
    """The test database, emptied and migrated from empty once per run."""
    url = services_check.postgres_url()
    try:
        services_check.check_postgres(url)
    except Exception as error:  # noqa: BLE001 - any failure to connect means "not reachable"
        services_check.unavailable("PostgreSQL", error)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    _migrated_app(url)
    return url


@pytest.fixture(scope="session")
def redis_url():
    url = services_check.redis_url()
    try:
        services_check.check_redis(url)
    except Exception as error:  # noqa: BLE001
        services_check.unavailable("Redis", error)
    return url


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database_url(request, backend, tmp_path, sqlite_template):
    if backend == "sqlite":
        path = tmp_path / "kindred.sqlite"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def app_overrides():
    """Override in a test module to change settings, e.g. to turn rate limits on."""
    return {}


@pytest.fixture
def app(database_url, backend, tmp_path, app_overrides):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, OUTBOX_DIR=str(tmp_path / "outbox"), UPLOAD_DIR=str(tmp_path / "uploads"),
                     LISTEN_CACHE_DIR=str(tmp_path / "listen"), **app_overrides)

    @app.teardown_request
    def _forget_signed_in_member(_error):
        # The test keeps one app context open (so tests can call services), and requests
        # reuse it; without this, one client's signed-in member would leak into the next.
        g.pop("_login_user", None)

    with app.app_context():
        yield app
        db.session.remove()
        if backend == "postgresql":
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def client_for(app):
    """client_for(alice) gives a fresh browser-like client already signed in as Alice."""

    def make(user):
        return sign_in(app.test_client(), user)

    return make


def _member(name, email, role):
    return accounts.register(name, email, CAST_PASSWORD, role, confirmed=True)


@pytest.fixture
def root(app):
    return accounts.create_admin("Kindred Admin", "root@example.org", CAST_PASSWORD)


@pytest.fixture
def alice(app):
    return _member("Alice Morgan", "alice@example.org", Role.LIVING_WITH_DEMENTIA)


@pytest.fixture
def bob(app):
    return _member("Bob Morgan", "bob@example.org", Role.CARER)


@pytest.fixture
def maya(app, root):
    maya = _member("Maya Patel", "maya@example.org", Role.VOLUNTEER)
    accounts.decide_approval(root, maya, approve=True, reason="Trained volunteer")
    maya.is_moderator = True  # given by root as a separate step (moderation.set_moderator, tested in test_admin.py)
    db.session.commit()
    return maya


@pytest.fixture
def hope(app, root):
    hope = _member("Hope Dementia Care", "hope@example.org", Role.ORGANISATION)
    accounts.decide_approval(root, hope, approve=True, reason="Registered charity")
    return hope
