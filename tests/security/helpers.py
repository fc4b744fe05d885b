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


class _ElementText(HTMLParser):
    def __init__(self, element_id: str):
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            return
        if self.depth or dict(attrs).get("id") == self.element_id:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID_ELEMENTS:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element_text(html: str, element_id: str) -> str:
    """The text inside the element with this id, whitespace collapsed ("" if there is none)."""
    parser = _ElementText(element_id)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())
