"""RSS 2.0 and Atom feeds: the whole site, a category, a tag, an author, an article's comments.

Every article feed starts from Article.objects.published(); an article's comment feed takes its
items from the article-page extensions (blog.article_page: the comments app gives its public
comments only): drafts, scheduled articles and unapproved comments never appear. Comment feeds
never name an email (item_author_email is None).
Absolute links take the host from the request (django.contrib.sites is not installed).
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, redirect
from django.urls import resolve, reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from blog import article_page
from blog.models import Article, Author, Category, Tag
from blog.seo import article_summary, last_modified

ARTICLES_PER_FEED = 20
COMMENTS_PER_FEED = 50

# The characters XML 1.0 cannot carry at all (Django's feed writer refuses them, failing the feed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(value):
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(item) for item in value)
    return value


class _XmlSafe:
    """A feed writer that drops control characters from every value: one comment or title
    holding one must not take the whole feed down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class RssFeed(_XmlSafe, Rss201rev2Feed):
    pass


class AtomFeed(_XmlSafe, Atom1Feed):
    pass


class _ArticlesFeed(Feed):
    """Published articles, newest first; subclasses narrow them to one object."""

    feed_type = RssFeed

    def title(self, obj):
        return settings.SITE_NAME

    def link(self, obj):
        return reverse("blog:home")

    def description(self, obj):
        return _("The latest articles from %(site)s") % {"site": settings.SITE_NAME}

    def subtitle(self, obj):
        # Atom's counterpart of <description>; RSS ignores it.
        return self.description(obj)

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return (
            self.articles(obj)
            .for_listing()
            .prefetch_related("tags", "corrections")[:ARTICLES_PER_FEED]
        )

    def item_title(self, article):
        # Plain text: the feed writer escapes it for XML once. Django's default item_title
        # escapes it for HTML as well, so readers showed "L&#x27;arte" for "L'arte".
        return article.title

    def item_description(self, article):
        # Corrections and updates travel with the item, as on the page.
        notes = format_html_join(
            "",
            "<p><strong>{} ({})</strong>: {}</p>",
            (
                (c.get_kind_display(), date_format(localtime(c.created)), c.text)
                for c in article.correction_list
            ),
        )
        return escape(article_summary(article)) + notes

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return last_modified(article)

    def item_author_name(self, article):
        return article.author.display_name

    def item_author_email(self, article):
        return None

    def item_categories(self, article):
        names = [article.category.name] if article.category else []
        return names + [tag.name for tag in article.tags.all()]


class LatestArticlesFeed(_ArticlesFeed):
    pass


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed


class CategoryFeed(_ArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, category):
        return f"{category.name} · {settings.SITE_NAME}"

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        return _("The latest articles in %(category)s") % {"category": category.name}

    def articles(self, category):
        return Article.objects.published().filter(category=category)


class CategoryAtomFeed(CategoryFeed):
    feed_type = AtomFeed


class TagFeed(_ArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"#{tag.name} · {settings.SITE_NAME}"

    def link(self, tag):
        return tag.get_absolute_url()

    def description(self, tag):
        return _("The latest articles tagged %(tag)s") % {"tag": tag.name}

    def articles(self, tag):
        return Article.objects.published().filter(tags=tag)


class TagAtomFeed(TagFeed):
    feed_type = AtomFeed


class AuthorFeed(_ArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{author.display_name} · {settings.SITE_NAME}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return _("The latest articles by %(author)s") % {"author": author.display_name}

    def articles(self, author):
        return Article.objects.published().filter(author=author)


class AuthorAtomFeed(AuthorFeed):
    feed_type = AtomFeed


def article_comments_feed_url(article: Article, *, atom: bool = False) -> str:
    """The comments feed lives under the article's own address: <article url>feed/."""
    match = resolve(article.get_absolute_url())
    name = "blog:article-comments-feed-atom" if atom else "blog:article-comments-feed"
    return reverse(name, kwargs=match.kwargs)


class ArticleCommentsFeed(Feed):
    """An article's approved comments, newest first."""

    feed_type = RssFeed
    atom = False

    def __call__(self, request, *args, **kwargs):
        article = self.get_object(request, *args, **kwargs)
        canonical = article_comments_feed_url(article, atom=self.atom)
        if request.path != canonical:
            # The article's date moved: follow it, as the article page does.
            return redirect(canonical, permanent=True)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, year, month, day, slug):
        return get_object_or_404(
            Article.objects.published().select_related("author", "category"), slug=slug
        )

    def title(self, article):
        return _("Comments on «%(title)s»") % {"title": article.title}

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return _("The approved comments on «%(title)s», newest first.") % {"title": article.title}

    def subtitle(self, article):
        return self.description(article)

    def items(self, article):
        return article_page.feed_items(article, COMMENTS_PER_FEED)

    def item_title(self, comment):
        title = _("%(name)s on «%(title)s»") % {
            "name": comment.display_name,
            "title": comment.article.title,
        }
        mark = getattr(comment, "feed_mark", "")
        return f"[{mark}] {title}" if mark else title

    def item_categories(self, comment):
        mark = getattr(comment, "feed_mark", "")
        return [mark] if mark else []

    def item_description(self, comment):
        return comment.body_html  # sanitized when the comment was saved

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created

    def item_author_name(self, comment):
        return comment.display_name

    def item_author_email(self, comment):
        return None  # never published, feeds included


class ArticleCommentsAtomFeed(ArticleCommentsFeed):
    feed_type = AtomFeed
    atom = True
