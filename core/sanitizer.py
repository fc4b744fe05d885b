"""The one module that turns user and editor HTML into HTML we publish.

Every use of bleach lives here, so replacing it touches this file only. bleach's Cleaner and
Linker are not thread-safe: each thread builds and keeps its own.
"""

import re
import threading
from html import unescape
from html.parser import HTMLParser

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
# Media-library references (see media.render): an image by its id, a figure's alignment, a
# gallery of ids, an embed's provider. Each value must have its exact shape, or it goes.
_DATA_VALUES = {
    "data-media-id": re.compile(r"\d{1,18}"),
    "data-align": re.compile(r"normal|wide|left|right"),
    "data-gallery": re.compile(r"\d{1,18}(?:,\d{1,18}){0,99}"),
    "data-embed": re.compile(r"[a-z0-9-]{1,40}"),
}
_IMG_ATTRIBUTES = frozenset({"src", "alt", "title", "width", "height", "loading"})


def _img_attribute(tag, name, value):
    if name == "data-media-id":
        return _DATA_VALUES[name].fullmatch(value) is not None
    return name in _IMG_ATTRIBUTES


def _figure_attribute(tag, name, value):
    pattern = _DATA_VALUES.get(name)
    return name != "data-media-id" and pattern is not None and pattern.fullmatch(value) is not None


ARTICLE_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": _img_attribute,
    "figure": _figure_attribute,
    "ol": ["start"],
    "blockquote": ["cite"],
}
ARTICLE_PROTOCOLS = frozenset({"http", "https", "mailto"})
COMMENT_REL = "nofollow ugc noopener"

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


class _ImageSources(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            src = dict(attrs).get("src")
            if src and src.strip():
                self.sources.append(src.strip())


def article_image_sources(html: str) -> list[str]:
    """The address of every image an article body keeps once sanitized, in order: what a
    reader's browser, or a newsletter reader's mail client, would fetch."""
    parser = _ImageSources()
    parser.feed(clean_article_html(html))
    parser.close()
    return parser.sources


# A little formatting in comments, as readers type it in mail and chat (a small, strict subset
# of Markdown): `code`, **bold**, *emphasis*, lines starting with ">" for quotes, bare URLs.
# Markers apply to text that is already escaped; they never span lines, and code is left alone.
COMMENT_TAGS = frozenset({"p", "br", "blockquote", "em", "strong", "code", "a"})
_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"(?<![\w*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\w*])")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_URL = re.compile(r"(https?://\S+)", re.IGNORECASE)
_QUOTE = re.compile(r"^[^\S\n]*&gt;[^\S\n]?")
MAX_QUOTE_DEPTH = 3


def _emphasis(escaped: str) -> str:
    """Bold and emphasis, leaving web addresses whole (an asterisk may belong to one)."""
    pieces = _URL.split(escaped)
    for index in range(0, len(pieces), 2):
        piece = _STRONG.sub(r"<strong>\1</strong>", pieces[index])
        pieces[index] = _EMPHASIS.sub(r"<em>\1</em>", piece)
    return "".join(pieces)


def _inline(escaped_line: str) -> str:
    """Code spans first (their text is literal), then bold and emphasis in what is left."""
    pieces = _CODE.split(escaped_line)
    for index in range(len(pieces)):
        pieces[index] = f"<code>{pieces[index]}</code>" if index % 2 else _emphasis(pieces[index])
    return "".join(pieces)


def _paragraphs(lines: list[str]) -> list[str]:
    """Escaped lines into <p> blocks: a blank line ends a paragraph, a newline is a <br>."""
    blocks, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(_inline(line))
        elif current:
            blocks.append("<p>" + "<br>".join(current) + "</p>")
            current = []
    return blocks


def _blocks(lines: list[str], depth: int = 0) -> list[str]:
    """Runs of quoted lines become <blockquote> (nested up to MAX_QUOTE_DEPTH), the rest <p>."""
    out, run, quoted = [], [], False
    for line in [*lines, None]:
        is_quote = line is not None and depth < MAX_QUOTE_DEPTH and bool(_QUOTE.match(line))
        if line is None or is_quote != quoted:
            if run and quoted:
                inner = _blocks([_QUOTE.sub("", q, count=1) for q in run], depth + 1)
                out.append("<blockquote>" + "\n".join(inner) + "</blockquote>")
            elif run:
                out.extend(_paragraphs(run))
            run, quoted = [], is_quote
        if line is not None:
            run.append(line)
    return out


def _comment_cleaner() -> bleach.Cleaner:
    cleaner = getattr(_local, "comment_cleaner", None)
    if cleaner is None:
        cleaner = bleach.Cleaner(
            tags=COMMENT_TAGS,
            attributes={"a": ["href", "rel"]},
            protocols={"http", "https"},
            strip=True,
        )
        _local.comment_cleaner = cleaner
    return cleaner


def render_comment_text(text: str) -> str:
    """Comments are text as typed: escaped, then a little formatting (see COMMENT_TAGS), URLs
    linkified, <p> from blank lines, <br> from newlines. The result passes the comment allowlist
    once more, so no rule above can ever let anything else through."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    lines = escape(text).split("\n")
    html = "\n".join(_blocks(lines))
    return _comment_cleaner().clean(_comment_linker().linkify(html))


def strip_all_tags(html: str) -> str:
    """Plain text out of HTML, for excerpts and meta descriptions."""
    return unescape(bleach.clean(html or "", tags=set(), strip=True)).strip()
