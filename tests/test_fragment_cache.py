"""Each post's HTML (and each line of a category page) is kept and used again (app/services/fragments.py),
yet every reader still sees the post as it is now, in their language, folded or not as they chose,
and a thread page still runs in at most 8 SQL statements."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, PostStatus
from app.services import blocking, forums, fragments
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import assert_max_queries, page_text
from tests.people import new_member

FOLDED = "Show this post from a member you have blocked or muted"


@pytest.fixture(autouse=True)
def _empty_fragment_cache(app):
    fragments.clear()  # the app (and its in-process cache) is shared by the tests of a run
    yield
    fragments.clear()


def stored(app) -> int:
    """How many fragments this process keeps."""
    return len(app.extensions["kindred_fragments"]["local"].items)


def posts(response) -> str:
    """The words of a thread page's posts (or of a category page's list of threads), without the
    rest of the page (the first page after signing in also says "You are signed in")."""
    html = response.get_data(as_text=True)
    start = html.index('<div class="posts"') if '<div class="posts"' in html else html.index('<ul class="thread-list"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:html.index("</main>")]).replace("&#39;", "'").split())


def _first_post(thread) -> Post:
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.number == 1))


@pytest.fixture
def rendered(app, monkeypatch):
    """How many posts the thread pages rendered (rather than took from the cache)."""
    made = []

    def counting(views, thread, render):
        return fragments.post_fragments(views, thread, lambda *args: made.append(1) or render(*args))

    monkeypatch.setitem(app.jinja_env.globals, "post_fragments", counting)
    return made


def test_bobs_second_visit_uses_the_kept_posts_and_an_edit_shows_at_once(app, client_for, alice, bob, alices_thread, rendered):
    forums.reply(alice, alices_thread, "The roses are out.")
    browser = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    first = browser.get(path)
    assert stored(app) == 2 and len(rendered) == 2  # both posts rendered and kept
    again = browser.get(path)
    assert len(rendered) == 2 and posts(again) == posts(first)  # none rendered again

    forums.edit_post(alice, _first_post(alices_thread), "I love my garden, my cat Biscuit and my allotment.")
    text = page_text(browser.get(path))
    assert "my allotment" in text and "(edited" in text
    assert "I love my garden and my cat, Biscuit." not in text
    assert len(rendered) == 3  # only the edited post


def test_a_text_corrected_without_an_edit_time_still_shows_at_once(app, client_for, alice, bob, alices_thread, rendered):
    """Root corrects the words of Alice's post in the database (a data migration that mends old
    text, say), leaving its edit time alone; once kept pages are forgotten, Bob sees the new words:
    a post's fragment is kept by its text too, not only by when it was last edited."""
    browser = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    assert "I love my garden and my cat, Biscuit." in page_text(browser.get(path))
    post = _first_post(alices_thread)
    db.session.execute(sa.update(Post).where(Post.id == post.id).values(body_html="<p>I love my garden and my dog, Biscuit.</p>"))
    db.session.commit()
    app.config.update(PAGE_CACHE=False)  # as after flask forget-kept-pages: the page itself made afresh
    text = page_text(browser.get(path))
    assert "my dog, Biscuit." in text and "my cat, Biscuit." not in text and "(edited" not in text


def test_a_hidden_post_disappears_at_once_for_others_and_its_writer_is_told_why(app, client_for, alice, bob, maya, alices_thread):
    reply = forums.reply(bob, alices_thread, "Call me on this number for a loan.").post
    path = f"/threads/{alices_thread.id}"
    alices, bobs = client_for(alice), client_for(bob)
    assert "for a loan" in page_text(alices.get(path)) and "for a loan" in page_text(bobs.get(path))

    forums.set_post_status(reply, PostStatus.HIDDEN, "Looks like a scam", actor=maya)
    db.session.commit()
    assert "for a loan" not in page_text(alices.get(path))
    bob_sees = page_text(bobs.get(path))
    assert "for a loan" in bob_sees and "Hidden by a volunteer: Looks like a scam." in bob_sees

    forums.set_post_status(reply, PostStatus.VISIBLE, actor=maya)
    db.session.commit()
    assert "for a loan" in page_text(alices.get(path))
    assert "Hidden by a volunteer" not in page_text(bobs.get(path))


