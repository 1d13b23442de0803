"""Configuration classes. Every setting comes from the environment, with safe defaults for development."""
import logging
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("KINDRED_INSTANCE_DIR", BASE_DIR / "instance"))
load_dotenv(BASE_DIR / ".env")

DEVELOPMENT_SECRET = "development-only-secret-never-use-in-production"
DEFAULT_MAIL_FROM = "Kindred <hello@kindred.invalid>"


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(default):
    url = os.environ.get("DATABASE_URL", default)
    # Hosting platforms often hand out "postgres://" URLs; SQLAlchemy needs the psycopg 3 driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET)
    SITE_NAME = "Kindred"
    SERVER_NAME = os.environ.get("SERVER_NAME")
    # The site's public address (e.g. https://kindred.example.org): links in emails sent by commands
    # and the worker, and the domain of Message-IDs. SERVER_NAME, when set, wins.
    SITE_URL = os.environ.get("SITE_URL")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'kindred.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")  # rate limits, Socket.IO queue, background jobs
    # Database connections per process (PostgreSQL). A chat send holds one for a few milliseconds;
    # one that cannot get one within DATABASE_POOL_TIMEOUT seconds answers "not sent yet" and the
    # browser tries again, rather than waiting past the point where the sender gives up.
    DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "10"))
    DATABASE_MAX_OVERFLOW = int(os.environ.get("DATABASE_MAX_OVERFLOW", "20"))
    DATABASE_POOL_TIMEOUT = float(os.environ.get("DATABASE_POOL_TIMEOUT", "3"))
    # PostgreSQL: a pooled connection idle for longer than this is pinged before use (one that was
    # used more recently is not: a ping is a round trip on every request; app/__init__.py).
    DATABASE_PING_AFTER_IDLE_SECONDS = float(os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", "10"))
    # PostgreSQL: pages that only read run without a transaction (no BEGIN, no ROLLBACK: two round
    # trips of a member's thread page's ten). The tests' rolled-back transactions need it off.
    READ_PAGES_AUTOCOMMIT = os.environ.get("READ_PAGES_AUTOCOMMIT", "true").lower() != "false"

    # Sessions last weeks: people with memory difficulties should not be signed out mid-task.
    PERMANENT_SESSION_LIFETIME = timedelta(days=int(os.environ.get("SESSION_DAYS", "42")))
    REMEMBER_COOKIE_DURATION = PERMANENT_SESSION_LIFETIME
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A permanent session's cookie is sent again (its lifetime starting anew) at most this often,
    # not on every page (app/session_cookie.py).
    SESSION_REFRESH_AFTER_SECONDS = int(os.environ.get("SESSION_REFRESH_AFTER_SECONDS", str(24 * 3600)))
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SESSION_COOKIE_NAME = "kindred_session"

    # CSRF tokens live as long as the session, so a slow writer is never timed out.
    WTF_CSRF_TIME_LIMIT = None
    # Flask-WTF's https Referer check refuses browsers (and privacy add-ons) that send no Referer.
    # A valid token with SameSite=Lax cookies, plus our own Origin check (app/security.py), protects
    # forms without it.
    WTF_CSRF_SSL_STRICT = False
    WTF_CSRF_CHECK_DEFAULT = False  # app/security.py checks the Origin first, then the token
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 8 * 1024 * 1024))

    # Visitors' pages from the cache (app/page_cache.py), kept at most this long.
    PAGE_CACHE = _bool("PAGE_CACHE", True)
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
    # Members' own forum pages (app/page_cache.py), for less time: more on them moves with the
    # clock ("new" marks, a pause that ends), and each is one browser's.
    PAGE_CACHE_MEMBERS = _bool("PAGE_CACHE_MEMBERS", True)
    PAGE_CACHE_MEMBER_SECONDS = int(os.environ.get("PAGE_CACHE_MEMBER_SECONDS", "120"))
    # The signed-in member's own row, kept between requests under versions that changes to their row
    # and sign-in sessions move (app/kept_members.py), so a member's page does not start with a
    # query for who they are (reading pages only; never for moderators and administrators).
    KEEP_MEMBER_ROWS = _bool("KEEP_MEMBER_ROWS", True)
    # The part of a forum page that is the same for every reader (a thread, a page's published
    # posts, a category), kept under the page's versions (app/kept_parts.py): reading pages only.
    KEEP_SHARED_PARTS = _bool("KEEP_SHARED_PARTS", True)
    # Each forum post's HTML, kept by what it is made of (app/services/fragments.py): how many in
    # each process, and how long in Redis (nothing ever needs emptying: a change makes a new key).
    FRAGMENT_CACHE = _bool("FRAGMENT_CACHE", True)
    FRAGMENT_CACHE_ITEMS = int(os.environ.get("FRAGMENT_CACHE_ITEMS", "10000"))
    FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600"))
    # Compressed responses (brotli, else gzip); behind nginx, let it compress instead.
    COMPRESS_REGISTER = _bool("COMPRESS_RESPONSES", True)
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/plain", "text/calendar", "application/javascript", "text/javascript", "application/json"]

    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Only FAILED sign-ins count (a wrong password, a spent link), never successful ones: per account,
    # so nobody can keep guessing one member's password from many addresses, and per address with a
    # higher allowance, so eight members of a memory café on one Wi-Fi can all sign in.
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "10 per 15 minutes")
    RATELIMIT_SIGN_IN_PER_ADDRESS = os.environ.get("RATELIMIT_SIGN_IN_PER_ADDRESS", "60 per 15 minutes")
    # Redis down: limits carry on in each process's memory (logged), never a 500 page.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per hour")
    RATELIMIT_EMAIL_LINK = os.environ.get("RATELIMIT_EMAIL_LINK", "5 per hour")
    # Ask a volunteer: generous for a person, but a script cannot flood the volunteers' inbox.
    RATELIMIT_ASK = os.environ.get("RATELIMIT_ASK", "10 per hour")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", DEFAULT_MAIL_FROM)
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    # Members' photos (re-encoded, random names). Keep it out of the static folder: photos are served
    # through a route that checks who may see them.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))

    SIGN_IN_LINK_MINUTES = 30
    WELCOME_LINK_MINUTES = 3 * 24 * 60  # the link in the welcome email: days, not minutes
    PASSWORD_RESET_MINUTES = 60
    # argon2id parameters (argon2-cffi defaults: RFC 9106 low-memory profile).
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", "65536"))
    ARGON2_PARALLELISM = int(os.environ.get("ARGON2_PARALLELISM", "4"))
    DEFAULT_TIMEZONE = "Europe/London"
    HSTS = False
    SEED_DEMO_ALLOWED = True

    # Moderation: content reported by this many different members is hidden until a volunteer decides;
    # a new member's first posts wait for approval, and so do links until they have this many approved posts.
    # Reports hide something before a volunteer looks only when their reporters' standing adds up to
    # this (services/moderation/reports.py, "What reports do on their own"): three established members.
    MODERATION_HIDE_SCORE = float(os.environ.get("MODERATION_HIDE_SCORE", "3"))
    MODERATION_FIRST_POSTS_HELD = int(os.environ.get("MODERATION_FIRST_POSTS_HELD", "2"))
    MODERATION_LINK_TRUSTED_AFTER = int(os.environ.get("MODERATION_LINK_TRUSTED_AFTER", "5"))
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))

    # Chat (Socket.IO). Origins other than the site's own that may open a socket (rarely needed).
    SOCKETIO_ALLOWED_ORIGINS = [o for o in os.environ.get("SOCKETIO_ALLOWED_ORIGINS", "").split() if o]
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")
    # The Redis pub/sub channel the server processes share (one per site if several share a Redis).
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "kindred-socketio")
    SOCKETIO_MAX_BUFFER = int(os.environ.get("SOCKETIO_MAX_BUFFER", 64 * 1024))  # bytes per packet
    # A connection is given up after ping interval + ping timeout seconds of silence. Generous, so a
    # slow phone on a weak signal, or a busy server, is not cut off (its screen would catch up anyway).
    SOCKETIO_PING_INTERVAL = int(os.environ.get("SOCKETIO_PING_INTERVAL", "25"))
    SOCKETIO_PING_TIMEOUT = int(os.environ.get("SOCKETIO_PING_TIMEOUT", "60"))
    CHAT_MESSAGE_MAX = 2000
    CHAT_RATE_LIMITS_ENABLED = _bool("CHAT_RATE_LIMITS_ENABLED", True)
    CHAT_RATE_LIMIT = os.environ.get("CHAT_RATE_LIMIT", "10 per 10 seconds")
    CHAT_NEW_MEMBER_RATE_LIMIT = os.environ.get("CHAT_NEW_MEMBER_RATE_LIMIT", "5 per 10 seconds")
    # A member is "new" for this many days, and until this many of their messages were seen by others.
    CHAT_NEW_MEMBER_DAYS = 7
    CHAT_TRUSTED_AFTER_MESSAGES = 3
    CHAT_UNDO_SECONDS = 60
    # Presence ("Who's here") is sent at most once per this many seconds per room.
    CHAT_PRESENCE_DELAY = float(os.environ.get("CHAT_PRESENCE_DELAY", "1.0"))
    # Each process renews its members' "Who's here" entries this often (seconds; 0 = never, for tests).
    CHAT_PRESENCE_HEARTBEAT = float(os.environ.get("CHAT_PRESENCE_HEARTBEAT", "30"))


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_SQLITE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    # Most tests post forms directly; test_security.py turns CSRF back on to prove it is enforced.
    WTF_CSRF_ENABLED = False
    SERVER_NAME = "localhost"
    # Cheap hashes keep the suite fast; production parameters are tested separately.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 64  # argon2 refuses less than 8 KiB per lane
    ARGON2_PARALLELISM = 1  # one lane: 0.06 ms a hash instead of 0.6 ms (four threads each time)
    REDIS_URL = None
    CHAT_PRESENCE_DELAY = 0  # announce at once, so tests need not wait
    CHAT_PRESENCE_HEARTBEAT = 0  # tests renew presence themselves
    # The cast are established members in most stories; the moderation tests turn these back on.
    MODERATION_FIRST_POSTS_HELD = 0
    MODERATION_LINK_TRUSTED_AFTER = 0
    READ_PAGES_AUTOCOMMIT = False  # each test runs inside one transaction that is rolled back
    # `flask forget-kept-pages` without Redis touches this file (page_cache.LocalVersions): one for
    # each test process, so a test forgetting its kept pages never empties another's.
    PAGE_CACHE_FORGOTTEN_FILE = os.path.join(tempfile.mkdtemp(prefix="kindred-tests-"), "kept-pages-forgotten")


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    HSTS = True
    SEED_DEMO_ALLOWED = False
    # nginx sits in front: trust its X-Forwarded-* headers (client address for rate limits, https).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "1"))

    @classmethod
    def check(cls, settings):
        key = settings.get("SECRET_KEY") or ""
        if key == DEVELOPMENT_SECRET or len(key) < 32:
            raise RuntimeError(
                "Kindred will not start in production without a real SECRET_KEY "
                "(at least 32 random characters). Generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        if not settings.get("SERVER_NAME") and not settings.get("SITE_URL"):
            raise RuntimeError(
                "Kindred will not start in production without the site's address: set SITE_URL "
                "(e.g. SITE_URL=https://kindred.example.org) so that links in emails point at the site."
            )
        if settings.get("MAIL_FROM") == DEFAULT_MAIL_FROM:
            logging.getLogger("config").warning(
                "MAIL_FROM is not set: emails will come from %s, an address nobody can reply to "
                "and that many mail servers refuse. Set MAIL_FROM, e.g. MAIL_FROM='Kindred <hello@kindred.example.org>'.",
                DEFAULT_MAIL_FROM,
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def site_url(settings) -> str:
    """The site's public address, for links made outside a request (cron commands, the email worker)."""
    if settings.get("SERVER_NAME"):
        return f"{settings.get('PREFERRED_URL_SCHEME') or 'https'}://{settings['SERVER_NAME']}"
    return (settings.get("SITE_URL") or "http://localhost:5000").rstrip("/")


def site_domain(settings) -> str:
    return urlsplit(site_url(settings)).hostname or "localhost"


def config_for(name=None):
    return CONFIGS[name or os.environ.get("KINDRED_ENV", "development")]
