"""The security baseline: CSRF on every form, headers on every response, rate limits, size limits."""
import re

import pytest

from app import create_app
from app.models import User
from app.extensions import db
from tests.helpers import CAST_PASSWORD, page_text


def post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint != "static":
            values = {name: 1 if isinstance(converter, app.url_map.converters["int"]) or "int" in type(converter).__name__.lower() else "example" for name, converter in rule._converters.items()}
            yield rule.endpoint, app.url_for(rule.endpoint, **values)


# The only POST without a CSRF token: one-click unsubscribe from an email (RFC 8058), where the
# mail program posts with no session. Its signed token is the proof (tests/test_notifications_email.py).
CSRF_EXEMPT = {"notifications_public.unsubscribe"}


class TestCsrf:
    """With CSRF protection on, as in production."""

    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_post_route_refuses_a_form_without_its_csrf_token(self, app, alice):
        routes = list(post_routes(app))
        assert len(routes) >= 8, routes  # the crawler really found the forms
        client = app.test_client()
        client.post("/sign-in", data={"email": alice.email, "password": CAST_PASSWORD})  # refused too
        for endpoint, url in routes:
            if endpoint in CSRF_EXEMPT:
                continue
            response = client.post(url, data={"display_name": "Alice", "body": "Kept words " * 5})
            assert response.status_code == 400, endpoint
            assert "Please send that again" in page_text(response), endpoint
        # Nothing was changed by any of those posts.
        assert db.session.get(User, alice.id).last_sign_in_at is None


    def test_a_stale_form_is_offered_again_with_the_text_kept_but_never_the_password(self, app):
        client = app.test_client()
        response = client.post(
            "/register",
            data={"display_name": "Carol Jones", "email": "carol@example.org", "password": "kettle biscuit rainbow", "role": "carer",
                  "about": "I look after my mum, who loves gardening and old films."},
        )
        html = response.get_data(as_text=True)
        assert "We have kept what you wrote" in page_text(response)
        assert 'value="Carol Jones"' in html and 'value="carol@example.org"' in html
        assert "I look after my mum, who loves gardening and old films." in page_text(response)
        assert "kettle biscuit rainbow" not in html
        assert re.search(r'name="csrf_token" value="[^"]+"', html), "a fresh token is included"


def test_every_page_carries_the_security_headers(client):
    for path in ["/", "/sign-in", "/register", "/help", "/does-not-exist"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]:
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # only in production, behind HTTPS


def test_pages_have_no_inline_script_or_style(client, client_for, root):
    admin = client_for(root)
    for browser, path in [(client, "/"), (client, "/register"), (client, "/sign-in"), (admin, "/"), (admin, "/admin"), (admin, "/settings")]:
        html = browser.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert "<style" not in html and ' style="' not in html, path


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.setattr("config.ProductionConfig.SECRET_KEY", "development-only-secret-never-use-in-production")
    with pytest.raises(RuntimeError, match="real SECRET_KEY"):
        create_app("production")
    monkeypatch.setattr("config.ProductionConfig.SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="real SECRET_KEY"):
        create_app("production")


def test_production_sends_hsts_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setattr("config.ProductionConfig.SECRET_KEY", "x" * 48)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.sqlite", RATELIMIT_STORAGE_URI="memory://",
                     SITE_URL="https://kindred.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/help")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SEED_DEMO_ALLOWED"] is False


class TestOversizedRequests:
    @pytest.fixture
    def app_overrides(self):
        return {"MAX_CONTENT_LENGTH": 1024}

    def test_an_oversized_request_gets_a_plain_413_page(self, client):
        response = client.post("/register", data={"display_name": "x" * 5000})
        assert response.status_code == 413
        assert "That is too large to send" in page_text(response)


class TestErrorPages:
    def test_a_missing_page_says_so_in_plain_words_with_a_way_home(self, client):
        response = client.get("/no-such-page")
        assert response.status_code == 404
        text = page_text(response)
        assert "We cannot find that page" in text and "Go to the home page" in text
        assert text.startswith("We cannot find that page – Kindred")

    @pytest.mark.both_backends  # PostgreSQL's ids are 32-bit: a larger one was "integer out of range"
    @pytest.mark.parametrize("address", ["/threads/99999999999", "/posts/99999999999/actions", "/meetups/99999999999"])
    def test_an_id_too_large_to_exist_is_a_missing_page_not_an_error(self, client, address):
        response = client.get(address)
        assert response.status_code == 404
        assert "We cannot find that page" in page_text(response)

    @pytest.mark.committed  # adds a route, so it needs an app of its own
    def test_a_crash_shows_a_kind_500_page_not_a_stack_trace(self, app):
        def broken():
            raise RuntimeError("database exploded")

        app.add_url_rule("/broken-for-test", "broken", broken)
        app.config["PROPAGATE_EXCEPTIONS"] = False
        response = app.test_client().get("/broken-for-test")
        assert response.status_code == 500
        text = page_text(response)
        assert "Sorry, something went wrong on our side" in text and "It is not your fault" in text
        assert "Traceback" not in text and "database exploded" not in text

    def test_a_member_without_permission_gets_a_403_page(self, client_for, alice):
        response = client_for(alice).get("/admin")
        assert response.status_code == 403
        assert "You cannot see this page" in page_text(response)
