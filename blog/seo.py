"""What search engines and link previews read: robots.txt, descriptions, JSON-LD.

Absolute URLs come from the request (request.build_absolute_uri), never from a Site row:
django.contrib.sites is not installed, so feeds and sitemaps also take the host from the
request (Django's RequestSite).
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from blog.models import Article
from core.sanitizer import strip_all_tags

EXCERPT_WORDS = 50

# What may not appear raw inside <script>: "</script>" and "<!--" can never be formed.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def body_excerpt(article: Article, words: int = EXCERPT_WORDS) -> str:
    """Plain text, on one line, from the start of the body.

    Truncated as HTML first: stripping tags parses the whole text, slow on a long body.
    """
    return " ".join(strip_all_tags(Truncator(article.body).words(words, html=True)).split())


def article_summary(article: Article) -> str:
    """The lead, or the body's opening words when there is no lead."""
    return article.lead or body_excerpt(article)


def article_description(article: Article) -> str:
    """For link previews and structured data: the SEO description, the lead, or an excerpt."""
    return article.seo_description or article_summary(article)


def last_modified(article: Article):
    """When the public page last changed: a scheduled article changes when it appears."""
    return max(article.updated, article.publish_at)


def article_json_ld(article: Article, request) -> dict:
    """schema.org Article for the article page."""
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article_description(article),
        "author": {
            "@type": "Person",
            "name": article.author.display_name,
            "url": request.build_absolute_uri(article.author.get_absolute_url()),
        },
        "datePublished": timezone.localtime(article.publish_at).isoformat(),
        "dateModified": timezone.localtime(last_modified(article)).isoformat(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "inLanguage": "it",
    }
    if article.cover:
        data["image"] = [request.build_absolute_uri(article.cover.url)]
    if article.category:
        data["articleSection"] = article.category.name
    corrections = article.correction_list
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{correction.get_kind_display()}: {correction.text}",
                "datePublished": timezone.localtime(correction.created).isoformat(),
                "url": request.build_absolute_uri(correction.get_absolute_url()),
            }
            for correction in corrections
        ]
    return data


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> that no value inside it can close or break.

    The same escaping as Django's json_script filter, which cannot set the type attribute.
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload),  # noqa: S308 - JSON with <, > and & escaped above.
    )


@require_safe
@cache_control(max_age=60 * 60)
def robots_txt(request):
    """Crawl everything public; not the admin, not editors' previews; here is the sitemap."""
    preview_prefix = reverse("blog:article-preview", kwargs={"pk": 0}).removesuffix("0/")
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {preview_prefix}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
