"""Shared by the security tests: what a refusal says, and requests as a reader's browser sends."""

from html.parser import HTMLParser

from django.urls import reverse

from tests.factories import post_form_data

# Where pages put the reason for a refusal: the forms' error boxes and field errors, Django's
# error lists, the admin's error note, the error pages' heading and text, "Comments are closed."
# where the form would be, and any role="alert".
MESSAGE_CLASSES = frozenset(
    {"form-errors", "field-error", "errorlist", "errornote", "error-page", "comments-closed"}
)
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _MessageText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside an element holding a message
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            return
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if self.depth or classes & MESSAGE_CLASSES or attrs.get("role") == "alert":
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID_ELEMENTS:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def refusal_message(html: str) -> str:
    """The words a refused request shows its reader, whitespace collapsed."""
    parser = _MessageText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def assert_clear_refusal(response):
    """A 4xx that says, in words on the page, what went wrong."""
    assert 400 <= response.status_code < 500, response.status_code
    assert response.get("Content-Type", "").startswith("text/html"), response.get("Content-Type")
    message = refusal_message(response.content.decode("utf-8", "replace"))
    assert len(message) >= 10, f"{response.status_code} without a message"


def post_comment(client, article, ip="192.0.2.20", user_agent="Mozilla/5.0", **fields):
    """The comment form of `article`, sent as a browser would (a signed timestamp a minute old)."""
    return client.post(
        reverse("comments:post", args=[article.pk]),
        post_form_data(article, **fields),
        headers={"accept-language": "en", "user-agent": user_agent},
        REMOTE_ADDR=ip,
    )


class _ElementTexts(HTMLParser):
    """The text of every element that has an id, in one pass (ids nest: comment, its author)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[list] = []  # [id, depth] of the elements being read
        self.texts: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            return
        for entry in self.open:
            entry[1] += 1
        element_id = dict(attrs).get("id")
        if element_id:
            self.open.append([element_id, 1])
            self.texts.setdefault(element_id, [])

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        for entry in self.open:
            entry[1] -= 1
        self.open = [entry for entry in self.open if entry[1] > 0]

    def handle_data(self, data):
        for element_id, _ in self.open:
            self.texts[element_id].append(data)


def element_texts(html: str) -> dict[str, str]:
    """The text inside each element with an id, whitespace collapsed, by id."""
    parser = _ElementTexts()
    parser.feed(html)
    return {key: " ".join("".join(parts).split()) for key, parts in parser.texts.items()}


def element_text(html: str, element_id: str) -> str:
    """The text inside the element with this id ("" if there is none)."""
    return element_texts(html).get(element_id, "")
