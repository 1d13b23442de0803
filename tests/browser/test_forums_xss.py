"""In a real browser: script and event-handler payloads in posts and titles never run.
Chromium listens for any dialog (alert, confirm, prompt) while the pages are read."""
import threading

import pytest
from werkzeug.serving import make_server

from app.services import forums
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.test_forums_text import XSS_PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.committed]  # a live server in a thread reads what the test wrote

@pytest.fixture(params=["sqlite"])
def backend(request):
    return request.param


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_no_payload_opens_a_dialog(live_server, browser, app, alice, bob, welcome):
    thread = forums.start_thread(alice, welcome, "Payloads: " + XSS_PAYLOADS[0], "Testing").thread
    for payload in XSS_PAYLOADS:
        forums.reply(bob, thread, payload)
        forums.start_thread(bob, welcome, payload[:150], payload)
    dialogs = []
    # The suite's one Chromium (tests/browser/conftest.py): a second Playwright would clash with it.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        # Signed in, so the search and reply pages are exercised as a member sees them.
        page.goto(live_server + "/sign-in")
        page.fill("#email", alice.email)
        page.fill("#password", "teapot garden sunny bus")
        page.click("button:has-text('Sign in')")
        for path in [f"/threads/{thread.id}", f"/threads/{thread.id}?page=2", "/forums/welcome-and-introductions", "/forums", "/search?q=alert", "/search?q=click"]:
            page.goto(live_server + path)
            page.mouse.move(200, 300)
            page.keyboard.press("Tab")
            page.wait_for_timeout(150)
        # The category's older threads, the way a reader reaches them (paged by key).
        page.goto(live_server + "/forums/welcome-and-introductions")
        older = page.get_by_role("link", name="Older threads")
        assert older.count() == 1  # 21 threads: the first payload thread is on the second page
        older.click()
        page.wait_for_load_state()
        page.mouse.move(200, 300)
        # Posting a payload through the form, without any help from the test.
        page.goto(live_server + f"/threads/{thread.id}")
        page.fill("#body", '<img src=x onerror="alert(document.cookie)"> typed by hand')
        page.click("button:has-text('Post reply')")
        page.wait_for_load_state()
        assert "typed by hand" in page.content()
    finally:
        context.close()
    assert dialogs == []
