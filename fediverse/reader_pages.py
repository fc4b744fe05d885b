"""What readers see of the fediverse: "Reply from the fediverse" under an article (through
blog.article_page), an author's handle on their page (through blog.author_page), and what the
privacy page states of remote authors (through core.privacy).

Neither costs a query: the handles come from settings (the magazine's username, our domain) and
the author's slug, and whether an actor is switched off comes with the page's one query, as
annotations the extensions ask for. Switching an actor moves the blog's content version
(fediverse.services.local_actor_set_enabled), which retires every kept page and validator.
Nothing remote is read.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.template.loader import render_to_string
from django.utils.html import format_html

from blog.article_page import ArticlePageExtension
from blog.author_page import AuthorPageExtension
from blog.models import Article, Author
from comments.moderation import comments_open_for_good
from fediverse import addresses, conf
from fediverse.inbox_tasks import KEEP_HANDLED_DAYS
from fediverse.models import LocalActor

REPLY_TEMPLATE = "fediverse/reply.html"
PRIVACY_TEMPLATE = "fediverse/privacy_notice.html"
HANDLE_TEMPLATE = "fediverse/author_handle.html"
MAGAZINE_OFF = "fediverse_magazine_off"
AUTHOR_OFF = "fediverse_author_off"
AUTHOR_PUBLIC = "fediverse_author_public"


def _switched_off():
    return LocalActor.objects.filter(enabled=False)


def magazine_handle() -> str:
    return f"@{conf.get('FEDIVERSE_MAGAZINE_USERNAME')}@{addresses.domain()}"


def author_handle(author: Author) -> str:
    """An author's handle (fediverse.actors.username_of: their slug)."""
    return f"@{author.slug}@{addresses.domain()}"


def article_annotations() -> dict:
    if not conf.get("FEDIVERSE_ENABLED"):
        return {}
    return {
        MAGAZINE_OFF: Exists(_switched_off().filter(kind=LocalActor.Kind.MAGAZINE)),
        AUTHOR_OFF: Exists(_switched_off().filter(author_id=OuterRef("author_id"))),
    }


def _actors_off(article: Article) -> tuple[bool, bool]:
    """(magazine off, author off): from the page's query, else (an article read elsewhere,
    e.g. again after a refused comment) one query."""
    if hasattr(article, MAGAZINE_OFF):
        return getattr(article, MAGAZINE_OFF), getattr(article, AUTHOR_OFF)
    kinds = set(
        _switched_off()
        .filter(Q(kind=LocalActor.Kind.MAGAZINE) | Q(author_id=article.author_id))
        .values_list("kind", flat=True)
    )
    return LocalActor.Kind.MAGAZINE in kinds, LocalActor.Kind.AUTHOR in kinds


def article_link(context, article: Article) -> str:
    """<link rel="alternate" type="application/activity+json"> to the article's object, as
    WordPress's ActivityPub plugin adds: Mastodon, given the page's own address in its search,
    reads the page and follows this link, so a reader may paste the address they are at."""
    if not conf.get("FEDIVERSE_ENABLED") or _actors_off(article)[0]:
        return ""
    return format_html(
        '<link rel="alternate" type="application/activity+json" href="{}">',
        addresses.article_id(article.pk),
    )


def reply_section(context, article: Article) -> str:
    """How to reply from Mastodon and the like, as WordPress's ActivityPub plugin and Ghost
    tell readers: paste the article's address into your app's search and reply there; follow
    the magazine (and the author) by handle. Shown only while replies would be taken: the
    fediverse on, the magazine's actor on (it answers for the article's address), comments
    open."""
    if not conf.get("FEDIVERSE_ENABLED"):
        return ""
    magazine_off, author_off = _actors_off(article)
    if magazine_off or not comments_open_for_good(article):
        return ""
    return render_to_string(
        REPLY_TEMPLATE,
        {
            "address": addresses.article_id(article.pk),
            # In <code>, as the address: easy to pick out and copy whole.
            "magazine_handle": format_html("<code>{}</code>", magazine_handle()),
            "author_name": article.author.display_name,
            "author_handle": ""
            if author_off
            else format_html("<code>{}</code>", author_handle(article.author)),
        },
    )


def author_annotations() -> dict:
    if not conf.get("FEDIVERSE_ENABLED"):
        return {}
    return {
        AUTHOR_OFF: Exists(_switched_off().filter(author_id=OuterRef("pk"))),
        # fediverse.actors.public_authors: an account here, or an article readers see.
        AUTHOR_PUBLIC: ExpressionWrapper(
            Q(user__isnull=False)
            | Exists(Article.objects.published().filter(author=OuterRef("pk"))),
            output_field=BooleanField(),
        ),
    }


def author_section(context, author: Author) -> str:
    """The author's handle, when they are an actor (a public profile) and it is on."""
    if not conf.get("FEDIVERSE_ENABLED") or not hasattr(author, AUTHOR_OFF):
        return ""
    if getattr(author, AUTHOR_OFF) or not getattr(author, AUTHOR_PUBLIC):
        return ""
    return render_to_string(
        HANDLE_TEMPLATE, {"name": author.display_name, "handle": author_handle(author)}
    )


def privacy_notice() -> str:
    """What the privacy page states of remote authors (core.privacy), from the settings in
    force: what fediverse.remote keeps of an actor, how replies become comments, how long
    received activities stay (fediverse.inbox_tasks), and erasure and export by actor (the
    remote actors' admin: fediverse.services.remote_actor_erase, selectors.remote_actor_export)."""
    if not conf.get("FEDIVERSE_ENABLED"):
        return ""
    return render_to_string(
        PRIVACY_TEMPLATE,
        {
            "refresh_hours": max(1, conf.get("FEDIVERSE_ACTOR_CACHE_SECONDS") // 3600),
            "kept_days": KEEP_HANDLED_DAYS,
        },
    )


def _nothing_personal(request, article, extra_context) -> bool:
    return False


ARTICLE_EXTENSION = ArticlePageExtension(
    name="fediverse",
    section=reply_section,
    is_personal=_nothing_personal,
    # What the section shows moves with the blog's content version (switching an actor), the
    # settings, and the comments' own parts (comments open).
    etag_parts=lambda article: (),
    last_changed=lambda article: None,
    annotations=article_annotations,
    head=article_link,
)

AUTHOR_EXTENSION = AuthorPageExtension(
    name="fediverse", section=author_section, annotations=author_annotations
)
