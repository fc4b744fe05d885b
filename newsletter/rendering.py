"""An issue as it arrives: HTML with inlined CSS and absolute links, a plain-text part, and the
headers every recipient gets (List-Unsubscribe with their own link).

An issue is rendered once per language and batch; each recipient only gets their unsubscribe
link put in (RenderedIssue.message_for), so sending costs no template work per message.
"""

import binascii
import email.message
import email.policy
import re
import secrets
from dataclasses import dataclass
from email.utils import formatdate
from functools import cached_property
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from blog.models import Article, visible_condition
from core.mail import ListEmailMessage, site_url
from newsletter.models import Issue, IssueArticle, Subscriber

UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/__RIVISTA_UNSUBSCRIBE__"
_RELATIVE_LINK = re.compile(r'(?P<attr>\b(?:src|href))="(?P<path>/(?!/)[^"]*)"')
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)


class IssueEmail(ListEmailMessage, EmailMultiAlternatives):
    """HTML and text, with List-Unsubscribe written on one line (core.mail)."""


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    html: str
    text: str
    article_count: int

    def message_for(self, subscriber: Subscriber, *, unsubscribe_url: str, message_id: str):
        html = self.html.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url)
        text = self.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url)
        message = IssueEmail(
            subject=self.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[subscriber.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{settings.SITE_NAME} <newsletter.{_site_host()}>",
                "Message-ID": message_id,
                "Precedence": "bulk",
            },
        )
        message.attach_alternative(html, "text/html")
        return message

    def raw_for(self, *, to: str, unsubscribe_url: str, message_id: str) -> bytes:
        """The same message as message_for(), as bytes for SMTP, built without the email
        package: what is the same for every recipient is encoded once per batch, and each
        message only gets its three headers and its two bodies encoded (by C code). `to` is an
        ASCII address (the caller falls back to message_for() for any other)."""
        text = self.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url)
        html = self.html.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url)
        boundary = self._boundary
        return b"".join(
            [
                f"To: {to}\r\nDate: {formatdate(localtime=True)}\r\n".encode("ascii"),
                f"Message-ID: {message_id}\r\n".encode("ascii"),
                f"List-Unsubscribe: <{unsubscribe_url}>\r\n".encode("ascii"),
                self._common_headers,
                b"\r\n--", boundary, b"\r\n", _quoted_printable_part(text, "plain"),
                b"\r\n--", boundary, b"\r\n", _quoted_printable_part(html, "html"),
                b"\r\n--", boundary, b"--\r\n",
            ]
        )  # fmt: skip

    @cached_property
    def _boundary(self) -> bytes:
        # "==" never appears in quoted-printable text, so no body can contain the boundary.
        return f"=={secrets.token_hex(16)}==".encode("ascii")

    @cached_property
    def _common_headers(self) -> bytes:
        head = email.message.EmailMessage(policy=email.policy.SMTP)
        head["From"] = settings.DEFAULT_FROM_EMAIL
        head["Subject"] = self.subject
        head["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        head["List-Id"] = f"{settings.SITE_NAME} <newsletter.{_site_host()}>"
        head["Precedence"] = "bulk"
        head["MIME-Version"] = "1.0"
        head["Content-Type"] = "multipart/alternative"
        head.set_boundary(self._boundary.decode("ascii"))
        return head.as_bytes().split(b"\r\n\r\n", 1)[0] + b"\r\n"  # the headers alone


def _quoted_printable_part(content: str, subtype: str) -> bytes:
    body = binascii.b2a_qp(content.replace("\r\n", "\n").encode("utf-8"), istext=True)
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii") + body.replace(b"\n", b"\r\n")


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(issue_pk: int, delivery_pk: int) -> str:
    """The same Message-ID for a delivery whatever attempt sends it: a receiving server that
    saw it already can tell."""
    return f"<newsletter.{issue_pk}.{delivery_pk}@{_site_host()}>"


def issue_has_content(issue: Issue) -> bool:
    """Something to send: at least one published article. An introduction alone is not an
    issue: it is what is left when every article picked was unpublished."""
    return bool(issue_articles(issue))


def issue_articles(issue: Issue) -> list[Article]:
    """The issue's articles in the editor's order, published ones only: an article unpublished
    after it was picked is dropped, whenever that happens."""
    items = (
        IssueArticle.objects.filter(visible_condition("article__"), issue=issue)
        .select_related("article__author", "article__category")
        .order_by("position", "pk")
    )
    return [item.article for item in items]


def absolute_links(html: str) -> str:
    """Links and images in the intro point at the site, whatever mail client shows them."""
    return _RELATIVE_LINK.sub(lambda m: f'{m["attr"]}="{site_url(m["path"])}"', html)


def _media_url(url: str) -> str:
    return url if urlsplit(url).scheme else site_url(url if url.startswith("/") else f"/{url}")


def _article_context(article: Article) -> dict:
    return {
        "title": article.title,
        "url": site_url(article.get_absolute_url()),
        "lead": strip_tags(article.lead),
        "author": article.author.display_name,
        "category": article.category.name if article.category_id else "",
        "cover_url": _media_url(article.cover.url) if article.cover else "",
        "cover_alt": article.cover_alt,
    }


def render_issue(issue: Issue, *, language: str | None = None) -> RenderedIssue:
    articles = issue_articles(issue)
    context = {
        "issue": issue,
        "site_name": settings.SITE_NAME,
        "home_url": site_url(reverse("blog:home")),
        "archive_url": site_url(issue.get_absolute_url()) if issue.in_archive else "",
        "intro_html": absolute_links(issue.intro),
        "intro_text": _html_to_text(issue.intro),
        "articles": [_article_context(article) for article in articles],
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        context["language"] = translation.get_language()
        html = render_to_string("newsletter/email/issue.html", context)
        text = render_to_string("newsletter/email/issue.txt", context)
    return RenderedIssue(
        subject=" ".join(issue.subject.split()),
        html=_INLINER.inline(html),
        text=text,
        article_count=len(articles),
    )


_BLOCK_END = re.compile(r"</(p|h[2-4]|li|blockquote|figure|pre)>|<br\s*/?>", re.IGNORECASE)
_LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def _html_to_text(html: str) -> str:
    """The intro as plain text: paragraphs on their own lines, links written out."""
    from html import unescape

    html = absolute_links(html)
    html = _LINK.sub(lambda m: f"{m[2]} ({m[1]})" if m[1] != strip_tags(m[2]) else m[1], html)
    text = unescape(strip_tags(_BLOCK_END.sub("\n\n", html)))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
