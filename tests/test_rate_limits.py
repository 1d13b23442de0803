"""Rate limits on signing in, registering and emailed links: in memory locally, in Redis in production."""
import uuid

import pytest

from app import create_app
from tests.helpers import page_text


def limited_app(database_url, tmp_path, storage):
    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        OUTBOX_DIR=str(tmp_path / "outbox"),
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=storage,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        RATELIMIT_SIGN_IN="3 per minute",
        RATELIMIT_EMAIL_LINK="2 per minute",
    )


def test_repeated_sign_in_attempts_get_a_kind_429_page(database_url, tmp_path, app, alice):
    limited = limited_app(database_url, tmp_path, "memory://")
    client = limited.test_client()
    for _ in range(3):
        assert "do not match" in page_text(client.post("/sign-in", data={"email": "alice@example.org", "password": "guess guess"}))
    response = client.post("/sign-in", data={"email": "alice@example.org", "password": "guess guess"})
    assert response.status_code == 429
    page = page_text(response)
    assert "please wait 1 minute and then try again" in page
    assert "Email me a sign-in link" in page and 'value="alice@example.org"' in response.get_data(as_text=True)
    # Reading the page is never limited, only attempts.
    assert "Sign in" in page_text(client.get("/sign-in"))


def test_emailed_links_are_limited_too(database_url, tmp_path, app, alice):
    client = limited_app(database_url, tmp_path, "memory://").test_client()
    for _ in range(2):
        client.post("/forgotten-password", data={"email": "alice@example.org"})
    assert client.post("/sign-in/email-link", data={"email": "alice@example.org"}).status_code == 429


@pytest.mark.redis
def test_with_redis_the_count_is_shared_between_server_processes(database_url, tmp_path, app, alice, redis_url):
    prefix = f"test-{uuid.uuid4().hex}"
    first = limited_app(database_url, tmp_path, redis_url)
    second = limited_app(database_url, tmp_path, redis_url)
    for server in (first, second):
        server.config["RATELIMIT_KEY_PREFIX"] = prefix
    first_client, second_client = first.test_client(), second.test_client()
    for client in (first_client, second_client, first_client):
        client.post("/sign-in", data={"email": "alice@example.org", "password": "guess guess"})
    assert second_client.post("/sign-in", data={"email": "alice@example.org", "password": "guess guess"}).status_code == 429
