"""Pages are sent compressed to browsers that take it (brotli, else gzip), and a visitor's kept
page is compressed once, when it is kept, not again at every view (app/page_cache.py)."""
import gzip
import re
import subprocess

import brotli
import flask_compress.flask_compress
import pytest

from app.extensions import db
from app.services import forums
from app.services.notifications import notify
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import page_text

BROWSER = "gzip, deflate, br, zstd"  # what Chromium and Firefox send over HTTPS


@pytest.fixture
def compressions(monkeypatch):
    """How many times Flask-Compress compressed a response during the test."""
    made = []
    real = flask_compress.flask_compress._compress_data

    def counted(app, data, algorithm):
        made.append(algorithm)
        return real(app, data, algorithm)

    monkeypatch.setattr(flask_compress.flask_compress, "_compress_data", counted)
    return made


def _as_sent(answer) -> bytes:
    """The body as the browser reads it, after undoing the encoding the answer says it has."""
    body = answer.get_data()
    encoding = answer.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None
    return body


def test_a_visitor_reading_alices_thread_on_a_phone_gets_it_compressed_and_kept_compressed(kept_in, client, alices_thread, compressions):
    path = f"/threads/{alices_thread.id}"
    # Viewed plainly until it is kept (in Redis, the first view starts the thread's version, the
    # second keeps the page).
    for _ in range(3):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        if plain.headers.get("X-Page-Cache") == "hit":
            break
    assert plain.headers["X-Page-Cache"] == "hit" and plain.headers.get("Content-Encoding") is None
    assert "I love my garden and my cat, Biscuit." in page_text(plain)

    first = client.get(path, headers={"Accept-Encoding": BROWSER})
    again = client.get(path, headers={"Accept-Encoding": BROWSER})
    assert (first.headers["X-Page-Cache"], again.headers["X-Page-Cache"]) == ("hit", "hit")
    for answer in (first, again):
        assert answer.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in answer.headers["Vary"]  # so a shared cache keeps one copy per encoding
        assert len(answer.get_data()) < len(plain.get_data()) / 2
        assert _as_sent(answer) == plain.get_data()  # the very page, every byte
    # Compressed when it was kept (the first, plain view), and never again by Flask-Compress.
    assert compressions == []


@pytest.mark.parametrize("asks, gets", [("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("gzip;q=0.5, br;q=0.8", "br"),
                                         ("identity", None), ("", None)])
def test_each_browser_gets_the_kept_page_in_the_encoding_it_takes(client, alices_thread, asks, gets):
    path = f"/threads/{alices_thread.id}"
    plain = client.get(path)
    answer = client.get(path, headers={"Accept-Encoding": asks})
    assert answer.headers["X-Page-Cache"] == "hit"
    assert answer.headers.get("Content-Encoding") == gets
    assert _as_sent(answer) == plain.get_data()


def test_a_page_kept_before_it_was_read_compressed_is_the_same_page_compressed(client, alices_thread):
    # The first view is by a browser that takes brotli: Flask-Compress compresses that one, and the
    # kept copies made beside it serve the next views the same page.
    path = f"/threads/{alices_thread.id}"
    first = client.get(path, headers={"Accept-Encoding": BROWSER})
    assert first.headers["X-Page-Cache"] == "miss" and first.headers["Content-Encoding"] == "br"
    kept = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert kept.headers["X-Page-Cache"] == "hit"
    assert _as_sent(kept) == _as_sent(first)


def _read_by_gzip(body: bytes) -> bytes:
    """What GNU gzip (not Python's zlib) makes of these bytes: it also checks the CRC and length."""
    done = subprocess.run(["gzip", "--decompress", "--stdout"], input=body, capture_output=True, check=True)
    return done.stdout


def _kept_for(browser, path, headers=None):
    """The page once it comes kept: in Redis the first view starts its versions, and a view that
    moves the read marker on is not kept."""
    for _ in range(4):
        answer = browser.get(path, headers=headers or {})
        if answer.headers.get("X-Page-Cache") == "hit":
            return answer
    raise AssertionError(f"{path} was never served kept")


def _without_keys(html: bytes) -> bytes:
    return re.sub(rb'(name="(submission_key|csrf_token)"[^>]*value=")[^"]*', rb"\1", html)


def _submission_keys(html: bytes) -> list[bytes]:
    return re.findall(rb'name="submission_key"[^>]*value="([^"]*)"', html)


def test_bobs_own_kept_page_is_sent_gzipped_with_his_count_and_a_fresh_key_without_compressing_it_again(
        kept_in, client_for, alice, bob, alices_thread, compressions):
    # A member's kept page gets its submission key and unread count filled in at each view; it is
    # kept cut at those holes, each piece compressed once, so a view compresses only what it fills in.
    browser = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    plain = _kept_for(browser, path)
    del compressions[:]
    answers = [browser.get(path, headers={"Accept-Encoding": BROWSER}) for _ in range(2)]
    for answer in answers:
        assert answer.headers["X-Page-Cache"] == "hit"
        assert answer.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in answer.headers["Vary"]
        assert len(answer.get_data()) < len(plain.get_data()) / 2
        html = _read_by_gzip(answer.get_data())
        assert html == _as_sent(answer)
        assert "Signed in as Bob Morgan" in " ".join(html.decode().split())
        # The very page but for its fresh submission keys (and the CSRF token, signed with the time
        # it was made: should the page be made again in between, its token is a later one).
        assert _without_keys(html) == _without_keys(plain.get_data())
    first_keys, second_keys = (_submission_keys(_as_sent(answer)) for answer in answers)
    assert first_keys and second_keys and set(first_keys).isdisjoint(second_keys)
    assert compressions == []

    forums.reply(alice, alices_thread, "Thank you, Bob.")  # a new page for him: not this kept one
    notify(bob, "forum_reply", "Alice Morgan replied", "/notifications")  # his count moves
    db.session.commit()
    answer = _kept_for(browser, path, {"Accept-Encoding": "gzip"})  # his read marker moves on first
    words = " ".join(re.sub(rb"<[^>]+>", b"", _read_by_gzip(answer.get_data())).decode().split())
    assert "Notifications (1 new)" in words and "Thank you, Bob." in words


def test_a_browser_that_takes_no_gzip_gets_bobs_kept_page_as_it_is(client_for, bob, alices_thread):
    browser = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    browser.get(path)
    browser.get(path)
    answer = browser.get(path, headers={"Accept-Encoding": "identity"})
    assert answer.headers["X-Page-Cache"] == "hit" and answer.headers.get("Content-Encoding") is None
    assert "Signed in as Bob Morgan" in page_text(answer)


@pytest.mark.parametrize("app_overrides", [{"COMPRESS_REGISTER": False}])
def test_behind_nginx_the_app_sends_kept_pages_as_they_are(client, alices_thread):
    # COMPRESS_RESPONSES=false: nginx compresses (README); the app must not send brotli itself.
    path = f"/threads/{alices_thread.id}"
    plain = client.get(path)
    answer = client.get(path, headers={"Accept-Encoding": BROWSER})
    assert answer.headers["X-Page-Cache"] == "hit"
    assert answer.headers.get("Content-Encoding") is None
    assert answer.get_data() == plain.get_data()
