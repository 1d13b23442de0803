"""The application factory: configuration, extensions, blueprints, security headers and error pages."""
import logging
import math
import os
import sqlite3

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import INSTANCE_DIR, ProductionConfig, config_for


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    # Every <int:...> in an address is a row's id, and PostgreSQL's ids are 32-bit: a larger number
    # is a page that cannot exist (404, "not found"), not an "integer out of range" error (500).
    app.url_map.converters["int"] = _DatabaseIdConverter
    config_class = config_for(config_name)
    app.config.from_object(config_class)
    app.config.update(overrides)
    if config_class is ProductionConfig:
        ProductionConfig.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(logging.INFO)

    from app import session_cookie

    session_cookie.init_app(app)  # a member's cookie renewed once a day, not signed again on every page
    _init_extensions(app)
    from app import i18n, security

    i18n.init_app(app)

    security.init_app(app)  # before every other hook: a cross-site POST is refused first
    from app import cleaning

    cleaning.init_app(app)  # then no view ever sees a control character (PostgreSQL refuses NUL)
    _register_blueprints(app)
    _register_request_hooks(app)

    from app import cli, errors, safety_cli, templating

    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    safety_cli.init_app(app)
    if not app.testing:
        _preload_safety_model()
    return app


def _preload_safety_model() -> None:
    """Load the safety model in the background as the process starts (importing scikit-learn and
    reading the model takes a few seconds), so the first person to write does not wait for it."""
    import threading

    from app.services import safety_model

    threading.Thread(target=safety_model.load, name="safety-model", daemon=True).start()


def _init_extensions(app: Flask) -> None:
    from app import page_cache
    from app.extensions import compress, csrf, db, limiter, login_manager, migrate, socketio

    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_size": app.config["DATABASE_POOL_SIZE"],
            "max_overflow": app.config["DATABASE_MAX_OVERFLOW"],
            "pool_timeout": app.config["DATABASE_POOL_TIMEOUT"],
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    # PostgreSQL: pool_pre_ping's work is done by _ping_only_idle_connections instead.
    ping = not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite") and app.config["SQLALCHEMY_ENGINE_OPTIONS"].pop("pool_pre_ping", False)
    db.init_app(app)
    if ping:
        with app.app_context():
            _ping_only_idle_connections(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    page_cache.init_app(app)
    from app.services import fragments

    fragments.init_app(app)  # each forum post's HTML, cached by what it is made of
    # Compression (brotli, else gzip) from the app itself, for `make run` and a single server;
    # behind nginx set COMPRESS_RESPONSES=false and let nginx do it (README).
    compress.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    from app.security import csrf_token

    # Signed once per session, not per page (app/security.py): in place of Flask-WTF's generate_csrf,
    # which it gives templates both as a global and from a context processor (this one comes after).
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.localize_callback = str  # the lazy sentence in the page's language (a session keeps only text)
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    # Flask-SocketIO keeps the Redis client manager of an earlier init_app in server_options; an
    # app made later in the same process (tests, benchmarks) without Redis must not inherit it.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        message_queue=redis_url,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "threading"),
        cors_allowed_origins=app.config.get("SOCKETIO_ALLOWED_ORIGINS", []) or None,
        max_http_buffer_size=app.config.get("SOCKETIO_MAX_BUFFER", 64 * 1024),
        ping_interval=app.config.get("SOCKETIO_PING_INTERVAL", 25),
        ping_timeout=app.config.get("SOCKETIO_PING_TIMEOUT", 60),
        channel=app.config.get("SOCKETIO_CHANNEL", "kindred-socketio"),
    )

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)

    @login_manager.user_loader
    def load_user(login_id: str):
        # The login id is "<user id>:<session epoch>:<session secret>" (User.get_id); it signs in
        # only while that session is live on the server and the password is unchanged.
        from app import kept_members
        from app.services.accounts import user_for_login_id

        # Asked more than once in a request (hooks reset the signed-in member): one query per request.
        remembered = getattr(request, "_kindred_login", None) if has_request_context() else None
        if remembered is not None and remembered[0] == login_id:
            return remembered[1]
        user = kept_members.member_for_login_id(login_id, user_for_login_id)
        if has_request_context():
            request._kindred_login = (login_id, user)
        return user