def test_a_welsh_page_never_shows_an_english_post_and_an_english_page_never_a_welsh_one(client_for, alice, alices_thread):
    gwen = new_member("Gwen Parry", "gwen")
    gwen.language = "cy"
    db.session.commit()
    forums.reply(gwen, alices_thread, "Croeso, Alice!")
    path = f"/threads/{alices_thread.id}"
    alices, gwens = client_for(alice), client_for(gwen)
    for _ in range(2):  # each reads after the other, twice: the kept posts are theirs
        english = page_text(alices.get(path))
        assert "Post 1," in english and "Reply (post 2)" in english and "React (post 2)" in english
        assert "Neges 1," not in english and "Ateb" not in english and "Ymateb" not in english
        welsh = page_text(gwens.get(path))
        assert "Neges 1," in welsh and "Ymateb (neges 2)" in welsh and "Rhagor (neges 2)" in welsh
        assert "Post 1," not in welsh and "React (post" not in welsh and "Reply (post" not in welsh


def test_a_blocked_writers_post_stays_folded_for_the_one_who_blocked_them_only(client_for, alice, bob, alices_thread):
    dave = new_member("Dave Price", "dave")
    forums.reply(dave, alices_thread, "Buy my miracle cure.")
    blocking.block(bob, dave)
    path = f"/threads/{alices_thread.id}"
    alices, bobs = client_for(alice), client_for(bob)
    for _ in range(2):
        alice_sees = page_text(alices.get(path))
        assert "Buy my miracle cure." in alice_sees and FOLDED not in alice_sees
        bob_sees = bobs.get(path).get_data(as_text=True)
        assert FOLDED in bob_sees
        folded = bob_sees.split("<details", 1)[1].split("</details>", 1)[0]
        assert "Buy my miracle cure." in folded  # only inside the fold, which he opens if he wants
    blocking.unblock(bob, dave)
    assert FOLDED not in page_text(bobs.get(path))


def test_a_locked_thread_offers_reply_only_to_moderators(client_for, alice, maya, alices_thread):
    forums.reply(alice, alices_thread, "One more thing.")
    path = f"/threads/{alices_thread.id}"
    assert "Reply (post 2)" in page_text(client_for(alice).get(path))
    forums.set_locked(maya, alices_thread, True)
    assert "Reply (post 2)" not in page_text(client_for(alice).get(path))
    assert "Reply (post 2)" in page_text(client_for(maya).get(path))  # moderators may still reply


def test_a_visitor_and_a_member_each_see_their_own_actions(client, client_for, alice, bob, alices_thread):
    forums.react(bob, _first_post(alices_thread), "hug")
    path = f"/threads/{alices_thread.id}"
    for _ in range(2):
        visitor = page_text(client.get(path))
        assert "See who reacted (post 1)" in visitor and "React (post 1)" not in visitor
        member = page_text(client_for(alice).get(path))
        assert "React (post 1)" in member and "See who reacted" not in member


def test_a_new_reaction_and_a_renamed_writer_show_at_once(client_for, alice, bob, alices_thread):
    browser = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    assert "sent a hug" not in page_text(browser.get(path))
    forums.react(bob, _first_post(alices_thread), "hug")
    assert "1 person sent a hug" in page_text(browser.get(path))
    alice.display_name = "Alice M"
    db.session.commit()
    text = page_text(browser.get(path))
    assert "Alice M" in text and "Alice Morgan" not in text


def test_a_category_page_keeps_its_lines_and_shows_a_reply_at_once(app, client_for, alice, bob, alices_thread):
    browser = client_for(bob)
    path = "/forums/welcome-and-introductions"
    first = posts(browser.get(path))
    assert "Hello from Alice" in first and "No replies yet." in first and "New since your last visit" in first
    kept = stored(app)
    assert kept >= 1 and posts(browser.get(path)) == first and stored(app) == kept
    browser.get(f"/threads/{alices_thread.id}")  # Bob reads it: no longer new to him
    forums.reply(alice, alices_thread, "Anyone there?")
    text = page_text(browser.get(path))
    assert "1 reply." in text and "Latest" in text and "by Alice Morgan." in text
    assert "1 new reply" in text and "New since your last visit" not in text


def test_a_thread_page_with_kept_posts_runs_in_at_most_eight_statements(client_for, alice, bob, alices_thread):
    for n in range(25):
        forums.reply([alice, bob][n % 2], alices_thread, f"Reply {n + 2} about the garden")
    browser = client_for(bob)
    path = f"/threads/{alices_thread.id}"
    with assert_max_queries(8):
        cold = browser.get(path)  # nothing kept yet (and the read marker is made)
    with assert_max_queries(8):
        warm = browser.get(path)
    assert posts(warm) == posts(cold) and "Reply 20 about the garden" in posts(warm)


