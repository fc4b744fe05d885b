"""The one module that turns user and editor HTML into HTML we publish.

Every use of bleach lives here, so replacing it touches this file only. bleach's Cleaner and
Linker are not thread-safe: each thread builds and keeps its own.
"""

import re
import threading
from html import unescape

import bleach
from bleach.linkifier import Linker
from django.utils.html import escape

from core.web_address import is_web_address

ARTICLE_TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "img", "figure",
        "figcaption", "code", "pre", "strong", "em", "b", "i", "hr", "cite", "s", "sub", "sup",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "title", "width", "height", "loading"],
    "ol": ["start"],
    "blockquote": ["cite"],
}
ARTICLE_PROTOCOLS = frozenset({"http", "https", "mailto"})
COMMENT_REL = "nofollow ugc noopener"
_BLANK_LINE = re.compile(r"\n(?:[^\S\n]*\n)+")

# Stripping keeps an element's text; these elements' text is code, never prose, so it goes too.
DROP_WITH_CONTENT = frozenset({"script", "style"})

_local = threading.local()


def _without_code(tokens):
    """html5lib token filter: leave out DROP_WITH_CONTENT elements and everything inside them."""
    depth = 0
    for token in tokens:
        if token.get("name") in DROP_WITH_CONTENT:
            if token["type"] == "StartTag":
                depth += 1
                continue
            if token["type"] == "EndTag":
                depth = max(0, depth - 1)
                continue
            if token["type"] == "EmptyTag":
                continue
        if depth == 0:
            yield token


def _article_cleaner() -> bleach.Cleaner:
    cleaner = getattr(_local, "article_cleaner", None)
    if cleaner is None:
        cleaner = bleach.Cleaner(
            tags=ARTICLE_TAGS,
            attributes=ARTICLE_ATTRIBUTES,
            protocols=ARTICLE_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
        # bleach's tokenizer turns a disallowed tag into nothing and parses its contents as text;
        # let script and style through as elements instead, then drop them whole on the way
        # into the sanitizer (which would strip any that remained).
        cleaner.parser.tags = cleaner.parser.tags | DROP_WITH_CONTENT
        walker = cleaner.walker
        cleaner.walker = lambda tree: _without_code(walker(tree))
        _local.article_cleaner = cleaner
    return cleaner


def _set_comment_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    if not is_web_address(attrs[href_key]):
        return None  # Not a web link: leave the text as text.
    attrs[(None, "rel")] = COMMENT_REL
    return attrs


def _comment_linker() -> Linker:
    linker = getattr(_local, "comment_linker", None)
    if linker is None:
        linker = Linker(callbacks=[_set_comment_rel], skip_tags={"pre", "code"}, parse_email=False)
        _local.comment_linker = linker
    return linker


def clean_article_html(html: str) -> str:
    """Article bodies: the editor's allowlist, nothing executable survives."""
    if not html:
        return ""
    return _article_cleaner().clean(html).strip()


def render_comment_text(text: str) -> str:
    """Comments are plain text: escaped, linkified, <p> from blank lines, <br> from newlines."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    # A line holding only spaces is as blank as an empty one (what the reader sees, and wpautop).
    paragraphs = [p.strip("\n") for p in _BLANK_LINE.split(text) if p.strip()]
    linkify = _comment_linker().linkify
    rendered = []
    for paragraph in paragraphs:
        lines = [linkify(escape(line)) for line in paragraph.split("\n")]
        rendered.append("<p>" + "<br>".join(lines) + "</p>")
    return "\n".join(rendered)


def strip_all_tags(html: str) -> str:
    """Plain text out of HTML, for excerpts and meta descriptions."""
    return unescape(bleach.clean(html or "", tags=set(), strip=True)).strip()
