"""Every page shape, as every kind of person, in every display variant, passes axe and our own checks.

The crawler reads app.url_map, so a new page is scanned as soon as its route exists; a route with
parameters needs an example in url_examples.py. A visitor, alice (lives with dementia), maya
(volunteer moderator) and root (administrator) each see every page in standard colours, high
contrast, the largest text, and in Welsh (Cymraeg).

Fast and bounded: each person first opens every page in-process (Flask's test client, no browser)
to learn which template answers it; the browser then scans each distinct template (a "shape") once
per person and variant, so twenty pages that all answer "you cannot see this" cost one scan, and a
route with many ids is one shape. Each (person, language) is its own test, so pytest-xdist runs them
in parallel, each worker with its own server and one Chromium context per person, reused. axe-core
is loaded into each context once (an init script), not sent with every page.

The display variants differ only in two classes on <html> (app/display.py: text-<size>
colours-<scheme>; the server sends the same page otherwise). So each page is loaded once per
language and every variant of that language is scanned on it, the classes switched in place: the
same DOM the server would send, without loading the page again (a load was ~40% of a scan). That
the server really sends each variant's classes is checked for real at the start of each test, on
every variant, from the stored setting or the visitor's cookie.

A page that takes longer than PAGE_SECONDS, or a (person, language) that runs past its budget
(BUDGET_SECONDS_PER_VARIANT for each variant), fails with its name, never a CI timeout. All problems
of one (person, language) are reported together.
"""
import json
import re
import time
from collections import defaultdict
from html.parser import HTMLParser
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import template_rendered
from playwright.sync_api import Error as PlaywrightError

from app.extensions import db
from app.services import accounts
from tests.browser.conftest import first_worker_only
from tests.browser.support import DEMO_MEMBERS, crawl_paths, sign_in_with_form
from tests.helpers import page_text
from tests.browser.url_examples import EXAMPLES, NOT_PAGES

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "wcag2aaa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
ROLES = ["visitor", *DEMO_MEMBERS]
# name: (text_size, colour_scheme, language). Every page shape is also scanned in Welsh: the words
# are longer (targets, wrapping at 400% zoom) and <html lang="cy"> must be right.
VARIANTS = {
    "standard": ("standard", "standard", "en"),
    "high-contrast": ("standard", "high-contrast", "en"),
    "largest-text": ("largest", "standard", "en"),
    "cymraeg": ("standard", "standard", "cy"),
}
# One test per person and language; a page is loaded once for all the variants of its language.
LANGUAGES = {
    "english": ["standard", "high-contrast", "largest-text"],
    "cymraeg": ["cymraeg"],
}
HTML_LANG = {"en": "en-GB", "cy": "cy"}
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 800}  # 1280px at 400% zoom
MISSING_PAGE = "/this-page-does-not-exist"
# A page takes 1-3 s to scan on a busy 2-core machine; far more means something hangs.
PAGE_SECONDS = 45
# One person in one variant is 24-74 shapes, 1-4 minutes even at a load average of 17. Past this
# the rest is reported as not scanned: 16 variants' budgets on 2 workers stay inside CI's 90 minutes.
BUDGET_SECONDS_PER_VARIANT = 300


@dataclass(frozen=True)
class Problem:
    path: str
    endpoint: str  # with the address asked for, when it redirected elsewhere
    role: str
    variant: str
    rule: str
    detail: str
    targets: tuple = ()


def _get_routes(app):
    """(endpoint, rule) for every GET route except static files."""
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ()) and rule.endpoint != "static"]
    return [(rule.endpoint, rule) for rule in sorted(rules, key=lambda rule: (rule.endpoint, rule.rule))]