def test_the_posts_look_the_same_with_and_without_the_cache(app, client_for, alice, bob, alices_thread):
    forums.reply(bob, alices_thread, "**Bold** and a [link](https://example.org).")
    browser = client_for(alice)
    path = f"/threads/{alices_thread.id}"
    browser.get(path)
    cached = posts(browser.get(path))
    app.config["FRAGMENT_CACHE"] = False
    assert posts(browser.get(path)) == cached


def test_with_redis_a_post_rendered_by_one_process_is_not_rendered_again_by_another(app, monkeypatch, redis_url, client_for, alice, bob, alices_thread, rendered):
    """Several server processes: each keeps its own copies, and Redis holds them for the others."""
    fragments.redis_cache.init_app(app, config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url,
                                                "CACHE_KEY_PREFIX": "kindred-fragment-test:", "CACHE_DEFAULT_TIMEOUT": 60})
    monkeypatch.setitem(app.extensions["kindred_fragments"], "redis", True)
    fragments.clear()
    client = fragments.redis_cache.cache._write_client
    path = f"/threads/{alices_thread.id}"
    first = posts(client_for(bob).get(path))
    in_redis = client.keys("kindred-fragment-test:*")
    assert len(in_redis) == 1
    app.extensions["kindred_fragments"]["local"].clear()  # as if another process answered next
    app.extensions["kindred_fragments"]["middles"].clear()  # (which keeps no thread page's middle either)
    assert posts(client_for(bob).get(path)) == first
    assert len(rendered) == 1 and stored(app) == 1  # taken from Redis, not rendered again
    forums.edit_post(alice, _first_post(alices_thread), "Now about tulips.")
    assert "Now about tulips." in page_text(client_for(bob).get(path))
    fragments.clear()
    assert client.keys("kindred-fragment-test:*") == []


# ---- A thread page's middle, kept with holes for one request's tokens ---------------------------


def middles(app) -> int:
    """How many thread pages' middles this process keeps."""
    return len(app.extensions["kindred_fragments"]["middles"].items)


def _tokens(page) -> tuple[set[str], set[str]]:
    """The page's CSRF tokens and reply-form submission keys."""
    html = page.get_data(as_text=True)
    return (set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html)),
            set(re.findall(r'name="submission_key"[^>]*value="([^"]+)"', html)))


def _without_tokens(page) -> str:
    html = page.get_data(as_text=True)
    html = re.sub(r'(name="(?:csrf_token|submission_key)"[^>]*value=")[^"]+"', r"\1", html)
    return html[html.index("<main"):html.index("</main>")]


