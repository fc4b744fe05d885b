"""Tags for a page's <head>: canonical and absolute URLs, descriptions, JSON-LD, feed links."""

from urllib.parse import urlencode

from django import template

from blog import seo
from blog.feeds import article_comments_feed_url

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This listing's one address: the path without its query string, plus ?page=N past page 1."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        url += "?" + urlencode({"page": page.number})
    return url


@register.simple_tag(takes_context=True)
def absolute_uri(context, location):
    """`location` (a path, or a storage URL that may already be absolute) made absolute."""
    return context["request"].build_absolute_uri(location)


@register.filter
def article_description(article):
    return seo.article_description(article)


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    return seo.json_ld_script(seo.article_json_ld(article, context["request"]))


@register.simple_tag
def comments_feed_url(article, kind="rss"):
    return article_comments_feed_url(article, atom=kind == "atom")


@register.filter
def last_modified(article):
    return seo.last_modified(article)
