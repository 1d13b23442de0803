"""Small helpers the browser tests share: signing in through the real form, reading the outbox."""
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from app.services.demo import DEMO_PASSWORD

DEMO_MEMBERS = {
    "alice": "alice@example.org",  # lives with dementia
    "maya": "maya@example.org",  # volunteer moderator
    "root": "root@example.org",  # administrator
}


def sign_in_with_form(page, address: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as a person would: the sign-in page, two fields, then Enter on the button."""
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(address)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).press("Enter")
    page.wait_for_load_state()
    header = page.locator("header.site-header").inner_text()
    assert "Signed in as" in header, f"{address} could not sign in: {page.url}\n{header}"


def emails_to(outbox: Path, address: str) -> list:
    """Every email written to the server's outbox for `address`, oldest first."""
    if not outbox.exists():
        return []
    files = sorted(outbox.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    messages = [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in files]
    return [message for message in messages if message["To"] == address]


def link_in(message, path_prefix: str) -> str:
    """The first link in an email's plain text whose path starts with path_prefix, as a path."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", text)
    assert match, f"no {path_prefix} link in: {text}"
    return match.group(1)


def crawl_paths(app) -> list:
    """(endpoint, path) for every HTML page the crawl visits: each GET route, with its example from
    url_examples.py when it takes parameters, and the "not found" page. A page without parameters
    that has an example too (the meet-ups listing part-way through) is visited both ways: as it is,
    in its place, and its example after every other page, so that what the example leaves in a
    person's session (the meet-up filters they chose) changes no other page of the crawl."""
    from flask import url_for

    from tests.browser.url_examples import EXAMPLES, NOT_PAGES

    rules = sorted((rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ()) and rule.endpoint != "static"),
                   key=lambda rule: (rule.endpoint, rule.rule))
    pages, also = [], []
    with app.test_request_context():
        for rule in rules:
            if rule.endpoint in NOT_PAGES:
                continue
            if not rule.arguments:
                pages.append((rule.endpoint, url_for(rule.endpoint)))
                if rule.endpoint in EXAMPLES:
                    also.append((rule.endpoint, EXAMPLES[rule.endpoint]()))
            elif rule.endpoint in EXAMPLES:
                pages.append((rule.endpoint, EXAMPLES[rule.endpoint]()))
    pages += also
    pages.append(("errors.404", "/this-page-does-not-exist"))
    return pages