@pytest.fixture
def pages_made(app, monkeypatch):
    """Members' pages made on every request (not the whole-page cache); once everyone is signed
    in, `pages_made()` turns form protection on, as in production."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_MEMBERS", False)
    return lambda: monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_bob_and_hope_read_one_kept_middle_each_with_their_own_form_tokens(app, pages_made, client_for, alice, bob, hope, alices_thread, rendered):
    path = f"/threads/{alices_thread.id}"
    bobs, hopes = client_for(bob), client_for(hope)
    pages_made()
    bobs.get(path), hopes.get(path)  # first visits: "new since your last visit", and read markers made
    bob_again = bobs.get(path)
    kept, posts_rendered = middles(app), len(rendered)
    hope_again = hopes.get(path)
    # The same page for both (neither wrote it, follows it or has a draft): kept once, used by Hope.
    assert middles(app) == kept and len(rendered) == posts_rendered
    assert _without_tokens(hope_again) == _without_tokens(bob_again)
    assert "hole" not in hope_again.get_data(as_text=True)
    app.config["FRAGMENT_CACHE"] = False
    assert _without_tokens(hopes.get(path)) == _without_tokens(hope_again)  # as if made afresh
    app.config["FRAGMENT_CACHE"] = True
    # Each has their own session's CSRF token, and each view its own submission key.
    (bob_token,), (bob_key,) = _tokens(bob_again)
    (hope_token,), (hope_key,) = _tokens(hope_again)
    assert bob_token != hope_token and bob_key != hope_key
    assert _tokens(hopes.get(path))[1] != {hope_key}
    # Bob's token does not work in Hope's browser; hers does.
    refused = hopes.post(f"{path}/reply", data={"csrf_token": bob_token, "submission_key": hope_key, "body": "Sent with Bob's token"})
    assert "Sent with Bob" not in page_text(hopes.get(path)) and refused.status_code == 400
    hopes.post(f"{path}/reply", data={"csrf_token": hope_token, "submission_key": hope_key, "body": "Our café is on Tuesday."})
    assert "Our café is on Tuesday." in page_text(bobs.get(path))  # a reply shows at once


def test_bobs_token_is_signed_once_for_his_session_and_every_page_of_his_takes_it(app, pages_made, client_for, bob, hope, alices_thread, monkeypatch):
    """Flask-WTF would sign Bob's CSRF token afresh for every page; with no time limit the time in
    the signature is never read, so it is signed once for his session (app/security.py). His pages
    made afresh all carry that one token, a reply sent from the oldest of them is accepted, and
    Hope's session has a token of its own that his cannot stand in for."""
    import flask_wtf.csrf

    path = f"/threads/{alices_thread.id}"
    bobs, hopes = client_for(bob), client_for(hope)
    pages_made()
    bobs.get(path), hopes.get(path)  # the first pages give each session its token
    signed = []

    class CountingSigner(flask_wtf.csrf.URLSafeTimedSerializer):  # what Flask-WTF signs tokens with
        def dumps(self, *args, **kwargs):
            signed.append("signed")
            return super().dumps(*args, **kwargs)

    monkeypatch.setattr(flask_wtf.csrf, "URLSafeTimedSerializer", CountingSigner)
    bob_pages = [bobs.get(path), bobs.get("/forums"), bobs.get("/settings"), bobs.get(path)]
    (bob_token,) = set().union(*(_tokens(page)[0] for page in bob_pages))
    assert signed == ["signed"]
    (hope_token,), _ = _tokens(hopes.get(path))
    assert hope_token != bob_token
    refused = hopes.post(f"{path}/reply", data={"csrf_token": bob_token, "submission_key": next(iter(_tokens(hopes.get(path))[1])),
                                                "body": "Sent with Bob's token"})
    assert refused.status_code == 400 and "Sent with Bob" not in page_text(hopes.get(path))
    (oldest_key,) = _tokens(bob_pages[0])[1]
    bobs.post(f"{path}/reply", data={"csrf_token": bob_token, "submission_key": oldest_key, "body": "Mum enjoyed the singing."})
    assert "Mum enjoyed the singing." in page_text(hopes.get(path))


def test_nothing_of_bobs_reaches_hopes_kept_middle(app, pages_made, client_for, alice, bob, hope, alices_thread):
    path = f"/threads/{alices_thread.id}"
    bobs, hopes = client_for(bob), client_for(hope)
    pages_made()
    forums.follow(bob, alices_thread)
    forums.save_draft(bob, "My unsent words about the roses", thread=alices_thread)
    for _ in range(2):
        bob_page, hope_page = page_text(bobs.get(path)), page_text(hopes.get(path))
        assert "You are following this thread." in bob_page and "My unsent words about the roses" in bob_page
        assert "We kept your unfinished reply" in bob_page
        assert "You are following this thread." not in hope_page and "Follow this thread" in hope_page
        assert "My unsent words" not in hope_page and "We kept your unfinished reply" not in hope_page
    forums.follow(bob, alices_thread, on=False)
    assert "You are following this thread." not in page_text(bobs.get(path))  # at once


def test_hope_may_report_alices_thread_and_alice_is_not_offered_it(app, pages_made, client_for, alice, hope, alices_thread):
    path = f"/threads/{alices_thread.id}"
    alices, hopes = client_for(alice), client_for(hope)
    pages_made()
    forums.follow(alice, alices_thread, on=False)  # so that her page differs from Hope's in nothing else
    for _ in range(2):
        hope_page, alice_page = page_text(hopes.get(path)), page_text(alices.get(path))
        assert "Report this thread" in hope_page and "Report this thread" not in alice_page
        assert "Follow this thread" in hope_page and "Follow this thread" in alice_page


def test_a_moderators_middle_is_never_kept(app, pages_made, client_for, maya, alices_thread):
    path = f"/threads/{alices_thread.id}"
    volunteer = client_for(maya)
    pages_made()
    for _ in range(2):
        assert "Lock this thread" in page_text(volunteer.get(path))
    assert middles(app) == 0


