"""Signing out ends the session on the server (issue 11): shared computers in libraries, care homes
and day centres are common, and a saved or copied cookie must sign nobody in afterwards."""
import sqlalchemy as sa

from app.extensions import db
from app.models import SignInSession
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import page_text, sign_in

SESSION, REMEMBER = "kindred_session", "remember_token"


def _saved_cookies(client) -> dict:
    return {name: client.get_cookie(name).value for name in (SESSION, REMEMBER) if client.get_cookie(name) is not None}


def _browser_with(app, cookies: dict):
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value, domain="localhost")
    return browser


def _who(browser) -> str:
    return page_text(browser.get("/settings", follow_redirects=True))


def test_a_saved_session_cookie_signs_nobody_in_after_alice_signs_out(app, client, alice):
    sign_in(client, alice)
    saved = _saved_cookies(client)
    assert set(saved) == {SESSION, REMEMBER}
    assert "Signed in as Alice Morgan" in _who(_browser_with(app, saved))  # the copy works while she is signed in

    client.post("/sign-out", data={})
    for replayed in ({SESSION: saved[SESSION]}, {REMEMBER: saved[REMEMBER]}, saved):
        page = _who(_browser_with(app, replayed))
        assert "Signed in as Alice Morgan" not in page
        assert "Please sign in to see that page." in page
    assert db.session.scalar(sa.select(SignInSession.ended_at).where(SignInSession.user_id == alice.id)) is not None


def test_the_remember_cookie_alone_signs_alice_in_until_she_signs_out(app, client, alice):
    sign_in(client, alice)
    remembered = {REMEMBER: _saved_cookies(client)[REMEMBER]}
    assert "Signed in as Alice Morgan" in _who(_browser_with(app, remembered))
    client.post("/sign-out", data={})
    assert "Signed in as Alice Morgan" not in _who(_browser_with(app, remembered))


def test_bob_signs_out_everywhere_else_from_his_settings(app, client_for, bob):
    library, home = client_for(bob), client_for(bob)
    settings = page_text(home.get("/settings"))
    assert "You are also signed in on 1 other computer, phone or tablet." in settings
    library_cookies = _saved_cookies(library)

    done = page_text(home.post("/settings/sign-out-everywhere-else", data={}, follow_redirects=True))
    assert "You are signed out on every other computer, phone and tablet. You are still signed in here." in done
    assert "You are signed in only here." in done
    assert "Signed in as Bob Morgan" not in _who(library)
    assert "Signed in as Bob Morgan" not in _who(_browser_with(app, {REMEMBER: library_cookies[REMEMBER]}))
    assert "Signed in as Bob Morgan" in _who(home)


def test_every_page_offers_a_sign_out_button_to_a_signed_in_member(client, client_for, alice):
    for path in ("/", "/forums", "/meetups", "/settings/display"):
        assert 'action="/sign-out"' not in client.get(path).get_data(as_text=True)
    browser = client_for(alice)
    for path in ("/", "/forums", "/meetups", "/settings/display", "/chat"):
        html = browser.get(path).get_data(as_text=True)
        assert 'action="/sign-out"' in html and ">Sign out</button>" in html, path
    page = page_text(browser.post("/sign-out", data={}, follow_redirects=True))
    assert "You have signed out. Come back any time." in page and "Signed in as" not in page


def test_a_login_id_from_before_sessions_were_kept_signs_nobody_in(app, alice):
    from app.services.accounts import user_for_login_id

    assert user_for_login_id(f"{alice.id}:0") is None
    assert user_for_login_id(f"{alice.id}:0:") is None
    assert user_for_login_id("not:an:id") is None


def _session_cookies(response) -> list[str]:
    return [header for header in response.headers.getlist("Set-Cookie") if header.startswith(f"{SESSION}=")]


def test_bobs_pages_do_not_send_his_session_cookie_again_until_a_day_has_passed(app, client, bob, monkeypatch):
    """A member's session lasts weeks after their last visit; its cookie is renewed once a day, not
    signed again and sent with every page (app/session_cookie.py)."""
    sign_in(client, bob)
    client.get("/forums")  # the first page after signing in: its message is shown once, changing the session
    signed = client.get_cookie(SESSION).value
    for path in ("/forums", "/", "/forums"):
        response = client.get(path)
        assert "Signed in as Bob Morgan" in page_text(response)
        assert _session_cookies(response) == [], path
    assert client.get_cookie(SESSION).value == signed

    import app.session_cookie as session_cookie

    a_day_later = session_cookie.time.time() + 24 * 3600 + 60
    monkeypatch.setattr(session_cookie.time, "time", lambda: a_day_later)
    renewed = client.get("/forums")
    assert "Signed in as Bob Morgan" in page_text(renewed)
    (cookie,) = _session_cookies(renewed)
    assert "Expires=" in cookie  # the session's full lifetime again, from today


def test_a_message_in_the_session_is_still_sent_at_once_and_shown_once(client, bob, alices_thread):
    sign_in(client, bob)
    client.get("/forums")
    followed = client.post(f"/threads/{alices_thread.id}/follow", data={"following": "yes"})
    assert _session_cookies(followed)  # the message travels in the session cookie
    shown = client.get("/forums")
    assert "You are following this thread." in page_text(shown) and _session_cookies(shown)  # taken out of the session
    assert "You are following this thread." not in page_text(client.get("/forums"))


def test_a_copied_cookie_this_server_has_read_before_still_expires_with_its_lifetime(app, client, alice, monkeypatch):
    """The server remembers cookies whose signature it checked (app/session_cookie.py), but a
    cookie's age is checked at every request: a copy older than the session's lifetime signs nobody
    in, however recently it was read."""
    sign_in(client, alice)
    copied = {SESSION: _saved_cookies(client)[SESSION]}  # the session cookie alone, without remember-me
    assert "Signed in as Alice Morgan" in _who(_browser_with(app, copied))  # read, and so remembered

    import app.session_cookie as session_cookie

    past_its_lifetime = session_cookie.time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(session_cookie.time, "time", lambda: past_its_lifetime)
    page = _who(_browser_with(app, copied))
    assert "Signed in as Alice Morgan" not in page and "Please sign in to see that page." in page


def test_a_message_in_one_copy_of_bobs_cookie_stays_out_of_another(app, client, bob, alices_thread):
    """Bob's cookie carrying "You are following this thread." is used from two tabs; in one he
    stops following at once, which adds a second message to what that tab's session holds. The
    other tab, sending the very same cookie, shows only the first message: each request changes
    its own copy of a remembered cookie, never the one the server remembers."""
    sign_in(client, bob)
    client.get("/forums")
    client.post(f"/threads/{alices_thread.id}/follow", data={"following": "yes"})
    carrying_a_message = _saved_cookies(client)
    first_tab, second_tab = _browser_with(app, carrying_a_message), _browser_with(app, carrying_a_message)

    first_tab.post(f"/threads/{alices_thread.id}/follow", data={"following": "no"})
    shown_in_first = page_text(first_tab.get("/forums"))
    assert "You are following this thread." in shown_in_first and "You have stopped following this thread." in shown_in_first

    shown_in_second = page_text(second_tab.get("/forums"))
    assert "You are following this thread." in shown_in_second
    assert "You have stopped following this thread." not in shown_in_second
