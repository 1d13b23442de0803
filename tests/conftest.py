"""Fixtures for every test: the app on SQLite and (where the dialect matters) PostgreSQL, clients, the cast.

The cast (PRODUCT.md): alice lives with dementia, bob is her son and carer, maya is a volunteer
moderator, hope represents Hope Dementia Care, root is the administrator. They are created through
the same services as real members.

How a test gets its database (fast by default)
-----------------------------------------------
* One app per backend per test session (and per distinct `app_overrides`), migrated once. A fresh
  app per test (werkzeug compiling ~130 URL rules) and a TRUNCATE of 40 tables after each
  PostgreSQL test used to be 60-70% of the suite's time.
* Each test runs inside one database transaction that is rolled back at the end (SQLAlchemy's
  "join a session into an external transaction" recipe, `join_transaction_mode="create_savepoint"`).
  Code under test may commit and roll back as it likes: its commits release SAVEPOINTs, its
  rollbacks return to the last one, and after-commit hooks (notification emails) fire as in
  production. Nothing a test wrote is left for the next one. On SQLite the pysqlite driver's own
  transaction handling is switched off so that SAVEPOINTs work (the SQLAlchemy docs' workaround).
* Per-test settings are put back after each test: `app.config` (tests may change it), state the
  app creates lazily in `app.extensions` (chat presence, chat rate limits), the rate-limit counters,
  and the module-level extension objects (limiter, socketio, ...) point at this test's app again.

Opting out: `@pytest.mark.committed`
-----------------------------------
A test whose data must really be committed, because something outside the test's own connection
reads it (a second app instance or engine, a thread with its own session, a live server for the
browser, a race between two connections on PostgreSQL, a migration), or that changes the app itself
(adds a route), marks itself (or its module) with `@pytest.mark.committed`. It then gets the slow,
fully separate set-up: a fresh app, a fresh copy of the migrated SQLite file, or on PostgreSQL a
TRUNCATE of every table afterwards. A test that asks for the `database_url` fixture (to connect to
the database itself) is treated as committed too.

Which backend: SQLite everywhere, PostgreSQL where the dialect matters
--------------------------------------------------------------------
Every test that uses the app runs on SQLite. Tests (or modules) marked `@pytest.mark.both_backends`
run on PostgreSQL as well: full-text search, races and conditional UPDATEs (places, case decisions,
double submits), triggers and constraints, JSON columns and the data export, migrations, plus a
broad smoke set of story tests across every feature (see POSTGRES_MODULES below for the list and
why). `@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)` still picks one backend.
`KINDRED_TEST_BACKENDS=all` runs every test on both, as the suite did before (for a release).

In CI (CI=true) an unreachable PostgreSQL or Redis fails the run; elsewhere those tests are skipped
with the reason printed. Under pytest-xdist each worker has its own PostgreSQL database
(`<name>_<worker>`, created if missing) and its own SQLite files; tests that share Redis queues run
on one worker (`xdist_group("redis")`, given automatically to tests that use `redis_url`).
"""
import os
from pathlib import Path
import shutil
import uuid

import pytest
import sqlalchemy as sa
from flask import g
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSqlAlchemySession

from app import create_app
from app.extensions import csrf, db, limiter, login_manager, migrate, socketio
from app.models import Role
from app.services import accounts
from tests import services_check
from tests.helpers import CAST_PASSWORD, sign_in

BACKENDS = ["sqlite", "postgresql"]