def _links(page) -> list[str]:
    html = page.get_data(as_text=True)
    return sorted(set(re.findall(r'href="([^"]+)"', html[html.index("<main"):html.index("</main>")])))


@pytest.mark.parametrize("members_pages_kept", [False, True])
def test_a_site_served_under_kindred_and_at_the_root_keeps_each_ones_links(app, monkeypatch, client_for, bob, hope, alices_thread, members_pages_kept):
    """A charity serves Kindred under /kindred on its own web address (the web server's
    SCRIPT_NAME) while the root still answers: kept middles, posts and pages each keep their own links."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_MEMBERS", members_pages_kept)
    path = f"/threads/{alices_thread.id}"
    bobs, hopes = client_for(bob), client_for(hope)
    under = {"SCRIPT_NAME": "/kindred"}
    for _ in range(3):
        bob_links, hope_links = _links(bobs.get(path, environ_overrides=under)), _links(hopes.get(path))
        bob_under_root = _links(bobs.get(path))
        assert f"/kindred/forums/welcome-and-introductions" in bob_links and all(link.startswith("/kindred/") for link in bob_links if link.startswith("/"))
        assert "/forums/welcome-and-introductions" in hope_links and not any(link.startswith("/kindred") for link in hope_links)
        assert not any(link.startswith("/kindred") for link in bob_under_root)


def test_a_middle_that_writes_the_real_token_instead_of_its_hole_is_never_kept(app, monkeypatch):
    """Should a template ever write a session's CSRF token itself (a macro imported without the
    page's context), that HTML would carry one member's token to everyone: it is shown once, not kept."""
    from flask_wtf.csrf import generate_csrf

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for _ in range(2):
        with app.test_request_context("/threads/1"):
            real = generate_csrf()
            html = fragments.with_holes(("a test middle",), lambda holes: f'<input value="{holes["csrf"]}"><input value="{real}">',
                                        {"csrf": generate_csrf})
            assert str(html) == f'<input value="{real}"><input value="{real}">'
    assert middles(app) == 0
    with app.test_request_context("/threads/1"):
        fragments.with_holes(("a test middle",), lambda holes: f'<input value="{holes["csrf"]}">', {"csrf": generate_csrf})
    assert middles(app) == 1


def shells(app) -> int:
    """How many headers and footers this process keeps (templating.site_header)."""
    return len(app.extensions["kindred_fragments"]["shells"].items)


def _header(page) -> str:
    html = page.get_data(as_text=True)
    return html[html.index('<header class="site-header">'):html.index("</header>")]


def _language_form_back(page) -> str:
    return re.search(r'<form class="language-choice".*?name="next" value="([^"]*)"', _header(page), re.S).group(1)


def test_bobs_kept_header_says_who_he_is_and_what_is_new_and_comes_back_to_each_page(app, pages_made, client_for, alice, bob, hope, alices_thread):
    """A member's header is kept in the process (templating.site_header), one for each name, unread
    count and part of the site: yet each page's language choice comes back to that very page, his
    sign-out form carries his own session's token, and a new notification or a new name shows at once."""
    from app.services import notifications

    bobs, hopes = client_for(bob), client_for(hope)
    pages_made()
    thread_path, category_path = f"/threads/{alices_thread.id}", f"/forums/{alices_thread.category.slug}"
    bobs.get(thread_path)
    kept = shells(app)
    on_the_category = bobs.get(f"{category_path}?older=x&a=1")
    on_the_thread = bobs.get(thread_path)
    assert shells(app) == kept  # both pages are in the forums: one header, kept once
    assert _language_form_back(on_the_thread) == thread_path
    assert _language_form_back(on_the_category) == f"{category_path}?older=x&amp;a=1"  # written as HTML writes "&"
    assert "Signed in as Bob" in page_text(on_the_thread) and 'aria-current="page">Forums<' in _header(on_the_thread)
    (bob_token,), _ = _tokens(on_the_thread)
    hope_page = hopes.get(thread_path)
    (hope_token,), _ = _tokens(hope_page)
    assert "Signed in as Hope" in page_text(hope_page) and "Bob" not in _header(hope_page) and hope_token != bob_token
    assert "(1 new)" not in _header(on_the_thread)
    notifications.notify(bob, "reply", "Alice replied to your post.", thread_path, actor=alice)
    assert "(1 new)" in _header(bobs.get(thread_path))
    bob.display_name = "Robert"  # as an administrator would correct it
    db.session.commit()
    renamed = bobs.get(thread_path)
    assert "Signed in as Robert" in page_text(renamed) and "Signed in as Bob" not in page_text(renamed)
    assert bobs.get("/settings").status_code == 200 and 'aria-current="page">Your account<' in _header(bobs.get("/settings"))


