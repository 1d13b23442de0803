"""The only path from member-written text to HTML: a small Markdown subset, then an allow-list sanitiser.

The sanitiser is bleach, pinned at its last release (6.4.0): bleach is no longer maintained upstream,
so it is called in one function only, sanitise_html(). tests/test_sanitiser.py states what that
function must do and runs the same tests against nh3 (Ammonia), so moving is a change to this file."""
import re

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup, escape

# Paragraphs, bold, italics, lists, quotes and links. Anything else is removed (its words kept).
ALLOWED_TAGS = ["p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]
LINK_REL = "nofollow ugc noopener"

# Whole elements whose content is never shown as text either.
_DROP_WITH_CONTENT = re.compile(r"<(script|style|iframe|object|embed|template|noscript)\b.*?(</\1\s*>|$)", re.I | re.S)


def _set_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[lambda source: LinkifyFilter(source, callbacks=[_set_rel], parse_email=False)],
)


def sanitise_html(html: str) -> str:
    """Untrusted HTML -> only ALLOWED_TAGS and ALLOWED_ATTRIBUTES, links with LINK_REL and an allowed
    protocol, no comments; bare web addresses become links. The one call into the sanitiser library."""
    return _cleaner.clean(html).strip()


def render(source: str) -> str:
    """Markdown source -> safe HTML (a str; stored on the post as a cache)."""
    source = _DROP_WITH_CONTENT.sub("", source or "")
    html = markdown.markdown(source, output_format="html")
    return sanitise_html(html)


def as_markup(cached_html: str) -> Markup:
    """Mark HTML that came out of render() as safe for templates. Nothing else may use this."""
    return Markup(cached_html)


def quote(source: str, author_name: str) -> str:
    """A reply's opening that quotes another post, in Markdown."""
    lines = (source or "").strip().splitlines() or [""]
    quoted = "\n".join("> " + line if line.strip() else ">" for line in lines)
    return f"{author_name} wrote:\n\n{quoted}\n\n"


# Search excerpts come back from the database with these around the matching words.
MARK_START, MARK_END = "\u27e6", "\u27e7"
_MARKED = re.compile(re.escape(MARK_START) + "(.*?)" + re.escape(MARK_END), re.S)
_MARKDOWN_PUNCTUATION = re.compile(r"(\*\*|__|(?m:^\s*>\s?)|(?m:^\s*[-*+]\s+)|[*_`#])")


def highlighted_excerpt(raw: str) -> Markup:
    """Escape an excerpt of plain source text, then turn only our markers into <mark>."""
    plain = _MARKDOWN_PUNCTUATION.sub(" ", raw or "")
    plain = " ".join(plain.split())
    escaped = str(escape(plain))
    return Markup(_MARKED.sub(r"<mark>\1</mark>", escaped).replace(MARK_START, "").replace(MARK_END, ""))


# The one link detector (forums, chat, meet-ups): a scheme, "www.", or a name with a common ending,
# also at the end of a sentence ("see example.com.") and inside a longer name (example.com.au).
_LINK = re.compile(
    r"https?://|\bwww\.|\b[a-z0-9-]+\.(?:co\.uk|org\.uk|com|org|net|uk|co|io|info|biz|xyz|ly|me)\b", re.I
)


def contains_link(source: str) -> bool:
    """Does this text carry a web address? (Links from new members wait for approval.)"""
    return bool(_LINK.search(source or ""))
