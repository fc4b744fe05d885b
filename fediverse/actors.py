"""Our actors: the magazine and each author with a public profile (an account, or an article
published). Their key pairs are made the first time an actor is needed, and kept."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from blog.models import Article, Author
from fediverse import conf, keys
from fediverse.models import LocalActor


def _new_keys() -> dict:
    private_pem, public_pem = keys.generate_key_pair(conf.get("FEDIVERSE_KEY_BITS"))
    return {"private_key_pem": private_pem, "public_key_pem": public_pem}


def _get_or_make(lookup: dict) -> LocalActor:
    actor = LocalActor.objects.filter(**lookup).first()
    if actor is not None:
        return actor
    try:
        with transaction.atomic():
            return LocalActor.objects.create(**lookup, **_new_keys())
    except IntegrityError:  # made at the same moment by another request
        return LocalActor.objects.get(**lookup)


def magazine_actor() -> LocalActor:
    return _get_or_make({"kind": LocalActor.Kind.MAGAZINE})


def author_actor(author: Author) -> LocalActor:
    return _get_or_make({"kind": LocalActor.Kind.AUTHOR, "author": author})


def public_authors():
    """Authors with a public profile: an account here, or at least one article readers see."""
    has_published = Exists(Article.objects.published().filter(author=OuterRef("pk")))
    return Author.objects.filter(Q(user__isnull=False) | has_published)


def username_of(actor: LocalActor) -> str:
    if actor.kind == LocalActor.Kind.MAGAZINE:
        return conf.get("FEDIVERSE_MAGAZINE_USERNAME")
    return actor.author.slug


def by_username(username: str) -> LocalActor | None:
    """The actor a handle names (any state: the caller decides what a switched-off one shows)."""
    username = username.strip().lower()
    if username == conf.get("FEDIVERSE_MAGAZINE_USERNAME").lower():
        return magazine_actor()
    author = public_authors().filter(slug__iexact=username).first()
    return author_actor(author) if author is not None else None


def by_path(who: str) -> LocalActor | None:
    """The actor of an id's path part: "magazine" or "authors/<pk>"."""
    if who == "magazine":
        return magazine_actor()
    author = public_authors().filter(pk=int(who.rsplit("/", 1)[1])).first()
    return author_actor(author) if author is not None else None


def actors_of_article(article: Article) -> list[LocalActor]:
    """Who announces an article to their followers: the magazine and its author, when on."""
    candidates = [magazine_actor(), author_actor(article.author)]
    return [actor for actor in candidates if actor.enabled]
