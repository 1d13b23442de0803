"""What the sanitiser must do, stated once and run against two libraries: bleach (in use, pinned at its
last release behind app.text.sanitise_html) and nh3 (the Ammonia binding), so that moving off bleach
is one change in app/text.py. Output is read back with a browser-grade HTML5 parser (selectolax's
Lexbor), because what matters is what a browser builds from it, not how the string looks."""
from urllib.parse import urljoin, urlsplit

import nh3
import pytest
from selectolax.lexbor import LexborHTMLParser

from app import text


def nh3_sanitise(html: str) -> str:
    """The same rules with nh3: what sanitise_html() would become."""
    return nh3.clean(
        html,
        tags=set(text.ALLOWED_TAGS),
        # "*": no attribute on every tag (Ammonia's default allows lang and title everywhere).
        attributes={"*": set()} | {tag: set(names) for tag, names in text.ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(text.ALLOWED_PROTOCOLS),
        link_rel=text.LINK_REL,
        strip_comments=True,
    ).strip()


SANITISERS = {"bleach (in use)": text.sanitise_html, "nh3": nh3_sanitise}


@pytest.fixture(params=list(SANITISERS), ids=list(SANITISERS))
def sanitise(request):
    return SANITISERS[request.param]


def elements(html: str) -> list:
    """Every element a browser would build from html, in document order: (tag, attributes)."""
    body = LexborHTMLParser(f"<!doctype html><html><body>{html}</body></html>").body
    return [(node.tag, dict(node.attributes)) for node in body.traverse(include_text=False) if node is not body
            and node.tag != "body"]


def words(html: str) -> str:
    """The text a reader sees, without spaces (libraries differ in the whitespace they leave between blocks)."""
    return "".join(LexborHTMLParser(f"<!doctype html><body>{html}</body>").body.text().split())


def assert_only_the_allow_list(html: str):
    """No element, attribute or link target outside the allow-list, and the same again when re-cleaned."""
    for tag, attributes in elements(html):
        assert tag in text.ALLOWED_TAGS, (tag, html)
        allowed = set(text.ALLOWED_ATTRIBUTES.get(tag, [])) | ({"rel"} if tag == "a" else set())
        assert set(attributes) <= allowed, (tag, attributes, html)
        if "href" in attributes:
            href = "".join(ch for ch in attributes["href"] if ch > " ").lower()  # as a browser reads it
            assert urlsplit(href).scheme in ("", *text.ALLOWED_PROTOCOLS), html
            assert urlsplit(urljoin("https://kindred.example/threads/1", href)).scheme in text.ALLOWED_PROTOCOLS, html
            assert set(attributes["rel"].split()) == set(text.LINK_REL.split()), html


# ---- Allowed tags and attributes ----


def test_the_small_set_of_formatting_is_kept(sanitise):
    html = sanitise("<p><strong>bold</strong> <em>soft</em><br>next line</p><ul><li>one</li></ul>"
                    "<ol><li>first</li></ol><blockquote><p>quoted</p></blockquote>")
    assert [tag for tag, _ in elements(html)] == ["p", "strong", "em", "br", "ul", "li", "ol", "li", "blockquote", "p"]
    assert words(html) == "boldsoftnextlineonefirstquoted"


def test_other_tags_are_removed_and_their_words_kept(sanitise):
    html = sanitise("<h1>Big news</h1><div><span>in a box</span></div><table><tr><td>a cell</td></tr></table>"
                    "<u>underlined</u><font color=red>red</font>")
    assert elements(html) == []
    assert words(html) == "Bignewsinaboxacellunderlinedred"


def test_attributes_outside_the_list_are_removed(sanitise):
    html = sanitise('<p class="big" id="top" style="color:red" onclick="steal()">Hello</p>'
                    '<a href="https://example.org/garden" title="The garden" target="_blank" onmouseover="x()">garden</a>')
    assert elements(html) == [
        ("p", {}),
        ("a", {"href": "https://example.org/garden", "title": "The garden", "rel": text.LINK_REL}),
    ]


# ---- Link rel values and protocols ----


def test_every_link_is_marked_nofollow_ugc_noopener_whatever_it_said(sanitise):
    html = sanitise('<a href="https://example.org" rel="opener">one</a> <a href="mailto:bob@example.org" rel="">two</a>')
    links = [attributes for tag, attributes in elements(html) if tag == "a"]
    assert [set(link["rel"].split()) for link in links] == [{"nofollow", "ugc", "noopener"}] * 2
    assert [link["href"] for link in links] == ["https://example.org", "mailto:bob@example.org"]


def test_links_to_pages_on_kindred_itself_are_kept(sanitise):
    assert elements(sanitise('<a href="/threads/12">the thread</a>')) == [("a", {"href": "/threads/12", "rel": text.LINK_REL})]


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)", "&#106;avascript:alert(1)", "&#14;javascript:alert(1)", "javascript&colon;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd",
])
def test_script_and_data_addresses_never_become_links(sanitise, href):
    html = sanitise(f'<a href="{href}">click me</a>')
    assert_only_the_allow_list(html)  # the link is dropped, or (bleach, "&colon;") becomes a harmless page address
    assert not any(attributes.get("href", "").lower().lstrip().startswith(("javascript", "data", "vbscript", "file"))
                   and ":" in attributes["href"] for _, attributes in elements(html)), html
    assert words(html) == "clickme"  # the words stay


