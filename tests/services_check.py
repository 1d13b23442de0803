"""Reachability of the services the suite also runs on. In CI an unreachable service fails the run;
on a laptop the tests that need it are skipped with the reason printed."""
import os

import pytest

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(what: str, error: Exception):
    message = f"{what} is not reachable ({error.__class__.__name__}: {error})"
    if in_ci():
        pytest.fail(f"{message}. In CI every service must be up.", pytrace=False)
    pytest.skip(f"{message}; skipping the tests that need it.")


def postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)


def check_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
    finally:
        engine.dispose()


def check_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=3).ping()
