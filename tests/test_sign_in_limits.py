"""Sign-in a memory café can use (issue 16) and limits someone with many addresses cannot get round
(issue 11): only failed attempts count, per account and per address; https without a Referer works."""
import re
import uuid

import pytest

from app import create_app
from app.models import Role
from app.services import accounts
from tests.helpers import CAST_PASSWORD, page_text


def limited_app(database_url, tmp_path, **settings):
    return create_app(
        "testing", SQLALCHEMY_DATABASE_URI=database_url, OUTBOX_DIR=str(tmp_path / "outbox"), RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://", RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}", **settings,
    )


def _from(client, address):
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_eight_members_of_a_memory_cafe_on_one_wifi_all_sign_in(database_url, tmp_path, app):
    cafe = [accounts.register(f"Member {n}", f"member{n}@example.org", CAST_PASSWORD, Role.CARER, confirmed=True) for n in range(8)]
    server = limited_app(database_url, tmp_path, RATELIMIT_SIGN_IN="3 per 10 minutes", RATELIMIT_SIGN_IN_PER_ADDRESS="4 per 10 minutes")
    wifi = {"REMOTE_ADDR": "203.0.113.7"}
    # Two typos first: they count, but eight successful sign-ins never do.
    for member in cafe[:2]:
        typo = server.test_client().post("/sign-in", data={"email": member.email, "password": "teapot garden"}, environ_base=wifi)
        assert "do not match" in page_text(typo)
    for member in cafe:
        browser = server.test_client()
        response = browser.post("/sign-in", data={"email": member.email, "password": CAST_PASSWORD}, environ_base=wifi)
        assert response.status_code == 302, member.email
        assert f"Signed in as {member.display_name}" in page_text(browser.get("/settings"))


def test_someone_with_many_addresses_cannot_keep_guessing_alices_password(database_url, tmp_path, app, alice, bob):
    server = limited_app(database_url, tmp_path, RATELIMIT_SIGN_IN="3 per 10 minutes", RATELIMIT_SIGN_IN_PER_ADDRESS="50 per 10 minutes")
    for n in range(3):
        guess = server.test_client().post("/sign-in", data={"email": "alice@example.org", "password": f"guess {n}"},
                                          environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        assert "do not match" in page_text(guess)
    stopped = server.test_client().post("/sign-in", data={"email": " Alice@Example.org ", "password": "guess 4"},
                                        environ_base={"REMOTE_ADDR": "198.51.100.99"})
    assert stopped.status_code == 429
    page = page_text(stopped)
    assert "Please wait before trying your password again" in page
    assert re.search(r"please wait (\d+ minutes|1 minute) and then try again", page)
    assert "Email me a sign-in link" in page
    # Bob, from the same address, is not held up by the guesses at Alice's account.
    bobs = server.test_client().post("/sign-in", data={"email": bob.email, "password": CAST_PASSWORD}, environ_base={"REMOTE_ADDR": "198.51.100.99"})
    assert bobs.status_code == 302


def test_one_address_trying_many_accounts_is_stopped_too(database_url, tmp_path, app, alice):
    server = limited_app(database_url, tmp_path, RATELIMIT_SIGN_IN="3 per 10 minutes", RATELIMIT_SIGN_IN_PER_ADDRESS="5 per 10 minutes")
    here = {"REMOTE_ADDR": "192.0.2.5"}
    for n in range(5):
        server.test_client().post("/sign-in", data={"email": f"someone{n}@example.org", "password": "guess"}, environ_base=here)
    assert server.test_client().post("/sign-in", data={"email": "someone9@example.org", "password": "guess"}, environ_base=here).status_code == 429
    # The emailed link is still offered, and is not limited by those guesses.
    assert server.test_client().post("/sign-in/email-link", data={"email": alice.email}, environ_base=here).status_code == 200


class TestHttpsForms:
    """As in production: https, CSRF on, browsers that send no Referer."""

    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True, "PREFERRED_URL_SCHEME": "https", "SESSION_COOKIE_SECURE": True}

    def _token(self, client, path="/sign-in"):
        html = client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html).group(1) or ""

    def test_a_browser_that_sends_no_referer_signs_in_over_https(self, app, alice):
        browser = app.test_client()
        browser.environ_base.update({"wsgi.url_scheme": "https"})
        token = re.search(r'value="([^"]+)"', browser.get("/sign-in", base_url="https://localhost").get_data(as_text=True).split('name="csrf_token"')[1]).group(1)
        response = browser.post("/sign-in", base_url="https://localhost", headers={"Origin": "https://localhost"},
                                data={"csrf_token": token, "email": alice.email, "password": CAST_PASSWORD})
        assert response.status_code == 302
        assert "Signed in as Alice Morgan" in page_text(browser.get("/settings", base_url="https://localhost"))

    def test_a_form_posted_from_another_website_is_refused_and_not_offered_again(self, app, alice):
        browser = app.test_client()
        token = re.search(r'value="([^"]+)"', browser.get("/sign-in", base_url="https://localhost").get_data(as_text=True).split('name="csrf_token"')[1]).group(1)
        response = browser.post("/sign-in", base_url="https://localhost", headers={"Origin": "https://evil.example"},
                                data={"csrf_token": token, "email": alice.email, "password": CAST_PASSWORD, "about": "Words from elsewhere"})
        assert response.status_code == 400
        page = page_text(response)
        assert "That came from another website" in page
        assert "Send it again" not in page and "Words from elsewhere" not in page

    def test_the_csrf_page_says_what_really_happened(self, app):
        browser = app.test_client()
        browser.get("/sign-in", base_url="https://localhost")
        missing = browser.post("/register", base_url="https://localhost", data={"display_name": "Carol"})
        assert "arrived without the hidden code" in page_text(missing)
        wrong = browser.post("/register", base_url="https://localhost", data={"csrf_token": "not-the-one", "display_name": "Carol"})
        assert "The page was out of date" in page_text(wrong) and "We have kept what you wrote" in page_text(wrong)
        assert "open for a long time" not in page_text(wrong)
        no_cookie = app.test_client(use_cookies=False).post("/register", base_url="https://localhost",
                                                             data={"csrf_token": "x", "display_name": "Carol"})
        assert "Your browser did not send back the cookie" in page_text(no_cookie)