# Modules whose every test also runs on PostgreSQL, and why. Single tests elsewhere use the marker.
POSTGRES_MODULES = {
    "test_forums_search",  # full-text search: tsvector and ranking on PostgreSQL, LIKE on SQLite
    "test_forums_writing",  # double submits (submission keys, unique constraints), post counters
    "test_meetups_going",  # places and the waiting list: conditional UPDATEs, greatest() vs max()
    "test_moderation_record",  # one decision per case (conditional UPDATE), the audit log
    "test_moderation_reports",  # reports grouped into cases: unique constraints under load
    "test_my_data",  # JSON export and erasure across every table (foreign keys, cascades)
    "test_notifications",  # counters, bulk updates with rowcount, muting
    "test_notifications_digest",  # date arithmetic per dialect
    "test_chat_direct_messages",  # one room per pair: unique constraint and get-or-create
    "test_accounts",  # smoke: registration, tokens (single use by conditional UPDATE), sign-in
    "test_pages",  # smoke: every page renders on PostgreSQL
    "test_cli",  # migrations and seed-demo on both
    "test_meetups_listing",  # smoke: the stepped form, JSON answers
    "test_profiles_privacy",  # smoke: privacy rules written as SQL filters
    "test_circle",  # smoke: acting for someone, the on-behalf record (permission facts are queries)
    "test_connections",  # smoke: asking, accepting, one connection per pair (unique constraint)
    "test_blocking",  # smoke: blocked and muted people filtered out in SQL everywhere
    "test_moderation_permissions",  # the permission matrix for moderators, on both
}

# The module-level extension objects keep the state of the app they were last initialised with;
# each cached app remembers its own and gets it back when a test uses it.
EXTENSIONS = (limiter, socketio, login_manager, csrf, migrate)


def _compile_translations() -> None:
    """`make` builds the .mo files; a plain `pytest` after editing a .po must not test stale ones."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in Path(__file__).resolve().parent.parent.glob("app/translations/*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parts[-3])
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


def pytest_configure(config):
    _compile_translations()
    for line in (
        "committed: a fresh app whose data is really committed (other connections, threads or processes read it)",
        "both_backends: also run on PostgreSQL, because the dialect matters here",
    ):
        config.addinivalue_line("markers", line)


def _wanted_backends(metafunc) -> list[str]:
    if os.environ.get("KINDRED_TEST_BACKENDS", "").lower() == "all":
        return BACKENDS
    if metafunc.definition.get_closest_marker("both_backends") or metafunc.module.__name__.rsplit(".", 1)[-1] in POSTGRES_MODULES:
        return BACKENDS
    return ["sqlite"]


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    if any("backend" in mark.args[0] for mark in metafunc.definition.iter_markers("parametrize")):
        return  # the test chose its backend itself
    definitions = metafunc._arg2fixturedefs.get("backend", ())
    if definitions and definitions[-1].params is not None:
        return  # a module overrides the fixture with its own params
    metafunc.parametrize("backend", _wanted_backends(metafunc), indirect=True)


# Longest first, so that neither pytest-xdist worker is left running a long test alone at the end:
# the Redis group (one worker, chat scale-out servers among it), then the browser crawl and the
# other browser tests, then everything else in its usual order.
def _start_order(item) -> int:
    group = item.get_closest_marker("xdist_group")
    if group is not None and group.args[0] == "redis":
        return 0
    if item.get_closest_marker("browser"):
        return 1 if "test_every_page_shape_is_accessible" in item.nodeid else 2
    return 3


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "redis_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("redis"))
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.committed)
    items.sort(key=_start_order)  # stable: the usual order within each


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def _migrated_app(uri: str, **overrides):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, **overrides)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """One SQLite file migrated from empty; committed tests get a copy (much faster than migrating)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite"
    _migrated_app(f"sqlite:///{path}")
    return path


def _worker_postgres_url(url: str) -> str:
    """Under xdist, gw0 uses <name>_gw0 and so on, created on first use."""
    worker = _worker()
    if not worker:
        return url
    parsed = sa.engine.make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_database():
    """This worker's test database, emptied and migrated from empty once per run."""
    url = services_check.postgres_url()
    try:
        services_check.check_postgres(url)
        url = _worker_postgres_url(url)
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


@pytest.fixture(params=["in-process", "redis"])
def kept_in(request, app):
    """Where pages and versions are kept: this process, or Redis as several server processes share."""
    from app import page_cache

    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        app.config.update(REDIS_URL=url, PAGE_CACHE_PREFIX=f"kindred-page-test-{uuid.uuid4().hex}:")
        page_cache.init_app(app)
        yield request.param
        page_cache.cache.clear()
        app.config["REDIS_URL"] = None
        page_cache.init_app(app)
    else:
        yield request.param