def test_two_members_of_the_same_name_share_a_kept_header_but_never_a_token(app, pages_made, client_for, alices_thread):
    """The kept header holds a name and a count, never a session: two members both called Sam get
    the same header, each with their own session's CSRF token in it (a hole filled at each view)."""
    sam, other_sam = new_member("Sam", "sam"), new_member("Sam", "sam2")
    first, second = client_for(sam), client_for(other_sam)
    pages_made()
    path = f"/threads/{alices_thread.id}"
    first.get(path)
    kept = shells(app)
    first_page, second_page = first.get(path), second.get(path)
    assert shells(app) == kept
    assert re.sub(r'value="[^"]+"', "", _header(first_page)) == re.sub(r'value="[^"]+"', "", _header(second_page))
    (first_token,), _ = _tokens(first_page)
    (second_token,), _ = _tokens(second_page)
    assert first_token != second_token
    assert first_token in _header(first_page) and second_token in _header(second_page) and first_token not in _header(second_page)
    assert "hole" not in _header(second_page)


def test_a_visitors_header_is_made_each_time_and_its_language_links_come_back_here(app, client, alices_thread):
    page = client.get("/search?q=roses&x=a%26b")
    links = re.findall(r'href="(/settings/language\?[^"]+)"', _header(page))
    assert links and all("next=/search?q%3Droses%26x%3Da%2526b" in link for link in links), links
    assert "Sign in" in page_text(page) and "Signed in as" not in page_text(page)


def test_a_visitor_offered_welsh_comes_back_to_the_very_search_they_made(client):
    page = client.get("/search?q=roses&x=a%26b", headers={"Accept-Language": "cy"})
    html = page.get_data(as_text=True)
    offer = html[html.index('class="message message--info language-offer"'):]
    links = re.findall(r'href="(/settings/language\?[^"]+)"', offer[:offer.index("</div>")])
    assert len(links) == 2 and all("next=/search?q%3Droses%26x%3Da%2526b" in link for link in links), links


def _line(page, title: str) -> str:
    """The words of a category page's line for the thread with this title."""
    html = page.get_data(as_text=True)
    for item in re.findall(r'<li class="thread-list__item">(.*?)</li>', html, re.S):
        if title in item:
            return " ".join(re.sub(r"<[^>]+>", " ", item).split())
    raise AssertionError(f"no line for {title!r}")


def test_bobs_own_tags_on_a_kept_line_change_at_once_and_never_reach_hope(app, pages_made, client_for, alice, bob, hope, maya, alices_thread):
    """Each category line is kept whole, tags and all (fragments.thread_row_fragments): Bob's
    Following and his new replies show at once, and Hope, who has never opened the thread, still
    sees it as new to her, without his tags."""
    path, title = f"/forums/{alices_thread.category.slug}", alices_thread.title
    bobs, hopes = client_for(bob), client_for(hope)
    pages_made()
    assert "New since your last visit" in _line(bobs.get(path), title)
    bobs.get(f"/threads/{alices_thread.id}")
    read = _line(bobs.get(path), title)
    assert "New since your last visit" not in read and "Following" not in read and "new repl" not in read
    forums.follow(bob, alices_thread)
    assert "Following" in _line(bobs.get(path), title)
    forums.reply(alice, alices_thread, "The roses are out.")
    assert "1 new reply" in _line(bobs.get(path), title)
    hopes_line = _line(hopes.get(path), title)
    assert "New since your last visit" in hopes_line and "Following" not in hopes_line and "new repl" not in hopes_line
    assert "1 reply." in hopes_line and "1 reply." in _line(bobs.get(path), title)
    # Both have read it now and neither follows it: only Bob has a reply he has not read.
    forums.follow(bob, alices_thread, on=False)
    hopes.get(f"/threads/{alices_thread.id}")
    assert "1 new reply" in _line(bobs.get(path), title)
    assert "new repl" not in _line(hopes.get(path), title)
    forums.set_locked(maya, alices_thread, True)  # a volunteer closes it: everyone sees it at once
    assert "Locked" in _line(bobs.get(path), title) and "Locked" in _line(hopes.get(path), title)