def test_every_get_route_with_parameters_has_an_example(site_app):
    missing = [
        f"{endpoint} ({rule.rule})"
        for endpoint, rule in _get_routes(site_app)
        if rule.arguments and endpoint not in EXAMPLES and endpoint not in NOT_PAGES
    ]
    endpoints = {endpoint for endpoint, _ in _get_routes(site_app)}
    stale = sorted((set(EXAMPLES) | NOT_PAGES) - endpoints)
    assert not missing, (
        "These pages take parameters, so the browser crawler cannot visit them without an example. "
        "Register one with @example(...) in tests/browser/url_examples.py, or list a download in NOT_PAGES:\n  "
        + "\n  ".join(missing)
    )
    assert not stale, f"url_examples.py names endpoints that no longer exist: {stale}"


def test_the_meetups_listing_is_crawled_as_it_is_and_part_way_through(site_app, pages_to_visit):
    """Both are scanned: the first page with the filters closed, and page 3 with choices made,
    whose paging links are what the example is for (were its key not read, it would quietly be
    the first page again)."""
    listings = [path for endpoint, path in pages_to_visit if endpoint == "meetups.index"]
    assert listings[0] == "/meetups" and len(listings) == 2
    assert [endpoint for endpoint, _ in pages_to_visit][-2:] == ["meetups.index", "errors.404"]  # its kept filters touch no other page
    text = page_text(site_app.test_client().get(listings[1]))
    assert "Sooner meet-ups" in text and "The soonest meet-ups" in text and "Page 3" in text


@pytest.fixture(scope="session")
def pages_to_visit(site_app):
    """(endpoint, path) for every HTML page, examples included, plus the "not found" page."""
    return crawl_paths(site_app)


def _page_key(url: str) -> str:
    # /sign-in?next=/settings and /sign-in?next=/admin are the same page for a visitor.
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "next"])
    return parts.path + ("?" + query if query else "")


@dataclass
class Plan:
    """What the browser scans for each person, and which example pages anybody could open."""

    shapes: dict  # role -> [(endpoint, path)], the first page of each distinct template
    opened: set  # paths that answered 200 for at least one person


def _make_plan(site_app, pages_to_visit) -> Plan:
    """Each person opens every page in-process; pages answered by the same template are one shape."""
    rendered = []

    def record(_sender, template, **_extra):
        rendered.append(template.name)

    shapes, opened = {}, set()
    template_rendered.connect(record, site_app)
    try:
        for role in ROLES:
            client = site_app.test_client()
            if role != "visitor":
                with site_app.app_context():
                    login_id = accounts.find_by_email(DEMO_MEMBERS[role]).get_id()
                with client.session_transaction() as session:
                    session["_user_id"], session["_fresh"] = login_id, True
            seen, shapes[role], listed = set(), [], set()
            for endpoint, path in pages_to_visit:
                rendered.clear()
                response = client.get(path, follow_redirects=True)
                if response.status_code == 200:
                    opened.add(path)
                # A page listed twice (as it is, and part-way through: crawl_paths) is two shapes.
                shape = (response.status_code, tuple(rendered), path if endpoint in listed else None)
                listed.add(endpoint)
                if shape not in seen:
                    seen.add(shape)
                    shapes[role].append((endpoint, path))
    finally:
        template_rendered.disconnect(record, site_app)
    return Plan(shapes, opened)


@pytest.fixture(scope="session")
def plan(site_app, pages_to_visit, tmp_path_factory):
    """The plan, made once per run: every worker's site is a copy of the same seeded demo site
    (demo_site_files), so the first worker to get here writes it down and the others read it.
    It is written as positions in pages_to_visit, which every worker lists in the same order: an
    example's address can differ between workers (a sign-in link's token is made in each one's own
    database), the page it names does not."""
    with first_worker_only(tmp_path_factory, "crawl-plan") as shared:
        written = shared / "crawl-plan.json"
        if not written.exists():
            made = _make_plan(site_app, pages_to_visit)
            position = {page: number for number, page in enumerate(pages_to_visit)}
            written.write_text(json.dumps({
                "endpoints": [endpoint for endpoint, _ in pages_to_visit],
                "shapes": {role: [position[page] for page in pages] for role, pages in made.shapes.items()},
                "opened": sorted(number for number, (_, path) in enumerate(pages_to_visit) if path in made.opened),
            }))
            return made
    stored = json.loads(written.read_text())
    assert stored["endpoints"] == [endpoint for endpoint, _ in pages_to_visit], "the workers listed different pages"
    return Plan({role: [pages_to_visit[number] for number in numbers] for role, numbers in stored["shapes"].items()},
                {pages_to_visit[number][1] for number in stored["opened"]})


