"""Shared by the security tests: what a refusal says, and requests as a reader's browser sends."""

from html.parser import HTMLParser

from django.urls import reverse

from tests.factories import post_form_data

# Where pages put the reason for a refusal: the forms' error boxes and field errors, Django's
# error lists, the admin's error note, the error pages' heading and text, "Comments are closed."
# where the form would be, and any role="alert".
MESSAGE_CLASSES = frozenset(
    {
        "form-errors",
        "field-error",
        "errorlist",
        "errornote",
        "error-page",
        "comments-closed",
        "error",  # a file the media upload refused, with the reason
    }
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


class _Forms(HTMLParser):
    """What a browser submits from each form of a page: its named inputs, text areas and
    selects, with the values they hold (checked boxes and radios only, the selected option or
    the first)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.fields: list[tuple[str, str]] | None = None  # the form being read
        self.textarea: list | None = None  # [name, parts] while in one
        self.select: list | None = None  # [name, first option, selected option]
        self.option: list | None = None  # [value or None, text parts, selected]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.fields = []
            self.forms.append(self.fields)
            return
        name = attrs.get("name")
        if self.fields is None:
            return
        if tag == "input" and name:
            self._input(name, attrs)
        elif tag == "textarea" and name:
            self.textarea = [name, []]
        elif tag == "select" and name:
            self.select = [name, None, None]
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), [], "selected" in attrs]

    def _input(self, name, attrs):
        kind = (attrs.get("type") or "text").lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))

    def handle_data(self, data):
        for element in (self.textarea, self.option):
            if element is not None:
                element[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.fields = None
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            self.fields.append((name, "".join(parts).removeprefix("\n")))
            self.textarea = None
        elif tag == "option" and self.option is not None:
            value, parts, selected = self.option
            value = "".join(parts).strip() if value is None else value
            self.select[1] = value if self.select[1] is None else self.select[1]
            self.select[2] = value if selected else self.select[2]
            self.option = None
        elif tag == "select" and self.select is not None:
            name, first, selected = self.select
            if first is not None:
                self.fields.append((name, first if selected is None else selected))
            self.select = None


def form_fields(html: str, containing: str) -> dict[str, list[str]]:
    """What a browser sends from the first form of the page with a field named `containing`,
    CSRF token and hidden timestamps included, as a dict of lists for Django's test client."""
    parser = _Forms()
    parser.feed(html)
    for fields in parser.forms:
        if any(name == containing for name, _ in fields):
            found: dict[str, list[str]] = {}
            for name, value in fields:
                found.setdefault(name, []).append(value)
            return found
    raise AssertionError(f"no form with a field named {containing!r}")
