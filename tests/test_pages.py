"""The page shell and the information pages, as a visitor and as a member sees them."""
import re

import pytest
import textstat

from tests.helpers import page_text

INFORMATION_PAGES = ["/help", "/accessibility", "/privacy", "/guidelines"]


def main_text(response):
    html = response.get_data(as_text=True)
    main = re.search(r"<main\b.*?</main>", html, flags=re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.mark.parametrize("path", INFORMATION_PAGES)
def test_help_and_guidance_are_written_in_plain_english(client, path):
    text = main_text(client.get(path))
    score = textstat.flesch_reading_ease(text)
    assert score >= 70, f"{path} scores {score:.0f} on Flesch reading ease; aim for 70 or more"


def test_every_page_has_its_own_title_and_one_heading(client):
    titles = set()
    for path in ["/", "/register", "/sign-in", "/sign-in/email-link", "/forgotten-password", "/settings/display", *INFORMATION_PAGES]:
        html = client.get(path).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html).group(1)
        assert title.endswith(" – Kindred"), path
        titles.add(title)
        assert len(re.findall(r"<h1\b", html)) == 1, path
        assert '<html lang="en-GB"' in html
    assert len(titles) == 10


def navigation_of(response):
    html = response.get_data(as_text=True)
    nav = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', html, flags=re.S).group(1)
    return re.findall(r">([^<]+)</a>", nav)


def test_the_same_navigation_with_help_on_every_page_and_at_most_six_items(client, client_for, alice):
    visitor = {tuple(navigation_of(client.get(path))) for path in ["/", "/help", "/sign-in", "/privacy"]}
    assert len(visitor) == 1
    items = list(visitor.pop())
    assert items[0] == "Home" and "Help" in items and items[-1] == "Sign in" and len(items) <= 6
    member = client_for(alice)
    member_items = {tuple(navigation_of(member.get(path))) for path in ["/", "/help", "/settings", "/settings/display"]}
    assert len(member_items) == 1 and list(member_items.pop())[-1] == "Your account"


def test_the_current_page_is_marked_in_the_navigation(client):
    html = client.get("/help").get_data(as_text=True)
    assert re.search(r'<a href="/help" aria-current="page">Help</a>', html)
    assert 'href="/" aria-current' not in html


def test_the_footer_offers_help_and_the_support_line_on_every_page(client):
    for path in ["/", "/sign-in", "/no-such-page"]:
        html = client.get(path).get_data(as_text=True)
        assert '<a href="tel:+443331503456">0333 150 3456</a>' in html
        for label in ["Help", "Accessibility statement", "Privacy", "Community guidelines"]:
            assert f">{label}</a>" in html


def test_a_visitor_is_welcomed_and_a_member_gets_a_start_page(client, client_for, bob):
    assert "Create a free account" in page_text(client.get("/"))
    start = page_text(client_for(bob).get("/"))
    assert "Hello, Bob Morgan" in start and "Create a free account" not in start


def test_the_skip_link_comes_first_and_goes_to_main(client):
    html = client.get("/").get_data(as_text=True)
    body = html.split("<body>", 1)[1]
    assert body.lstrip().startswith('<a class="skip-link" href="#main-content">Skip to main content</a>')
    assert '<main id="main-content"' in html


def test_pages_run_a_fixed_small_number_of_queries(client_for, alice):
    from tests.helpers import assert_max_queries

    member = client_for(alice)
    # "/" is the Today page, with its own budget of 8 (tests/test_today.py). The member (with their
    # live sign-in session) on the first page only, then kept (app/kept_members.py); their unread
    # notification count; on /settings her email address (never kept) and how many other browsers
    # she is signed in on.
    for path, expected in [("/help", 2), ("/settings", 3), ("/settings/display", 1)]:
        with assert_max_queries(expected) as queries:
            member.get(path)
        assert queries.count == expected, path