@pytest.fixture(scope="session")
def tabs(browser, site):
    """One context and tab per person for the whole run: each member signs in once, by the real form.

    axe-core is an init script of each context, so pages need not be sent 500 KB of it each time."""
    axe_script = Axe().axe_script
    made, contexts = {}, []

    def tab_for(role):
        if role not in made:
            context = browser.new_context(base_url=site.base_url, viewport=DESKTOP)
            contexts.append(context)
            context.set_default_timeout(PAGE_SECONDS * 1000)
            page = context.new_page()
            if role != "visitor":
                sign_in_with_form(page, DEMO_MEMBERS[role])
            context.add_init_script(script=axe_script)
            made[role] = page
        return made[role]

    yield tab_for
    for context in contexts:
        context.close()


def _show_variant(app, site, page, role, text_size: str, colour_scheme: str, language: str | None) -> None:
    if role == "visitor":
        page.context.add_cookies([{"name": "kindred_display", "value": f"{text_size}.{colour_scheme}", "url": site.base_url},
                                  {"name": "kindred_language", "value": language or "en", "url": site.base_url}])
        return
    # Through the site's own forms, as the member would choose: the server then knows at once. (A
    # change written to its database from this test process would not reach the server's kept
    # copy of the member's row, app/kept_members.py, as no second server without Redis would.)
    form_page = page.request.get(site.url("/settings/display")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page).group(1)
    for address, fields in (("/settings/display", {"text_size": text_size, "colour_scheme": colour_scheme}),
                            ("/settings/language", {"language": language or "en", "next": "/settings"})):
        chosen = page.request.post(site.url(address), form={"csrf_token": token, **fields}, headers={"Origin": site.base_url})
        assert chosen.ok, f"{role} could not choose {fields} at {address}: {chosen.status}"


# Checks axe does not make (ACCESSIBILITY.md 1, 6, 9). Returns [[rule, detail, [targets]], ...].
PAGE_CHECKS = """
([textSize, colourScheme, lang]) => {
  const problems = [];
  const squash = (text) => (text || "").replace(/\\s+/g, " ").trim();
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) return name + "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) name += "." + el.className.trim().split(/\\s+/).join(".");
    const text = squash(el.textContent).slice(0, 40);
    return text ? `${name} "${text}"` : name;
  };
  const shown = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: false }) && el.getClientRects().length > 0;

  const html = document.documentElement;
  if (html.getAttribute("lang") !== lang) problems.push(["html-lang", `lang is ${JSON.stringify(html.getAttribute("lang"))}, not ${JSON.stringify(lang)}: the language variant was not applied`, ["html"]]);
  if (!document.title.endsWith(" – Kindred")) problems.push(["page-title", `title ${JSON.stringify(document.title)} does not end with " – Kindred"`, ["title"]]);
  const h1s = [...document.querySelectorAll("h1")];
  if (h1s.length !== 1) problems.push(["one-h1", `${h1s.length} h1 elements, not exactly one`, h1s.map(describe)]);
  for (const expected of [`text-${textSize}`, `colours-${colourScheme}`]) {
    if (!html.classList.contains(expected)) problems.push(["display-settings", `<html class="${html.className}"> lacks ${expected}: the variant was not applied`, ["html"]]);
  }

  const smallText = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(el.tagName)) continue;
    const ownText = [...el.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.nodeValue.trim());
    if (!ownText || !shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 18.99) smallText.push(`${describe(el)} (${size}px)`);
  }
  if (smallText.length) problems.push(["text-19px", "text smaller than 19px", smallText]);

  const blockAncestor = (el) => {
    let node = el.parentElement;
    while (node && node !== document.body && getComputedStyle(node).display.startsWith("inline")) node = node.parentElement;
    return node || document.body;
  };
  const smallTargets = [];
  const targets = document.body.querySelectorAll('button, input:not([type="hidden"]), select, textarea, a[href]');
  for (const el of targets) {
    if (!shown(el)) continue;
    if (el.tagName === "A" && squash(el.textContent) !== squash(blockAncestor(el).textContent)) continue;  // inline link in a sentence
    const box = el.getBoundingClientRect();
    if (box.width < 43.99 || box.height < 43.99) smallTargets.push(`${describe(el)} (${Math.round(box.width * 10) / 10}x${Math.round(box.height * 10) / 10})`);
  }
  if (smallTargets.length) problems.push(["target-44px", "standalone target smaller than 44x44px", smallTargets]);
  return problems;
}
"""