@pytest.fixture
def backend(request):
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(request, backend, tmp_path, sqlite_template):
    """A database of the test's own (committed tests): a fresh SQLite copy, or the PostgreSQL one."""
    if backend == "sqlite":
        path = tmp_path / "kindred.sqlite"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def app_overrides():
    """Override in a test module to change settings, e.g. to turn rate limits on."""
    return {}


def _forget_signed_in_member(_error):
    # The test keeps one app context open (so tests can call services), and requests
    # reuse it; without this, one client's signed-in member would leak into the next.
    g.pop("_login_user", None)


def _new_app(database_url, tmp_path, overrides):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, OUTBOX_DIR=str(tmp_path / "outbox"), UPLOAD_DIR=str(tmp_path / "uploads"),
                     LISTEN_CACHE_DIR=str(tmp_path / "listen"), **overrides)
    app.teardown_request(_forget_signed_in_member)
    return app


class _CachedApp:
    """An app made once per session, with what it needs to be put back as new before each test."""

    def __init__(self, app):
        self.app = app
        self.config = dict(app.config)
        self.extension_keys = set(app.extensions)
        self.extension_state = {extension: dict(vars(extension)) for extension in EXTENSIONS}
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            with app.app_context():
                _make_sqlite_savepoints_work(db.engine)

    def activate(self, tmp_path):
        for extension, state in self.extension_state.items():
            vars(extension).clear()
            vars(extension).update(state)
        self.app.config.clear()
        self.app.config.update(self.config, OUTBOX_DIR=str(tmp_path / "outbox"), UPLOAD_DIR=str(tmp_path / "uploads"),
                               LISTEN_CACHE_DIR=str(tmp_path / "listen"))
        if self.app.config.get("RATELIMIT_ENABLED"):
            with self.app.app_context():
                limiter.reset()

    def reset(self):
        self.app.config.clear()
        self.app.config.update(self.config)
        for key in set(self.app.extensions) - self.extension_keys:
            del self.app.extensions[key]


def _make_sqlite_savepoints_work(engine):
    """pysqlite starts transactions late and ignores SAVEPOINT; let SQLAlchemy emit BEGIN itself."""

    @sa.event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")

    engine.dispose()


class _SessionOnTestConnection(FlaskSqlAlchemySession):
    # Flask-SQLAlchemy picks the engine by bind key; in a test every query goes through the
    # one connection that holds the test's transaction.
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@pytest.fixture(scope="session")
def _app_cache():
    cache = {}
    yield cache
    for cached in cache.values():
        with cached.app.app_context():
            db.engine.dispose()


def _cache_key(backend, overrides):
    return backend, tuple(sorted((key, repr(value)) for key, value in overrides.items()))


@pytest.fixture
def app(request, backend, tmp_path, app_overrides, _app_cache):
    if request.node.get_closest_marker("committed"):
        yield from _committed_app(request, backend, tmp_path, app_overrides)
        return
    key = _cache_key(backend, app_overrides)
    if key not in _app_cache:
        if backend == "sqlite":
            path = request.getfixturevalue("sqlite_template").with_name(f"session-{len(_app_cache)}.sqlite")
            shutil.copy(request.getfixturevalue("sqlite_template"), path)
            url = f"sqlite:///{path}"
        else:
            url = request.getfixturevalue("postgres_database")
        _app_cache[key] = _CachedApp(_new_app(url, tmp_path, app_overrides))
    cached = _app_cache[key]
    cached.activate(tmp_path)
    app = cached.app
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        shared_session = db.session
        db.session = db._make_scoped_session(
            {"class_": _SessionOnTestConnection, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = shared_session
            transaction.rollback()
            connection.close()
            cached.reset()


def _committed_app(request, backend, tmp_path, overrides):
    """The separate set-up: a fresh app on a fresh database, emptied afterwards."""
    url = request.getfixturevalue("database_url")
    app = _new_app(url, tmp_path, overrides)
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