# ---- Nesting and malformed markup ----


@pytest.mark.parametrize(("source", "wanted_words"), [
    ("<strong>never closed", "never closed"),
    ("<p><em>one</p>two</em>", "one two"),
    ('<a href="https://a.example">outer <a href="https://b.example">inner</a></a>', "outer inner"),
    ("<<p>>angle<</p>>", "< > angle < >"),
    ('<p title="x>y">quoted bracket</p>', "quoted bracket"),
    ("<ul><li>one<li>two</ul>", "one two"),
    ("</p></strong></a>stray ends", "stray ends"),
    ("<blockquote>" * 50 + "deep" + "</blockquote>" * 50, "deep"),
])
def test_malformed_and_nested_markup_comes_out_well_formed(sanitise, source, wanted_words):
    html = sanitise(source)
    assert_only_the_allow_list(html)
    assert words(html) == wanted_words.replace(" ", "")
    assert elements(sanitise(html)) == elements(html)  # cleaning again changes nothing: the output is stable


def test_comments_are_removed(sanitise):
    html = sanitise("visible<!-- a note for nobody --><!--<img src=x onerror=alert(1)>-->")
    assert words(html) == "visible" and "<!--" not in html


# ---- Known mutation XSS (mXSS) payloads: harmless once a browser parses the output ----

MXSS = [
    "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;\">",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    '<a href="https://example.org" title="</a><img src=x onerror=alert(1)>">x</a>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<svg><a><foreignobject><a><table><a></table><style><!--</style></svg><a id=\"-><img src onerror=alert(1)>\">.",
    "<textarea><p title=\"</textarea><img src=x onerror=alert(1)>\"></p></textarea>",
    "<template><img src=x onerror=alert(1)></template>",
    "<xmp><p title=\"</xmp><img src=x onerror=alert(1)>\">",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<select><style></select><img src=x onerror=alert(1)></style>",
]


@pytest.mark.parametrize("payload", MXSS)
def test_known_mutation_xss_payloads_come_out_harmless(sanitise, payload):
    html = sanitise(payload)
    assert_only_the_allow_list(html)
    again = sanitise(html)
    assert_only_the_allow_list(again)
    assert elements(again) == elements(html)


# ---- What only the whole render() path does ----


def test_render_turns_bare_web_addresses_into_marked_links():
    # bleach's linkify does this; nh3 does not, so a move must keep it (e.g. with a Markdown extension).
    html = text.render("See www.example.com for more")
    assert elements(html) == [("p", {}), ("a", {"href": "http://www.example.com", "rel": text.LINK_REL})]


def test_render_drops_scripts_with_their_content():
    assert text.render("<script>alert(1)</script>Hello") == "<p>Hello</p>"