class _DatabaseIdConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _tune_sqlite(engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        try:  # the meet-ups listing measures distance in SQL (places.miles_between_sql)
            cursor.execute("SELECT sqrt(1), asin(0), sin(0), cos(0), radians(0)")
        except sqlite3.OperationalError:  # an SQLite built without its math functions
            _python_math_functions(dbapi_connection)
        cursor.close()


def _python_math_functions(connection) -> None:
    """SQLite's math functions from Python's, NULL for NULL or out of range as SQLite's own."""
    def null_safe(function):
        def call(value):
            try:
                return None if value is None else function(value)
            except ValueError:  # asin(2), sqrt(-1)
                return None
        return call

    for name, function in (("sqrt", math.sqrt), ("asin", math.asin), ("sin", math.sin), ("cos", math.cos), ("radians", math.radians)):
        connection.create_function(name, 1, null_safe(function), deterministic=True)


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.asking import bp as asking_bp
    from app.auth import bp as auth_bp
    from app.chat import bp as chat_bp
    from app.circle import bp as circle_bp
    from app.connections import bp as connections_bp
    from app.forums import bp as forums_bp
    from app.main import bp as main_bp
    from app.meetups import bp as meetups_bp
    from app.moderation import bp as moderation_bp
    from app.notifications import bp as notifications_bp
    from app.notifications import public_bp as notifications_public_bp
    from app.checkins import bp as checkins_bp
    from app.outcomes import bp as outcomes_bp
    from app.profiles import bp as profiles_bp
    from app.settings import bp as settings_bp

    for blueprint in (
        main_bp, auth_bp, settings_bp, admin_bp, profiles_bp, connections_bp, circle_bp,
        notifications_bp, notifications_public_bp, forums_bp, meetups_bp, chat_bp, moderation_bp, asking_bp,
        checkins_bp, outcomes_bp,
    ):
        app.register_blueprint(blueprint)


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def _ping_only_idle_connections(engine, idle_seconds: float) -> None:
    """pool_pre_ping, but only for a connection idle longer than `idle_seconds`.

    The ping is a round trip to PostgreSQL on every request (one of a member's thread page's ten,
    issue 15). A connection used a moment ago is almost surely alive; one idle for longer is pinged
    and, if dead, replaced before use, as pool_pre_ping would. If PostgreSQL restarts, a request
    on a connection used within those seconds fails once, and SQLAlchemy then drops the pool."""
    import time

    @sa.event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["checked_in_at"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("checked_in_at", float("-inf")) < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure means: use another connection
            raise sa.exc.DisconnectionError("the pooled connection did not answer a ping") from error


# GET pages that only read, run without a transaction on PostgreSQL (READ_PAGES_AUTOCOMMIT): no
# BEGIN before their first statement and no ROLLBACK when the request ends. A thread page also moves
# the member's read marker: one UPDATE or INSERT, which is as safe on its own. The start page
# ("Today", main.home and main.today) only reads. Not search: its SET LOCAL statement_timeout needs a
# transaction.
READ_ONLY_PAGES = frozenset({"forums.index", "forums.category", "forums.thread", "main.home", "main.today"})


def _register_request_hooks(app: Flask) -> None:
    from app import i18n, page_cache
    from app.extensions import end_reading_with_commit, read_without_a_transaction
    from app.display import display_preferences

    def _forget_previous_user():
        # A request made inside an app context that is already pushed (the test fixtures do this)
        # shares `g` with earlier requests; each request must load its own signed-in member.
        # First of all hooks (the blueprints' hooks were registered earlier), so the member is
        # loaded once per request, by whichever hook asks first.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF keeps the session's token in `g`: each session its own
        g.pop("database_wrote", None)  # extensions.end_reading_with_commit
        g.pop("database_read_in_a_transaction", None)
        i18n.forget_for_request()

    def _read_without_a_transaction():
        if request.method in ("GET", "HEAD") and request.endpoint in READ_ONLY_PAGES and _maybe_member():
            # Before anything reads (the member is loaded by the next hooks), and after the page
            # cache (a kept page needs no connection at all).
            read_without_a_transaction()

    def _maybe_member() -> bool:
        # Without touching the database: a signed-in session, or a remember-me cookie.
        return "_user_id" in session or app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies

    # Read by extensions.read_without_a_transaction (these hooks, and the page cache's count).
    app.extensions["read_pages_autocommit"] = (
        app.config["READ_PAGES_AUTOCOMMIT"] and not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
    )
    first_hooks = [_forget_previous_user]
    if page_cache.enabled(app):
        # Next, a kept page (a visitor's, or a member's own) skips everything else, the member's
        # loading included (see app/page_cache.py).
        first_hooks.append(page_cache.serve_from_cache)
        app.after_request(page_cache.store_in_cache)
        app.teardown_request(page_cache.bump_after_request)
    first_hooks.append(_read_without_a_transaction)
    app.teardown_request(end_reading_with_commit)
    app.before_request_funcs.setdefault(None, [])[0:0] = first_hooks

    @app.before_request
    def _load_display_preferences():
        g.display = display_preferences(current_user, request.cookies)

    @app.context_processor
    def _display_for_error_pages():
        # Error pages (a CSRF failure, say) can render before the before_request hook ran.
        if has_request_context() and "display" not in g:
            g.display = display_preferences(current_user, request.cookies)
        return {}

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if response.mimetype == "text/html":
            response.vary.update(("Cookie", "Accept-Language"))  # the page's language comes from either
        # A member's kept page says so without loading the member.
        if response.mimetype == "text/html" and (page_cache.served_a_members_page() or current_user.is_authenticated):
            # Pages for members are personal: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