NO_SIDEWAYS_SCROLL = """
() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5 && el.checkVisibility())
    .filter((el) => !el.closest(".skip-link, .visually-hidden"))
    .slice(0, 8)
    .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
  return [`scrollWidth ${root.scrollWidth}px > clientWidth ${root.clientWidth}px`, wide];
}
"""

FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { tag: "body" };
  const href = el.getAttribute("href") || "";
  const target = href.startsWith("#") ? document.getElementById(href.slice(1)) : null;
  return { tag: el.tagName.toLowerCase(), text: (el.textContent || "").trim(), href, target: target ? target.tagName.toLowerCase() : null };
}
"""


SHOW_VARIANT_CLASSES = """
([textSize, colourScheme]) => {
  const html = document.documentElement;
  for (const name of [...html.classList]) if (name.startsWith("text-") || name.startsWith("colours-")) html.classList.remove(name);
  html.classList.add(`text-${textSize}`, `colours-${colourScheme}`);
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  window.scrollTo(0, 0);
}
"""


def _check_page(page, axe, endpoint, path, role, variant, text_size, colour_scheme, language, response, *, keyboard=True):
    """Our checks and axe on the page as shown; `keyboard` also presses Tab and Enter for the skip
    link (once per page load: focus moves, and the skip link does not depend on the variant)."""
    found = []

    shown_at = _page_key(page.url)
    asked_for = endpoint if shown_at == path else f"{endpoint}, asked for {path}"

    def problem(rule, detail, targets=()):
        found.append(Problem(shown_at, asked_for, role, variant, rule, detail, tuple(targets)))

    status = response.status if response else None
    # 403 and 404 are right answers for a member who may not see a thing (someone else's
    # circle link, say); the error page is still scanned. That every example can be opened
    # by somebody is checked once all roles have visited it.
    if status is None or status >= 500:
        problem("http-status", f"GET {path} answered {status}")
        return found
    if role != "visitor" and not page.locator("header.site-header form.site-header__sign-out").count():
        problem("signed-out", f"{role} is no longer signed in, so the scan of this role is meaningless")

    for rule, detail, targets in page.evaluate(PAGE_CHECKS, [text_size, colour_scheme, HTML_LANG[language]]):
        problem(rule, detail, targets)

    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(axe.axe_script)  # the init script did not reach this page (an error page, say)
    for violation in page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]:
        problem(
            f"axe {violation['id']} ({violation['impact']})",
            violation["help"],
            [" ".join(map(str, node["target"])) for node in violation["nodes"]],
        )

    if text_size == "standard":
        page.set_viewport_size(NARROW)
        overflow = page.evaluate(NO_SIDEWAYS_SCROLL)
        page.set_viewport_size(DESKTOP)
        if overflow:
            problem("no-sideways-scroll-320px", overflow[0], overflow[1])

    if not keyboard:
        return found
    # Last, because a focused skip link becomes visible and changes the layout.
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    if focused.get("target") != "main":
        problem("skip-link", f"the first Tab focused {focused}, not a skip link to <main>")
    else:
        page.keyboard.press("Enter")
        if page.evaluate("document.activeElement.tagName") != "MAIN":
            problem("skip-link", "following the skip link does not move focus to <main>")
    return found


def _report(problems) -> str:
    by_page = defaultdict(list)
    for p in problems:
        by_page[(p.path, p.endpoint, p.role, p.variant)].append(p)
    lines = [f"{len(problems)} accessibility problems on {len(by_page)} page views:"]
    for (path, endpoint, role, variant), found in sorted(by_page.items()):
        lines.append(f"\n{path} ({endpoint}) as {role}, {variant}:")
        for p in found:
            lines.append(f"  - {p.rule}: {p.detail}")
            for target in p.targets[:10]:
                lines.append(f"      {target}")
            if len(p.targets) > 10:
                lines.append(f"      ... and {len(p.targets) - 10} more")
    return "\n".join(lines)


def test_every_example_page_opens_for_somebody(plan, pages_to_visit):
    never = [f"{path} ({endpoint})" for endpoint, path in pages_to_visit if path not in plan.opened and path != MISSING_PAGE]
    assert not never, "No person could open these pages: check their examples in url_examples.py:\n  " + "\n  ".join(never)


def _server_sends_each_variant(app, site, page, role, variants, path) -> list[Problem]:
    """For real, from the stored setting (members) or the cookie (visitors): the page comes with
    each variant's classes and language. The scan then switches the classes in place."""
    found = []
    for variant in variants:
        text_size, colour_scheme, language = VARIANTS[variant]
        _show_variant(app, site, page, role, text_size, colour_scheme, language)
        page.goto(path)
        html = page.evaluate("[document.documentElement.className, document.documentElement.lang]")
        wanted = {f"text-{text_size}", f"colours-{colour_scheme}"}
        if not wanted <= set(html[0].split()) or html[1] != HTML_LANG[language]:
            found.append(Problem(path, "display-settings", role, variant, "variant-not-sent",
                                 f"<html class={html[0]!r} lang={html[1]!r}> lacks {sorted(wanted)} / {HTML_LANG[language]}"))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_shape_is_accessible(role, language, tabs, site, site_app, plan):
    variants = LANGUAGES[language]
    page, axe = tabs(role), Axe()
    problems, seen, views = [], set(), 0
    started, budget = time.monotonic(), BUDGET_SECONDS_PER_VARIANT * len(variants)
    shapes = plan.shapes[role]
    try:
        problems += _server_sends_each_variant(site_app, site, page, role, variants, shapes[0][1])
        first_size, first_scheme, first_language = VARIANTS[variants[0]]
        _show_variant(site_app, site, page, role, first_size, first_scheme, first_language)
        for number, (endpoint, path) in enumerate(shapes):
            if time.monotonic() - started > budget:
                left = ", ".join(p for _, p in shapes[number:])
                problems.append(Problem("(the rest)", endpoint, role, language, "crawl-budget",
                                        f"{budget}s were spent before these {len(shapes) - number} pages were scanned: {left}"))
                break
            page_started = time.monotonic()
            try:
                response = page.goto(path)
                key = _page_key(page.url)
                if key in seen:
                    continue  # e.g. a visitor sent to the sign-in page from a members' page
                seen.add(key)
                for index, variant in enumerate(variants):
                    text_size, colour_scheme, variant_language = VARIANTS[variant]
                    if index:
                        page.evaluate(SHOW_VARIANT_CLASSES, [text_size, colour_scheme])
                    views += 1
                    problems += _check_page(page, axe, endpoint, path, role, variant, text_size, colour_scheme, variant_language,
                                            response, keyboard=index == len(variants) - 1)
            except PlaywrightError as error:  # a timeout or a crash: name the page and go on
                problems.append(Problem(path, endpoint, role, language, "page-error", str(error).splitlines()[0]))
            took = time.monotonic() - page_started
            if took > PAGE_SECONDS * len(variants):
                problems.append(Problem(path, endpoint, role, language, "slow-page",
                                        f"took {took:.0f}s to scan in {len(variants)} variants (limit {PAGE_SECONDS}s each)"))
    finally:
        if role != "visitor":
            _show_variant(site_app, site, page, role, "standard", "standard", None)
    print(f"\n{role}, {language}: scanned {views} page views ({len(shapes)} shapes x {len(variants)} variants) in {time.monotonic() - started:.0f}s.")
    assert not problems, _report(problems)


