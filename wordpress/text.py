"""WordPress text into what our models store.

Neither function produces HTML that is published as it is: a comment becomes text as a reader
would type it, its allowed markup written as > quotes, *emphasis*, **bold** and `code` (which
Comment.save() renders through core.sanitizer), and an article body
goes through the article sanitizer in Article.save().
"""

import re
from html.parser import HTMLParser

from core.sanitizer import strip_all_tags
from core.web_address import is_web_address

_BREAKS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[^\S\n]+\n")


class _CommentText(HTMLParser):
    """HTML-ish comment content to the text a reader would type here: paragraphs and line breaks
    kept, the markup our comments allow written as they would type it (> quotes, *emphasis*,
    **bold**, `code`), other tags dropped, a link's address kept beside its text when they
    differ so the page links it again."""

    BLOCKS = frozenset({"p", "div", "pre", "ul", "ol", "h1", "h2", "h3", "h4"})
    INLINE = {"em": "*", "i": "*", "strong": "**", "b": "**", "code": "`"}
    DROPPED = frozenset({"script", "style"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.open: list[tuple[str, int]] = []  # blockquote and inline markup, with where it began
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.DROPPED:
            self.dropping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))
        elif tag == "blockquote" or tag in self.INLINE:
            self.open.append((tag, len(self.parts)))

    def handle_startendtag(self, tag, attrs):
        if tag in self.DROPPED or tag == "blockquote" or tag in self.INLINE:
            return  # <em/> and the like hold nothing.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            if is_web_address(href) and href not in label:
                self.parts.append(f" ({href})")
        elif self.open and self.open[-1][0] == tag:
            _, start = self.open.pop()
            inner = "".join(self.parts[start:])
            del self.parts[start:]
            self.parts.append(self._quote(inner) if tag == "blockquote" else self._wrap(tag, inner))

    def _wrap(self, tag: str, inner: str) -> str:
        marker = self.INLINE[tag]
        text = inner.strip()
        if not text or "\n" in text or "`" in text or (marker != "`" and "*" in text):
            return inner  # What the markers cannot say stays plain text.
        lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
        return f"{lead}{marker}{text}{marker}{trail}"

    @staticmethod
    def _quote(inner: str) -> str:
        text = _BREAKS.sub("\n\n", _TRAILING_SPACE.sub("\n", inner)).strip()
        if not text:
            return ""
        lines = [f"> {line}" if line.strip() else ">" for line in text.split("\n")]
        return "\n\n" + "\n".join(lines) + "\n\n"

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data)


def comment_text(content: str) -> str:
    """A WordPress comment as the text a reader would have typed (see _CommentText)."""
    parser = _CommentText()
    parser.feed(content.replace("\r\n", "\n").replace("\r", "\n"))
    parser.close()
    text = _TRAILING_SPACE.sub("\n", "".join(parser.parts))
    return _BREAKS.sub("\n\n", text).strip()


def plain(html: str) -> str:
    """A title, name or excerpt as plain text (most have no markup: no need to parse them)."""
    if "<" not in html and "&" not in html:
        return html.strip()
    return strip_all_tags(html)


# Classic-editor content is stored without <p>: WordPress adds them on display (wpautop).
_BLOCK_START = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|figure|table|hr|section|aside|address|"
    r"dl|form|iframe|!--)[\s>/]",
    re.IGNORECASE,
)
_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.IGNORECASE | re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL)
# WordPress's caption alignments as ours (a centred or unaligned caption is a normal figure).
_CAPTION_ALIGN = re.compile(r"""align=["']?align(left|right)\b""", re.IGNORECASE)
_CAPTION_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>)?\s*<img\b[^>]*>\s*(?:</a>)?)(.*)$", re.DOTALL)


def _caption_to_figure(match: re.Match) -> str:
    inner = match.group(2)
    parts = _CAPTION_MEDIA.match(inner)
    if parts is None:
        return inner
    media, caption = parts.group(1), parts.group(2).strip()
    caption_html = f"<figcaption>{caption}</figcaption>" if caption else ""
    align = _CAPTION_ALIGN.search(match.group(1))
    opening = f'<figure data-align="{align.group(1)}">' if align else "<figure>"
    return f"{opening}{media}{caption_html}</figure>"


def _autop(text: str) -> str:
    paragraphs = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + "<br>\n".join(chunk.split("\n")) + "</p>")
    return "\n".join(paragraphs)


def post_html(content: str) -> str:
    """A post's content as HTML with paragraphs, ready for the article sanitizer.

    Block-editor content (<!-- wp:... --> markers) already has its paragraphs; classic content
    gets them from blank lines as WordPress's wpautop would, and [caption] becomes a figure.
    Other shortcodes are left as text for an editor to see.
    """
    content = content.replace("\r\n", "\n").replace("\r", "\n").strip()
    content = _CAPTION.sub(_caption_to_figure, content)
    if "<!-- wp:" in content:
        return content
    pieces = _PRE.split(content)
    return "\n".join(
        piece if index % 2 else _autop(piece) for index, piece in enumerate(pieces) if piece
    )
