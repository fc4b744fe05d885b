"""Find executable markup in a rendered page, with Python's own HTML parser.

What counts as ours: scripts from STATIC_URL (or the admin's JavaScript catalogue), carrying the
response's CSP nonce when it has one; JSON-LD and import-map data blocks whose content is JSON;
<style> elements and stylesheets that are ours in the same way. Everything else that can run code
or pull in active content is a finding: an on* attribute anywhere, a javascript:/vbscript:/data:
URL in any attribute that holds one, frames, plugins, <base>, <meta http-equiv>, SVG and MathML,
style attributes (a strict policy refuses them, none of ours has one), markup hidden in comments.
"""

import json
import re
import unicodedata
from html.parser import HTMLParser

from django.conf import settings

URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "xlink:href", "background", "poster", "data",
        "cite", "longdesc", "lowsrc", "dynsrc", "ping", "manifest", "codebase", "classid",
        "icon", "profile", "usemap", "archive", "code", "itemtype",
    }
)  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
FORBIDDEN_ELEMENTS = frozenset(
    {
        "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "svg",
        "math", "xmp", "plaintext", "listing", "noembed", "noframes", "isindex", "keygen",
        "template", "noscript",
    }
)  # fmt: skip
DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "importmap"})
# Browsers read these as text up to their end tag, whatever looks like markup inside.
TEXT_ONLY_ELEMENTS = (
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
)
ADMIN_SCRIPT_PATHS = ("/admin/jsi18n/",)
# The Django admin's own inline icons (the theme switcher and the icon sprite).
ADMIN_SVG_CLASSES = frozenset(
    {"base-svgs", "theme-icon-when-auto", "theme-icon-when-dark", "theme-icon-when-light"}
)


def url_is_dangerous(value: str) -> bool:
    """As a browser would read the scheme, and then some: every space, control and format
    character removed (browsers drop tabs and newlines anywhere, the rest only at the ends)."""
    squeezed = "".join(
        character
        for character in value
        if not unicodedata.category(character).startswith(("C", "Z"))
    ).lower()
    return squeezed.startswith(DANGEROUS_SCHEMES)


class _Finder(HTMLParser):
    CDATA_CONTENT_ELEMENTS = TEXT_ONLY_ELEMENTS

    def __init__(self, nonce: str | None):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.static_url = "/" + settings.STATIC_URL.strip("/") + "/"
        self.findings: list[str] = []
        self._open_script: dict | None = None
        self._open_style: dict | None = None

    def report(self, what: str, tag: str, attrs: dict):
        self.findings.append(f"{what}: <{tag} {attrs}>")

    def _ours(self, attrs: dict) -> bool:
        """Carries the response's nonce, or no nonce on a page whose policy has none."""
        given = attrs.get("nonce")
        return given == self.nonce if given is not None else True

    def handle_starttag(self, tag, attr_list):
        attrs = dict(attr_list)
        for name, value in attr_list:
            self._check_attribute(tag, attrs, name, value or "")
        if tag == "svg" and attrs.get("class") in ADMIN_SVG_CLASSES:
            return
        if tag in FORBIDDEN_ELEMENTS:
            self.report("forbidden element", tag, attrs)
            return
        opened = {
            "meta": self._meta_opened,
            "link": self._link_opened,
            "form": self._form_opened,
            "script": self._script_opened,
            "style": self._style_opened,
        }.get(tag)
        if opened is not None:
            opened(attrs)

    def _check_attribute(self, tag, attrs: dict, name: str, value: str):
        if name.startswith("on"):
            self.report(f"event handler {name}", tag, attrs)
        if name in URL_ATTRIBUTES and url_is_dangerous(value):
            self.report(f"dangerous URL in {name}", tag, attrs)
        if name == "srcset" and any(
            url_is_dangerous(candidate.strip()) for candidate in value.split(",")
        ):
            self.report("dangerous URL in srcset", tag, attrs)
        if name == "style":
            # None of our pages has one (the policy would refuse it): any is injected.
            self.report("style attribute", tag, attrs)

    def _meta_opened(self, attrs: dict):
        if "http-equiv" not in attrs:
            return
        # Only the harmless one (Django's own error pages write it): UTF-8 as the charset.
        utf8 = (attrs.get("http-equiv") or "").lower() == "content-type" and "utf-8" in (
            attrs.get("content") or ""
        ).lower()
        if not utf8:
            self.report("meta http-equiv", "meta", attrs)

    def _link_opened(self, attrs: dict):
        rel = (attrs.get("rel") or "").lower().split()
        href = attrs.get("href") or ""
        if {"stylesheet", "import", "preload", "modulepreload"} & set(rel) and not (
            href.startswith(self.static_url) and self._ours(attrs)
        ):
            self.report("stylesheet or import not ours", "link", attrs)

    def _form_opened(self, attrs: dict):
        action = (attrs.get("action") or "").strip()
        if action.startswith(("//", "http:", "https:", "\\", "/\\")):
            self.report("form posting elsewhere", "form", attrs)

    def _script_opened(self, attrs: dict):
        self._open_script = {"attrs": attrs, "text": []}

    def _style_opened(self, attrs: dict):
        self._open_style = {"attrs": attrs}
        if not (self.nonce and attrs.get("nonce") == self.nonce):
            self.report("style element not ours", "style", attrs)

    def handle_startendtag(self, tag, attr_list):
        self.handle_starttag(tag, attr_list)
        if tag == "script":
            self.handle_endtag("script")

    def handle_comment(self, data):
        # "<!-->" and "<!--->" end a comment at once in a browser, not at the next "-->".
        if data.startswith((">", "->")) or "<" in data:
            self.findings.append(f"markup in a comment: <!--{data}-->")

    def handle_data(self, data):
        if self._open_script is not None:
            self._open_script["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open_script is not None:
            self._check_script(self._open_script["attrs"], "".join(self._open_script["text"]))
            self._open_script = None
        elif tag == "style":
            self._open_style = None

    def _check_script(self, attrs: dict, text: str):
        src = attrs.get("src")
        kind = (attrs.get("type") or "").strip().lower()
        if src is not None:
            if text.strip():
                self.report("script with both src and content", "script", attrs)
            elif not (
                (src.startswith(self.static_url) or src in ADMIN_SCRIPT_PATHS) and self._ours(attrs)
            ):
                self.report("script not ours", "script", attrs)
            return
        if kind in DATA_SCRIPT_TYPES and (kind != "importmap" or attrs.get("nonce") == self.nonce):
            try:
                json.loads(text)
            except ValueError:
                self.report("data block that is not JSON", "script", attrs)
            return
        self.report("inline script", "script", attrs)


def executable_markup(html: str, *, nonce: str | None = None) -> list[str]:
    """Everything in `html` that could run code or load active content and is not ours."""
    finder = _Finder(nonce)
    finder.feed(html)
    finder.close()
    if finder._open_script is not None:
        finder.report("unterminated script", "script", finder._open_script["attrs"])
    return finder.findings


def csp_nonce(response) -> str | None:
    match = re.search(r"'nonce-([^']+)'", response.get("Content-Security-Policy", ""))
    return match.group(1) if match else None


def assert_no_executable_markup(response):
    findings = executable_markup(response.text, nonce=csp_nonce(response))
    assert not findings, "\n".join(findings[:20])