# ---- Cymraeg: no English left on a Welsh page ------------------------------------------------------

# Common English words that are not also Welsh words ("a", "i", "at", "am", "is", "do", "to",
# "post" as in cod post, "person" and "help" are; "y We" is the Web). Words in capitals are
# abbreviations (CC BY, NHS) and are not counted. A Welsh page with one of these outside member-written text has a string nobody
# wrapped in gettext, or one with no translation.
ENGLISH_WORDS = set("""
the your you and with this that for are not have has will can from what when who here there our
they their them it of on by or be was were an please been which would should could about after
before into only more other some if but how why where these those my me his her she he its than
then just also very yes see sign page pages posts reply replies member members volunteer
volunteers settings search choose enter save cancel delete edit back next previous going forums
meet-up meet-ups people account email password thread threads write send sent message
messages because already still today tomorrow until
""".split())
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")


class _VisibleText(HTMLParser):
    """The words a person sees or hears on a page (text and aria-label, alt, title, placeholder),
    leaving out scripts, styles and anything marked lang="en" (the "English" choice, say)."""

    SPOKEN_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.parts = [], []

    def _hidden(self):
        return any(tag in ("script", "style", "template") or lang == "en" or lang.startswith("en-") for tag, lang in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID:
            self.stack.append((tag, (attrs.get("lang") or "").lower()))
        if not self._hidden() and tag != "html":
            self.parts += [attrs[name] for name in self.SPOKEN_ATTRIBUTES if attrs.get(name)]
        if tag in self.VOID and tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value") and not self._hidden():
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _member_written(app) -> list[str]:
    """Every stored text of two words or more (posts, titles, names, venues...): member-written or
    demo words, which stay in the language they were written in."""
    found = set()
    with app.app_context():
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                for column in table.columns:
                    if isinstance(column.type, (sa.String, sa.Text)):
                        for (value,) in connection.execute(sa.select(column).where(column.is_not(None)).distinct()):
                            if isinstance(value, str):
                                text = _visible_text(value) if "<" in value else " ".join(value.split())
                                found.update(piece for piece in re.split(r"\n+", text) if " " in piece.strip())
    return sorted(found, key=len, reverse=True)


def test_no_english_is_left_on_any_welsh_page(site_app, pages_to_visit):
    """Every page, as a visitor and as each demo member, in Welsh: no English words outside
    member-written text. Rendered in-process (no browser); the browser scan above checks the same
    pages in Welsh for accessibility."""
    member_text = _member_written(site_app)
    left = defaultdict(set)
    for role in ROLES:
        client = site_app.test_client()
        client.set_cookie("kindred_language", "cy")
        if role != "visitor":
            with site_app.app_context():
                member = accounts.find_by_email(DEMO_MEMBERS[role])
                accounts.update_language(member, "cy")
                login_id = member.get_id()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = login_id, True
        try:
            for endpoint, path in pages_to_visit:
                response = client.get(path, follow_redirects=True)
                if response.mimetype != "text/html":
                    continue
                text = _visible_text(response.get_data(as_text=True))
                for written in member_text:
                    if written in text:
                        text = text.replace(written, " ")
                for match in WORD.finditer(text):
                    if not match.group().isupper() and match.group().lower().strip("’'") in ENGLISH_WORDS:
                        context = text[max(0, match.start() - 40): match.end() + 40]
                        left[f"{endpoint} ({_page_key(path)})"].add(f"…{context}…")
        finally:
            if role != "visitor":
                with site_app.app_context():
                    accounts.update_language(accounts.find_by_email(DEMO_MEMBERS[role]), None)
    report = "\n".join(f"\n{page}:\n  " + "\n  ".join(sorted(found)[:6]) for page, found in sorted(left.items())[:40])
    assert not left, f"English left on {len(left)} Welsh pages (wrap the words in gettext and translate them):{report}"
