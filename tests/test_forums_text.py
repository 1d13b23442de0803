"""Member text becomes HTML only through app/text.py: a Markdown subset and a bleach allow-list."""
import re

import pytest

from app.services import forums
from app.text import render
from tests.forum_fixtures import alices_thread, categories, welcome  # noqa: F401
from tests.helpers import page_text

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<body onload=alert(1)>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="http://example.org" onmouseover="alert(1)">hover</a>',
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<details open ontoggle=alert(1)>',
    '<input autofocus onfocus=alert(1)>',
    "![x](x\" onerror=\"alert(1))",
    "<object data=javascript:alert(1)>",
]


def _assert_harmless(html: str):
    lowered = html.lower()
    assert "<script" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered), html
    assert not re.search(r'(href|src)\s*=\s*"?\s*(javascript|data):', lowered), html
    assert "<iframe" not in lowered and "<img" not in lowered and "<svg" not in lowered and "<style" not in lowered


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_removes_every_script_and_event_handler(payload):
    _assert_harmless(render(payload))


def test_the_markdown_subset_is_kept_and_links_are_marked():
    html = render("**bold** and *soft*\n\n- one\n- two\n\n> a quote\n\n[Kindred](https://example.org) www.example.com")
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<ul>" in html and "<blockquote>" in html
    assert html.count('rel="nofollow ugc noopener"') == 2
    assert render("# Big heading") == "Big heading"  # headings are not in the subset; the words stay


def test_payloads_in_posts_and_titles_are_shown_as_words_not_run(client_for, alice, welcome):
    client = client_for(alice)
    for payload in XSS_PAYLOADS[:8]:
        response = client.post("/forums/welcome-and-introductions/new", data={"title": payload, "body": payload})
        page = client.get(response.location).get_data(as_text=True)
        main = page.split('<main', 1)[1]
        _assert_harmless(main)
    listing = client.get("/forums/welcome-and-introductions").get_data(as_text=True)
    _assert_harmless(listing.split("<main", 1)[1])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing  # the title, shown as typed


def test_post_html_is_cached_on_the_post(alice, alices_thread):
    post = forums.reply(alice, alices_thread, "Hello **there**").post
    assert post.body == "Hello **there**" and post.body_html == "<p>Hello <strong>there</strong></p>"
