"""Small builders for test objects: explicit, with just enough defaults."""

import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.utils import timezone

from blog.models import Article, Author, Category, Tag

_seq = itertools.count(1)


def make_user(*, username=None, groups=(), is_staff=True, password="pw", **extra) -> User:
    username = username or f"user{next(_seq)}"
    user = User.objects.create_user(
        username=username, password=password, is_staff=is_staff, **extra
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_author(*, user=None, display_name=None, **extra) -> Author:
    n = next(_seq)
    display_name = display_name or f"Autore {n}"
    return Author.objects.create(
        user=user, display_name=display_name, slug=extra.pop("slug", f"autore-{n}"), **extra
    )


def make_category(**extra) -> Category:
    n = next(_seq)
    return Category.objects.create(
        name=extra.pop("name", f"Categoria {n}"), slug=extra.pop("slug", f"categoria-{n}"), **extra
    )


def make_tag(**extra) -> Tag:
    n = next(_seq)
    return Tag.objects.create(
        name=extra.pop("name", f"Tag {n}"), slug=extra.pop("slug", f"tag-{n}"), **extra
    )


def make_article(*, status=Article.Status.PUBLISHED, publish_at=None, author=None, **extra):
    n = next(_seq)
    if publish_at is None:
        publish_at = timezone.now() - datetime.timedelta(days=1)
    tags = extra.pop("tags", ())
    article = Article.objects.create(
        title=extra.pop("title", f"Articolo {n}"),
        slug=extra.pop("slug", f"articolo-{n}"),
        author=author or make_author(),
        status=status,
        publish_at=publish_at,
        body=extra.pop("body", "<p>Testo dell'articolo.</p>"),
        **extra,
    )
    if tags:
        article.tags.set(tags)
    return article


def make_draft(**extra) -> Article:
    return make_article(status=Article.Status.DRAFT, **extra)


def make_scheduled(**extra) -> Article:
    return make_article(publish_at=timezone.now() + datetime.timedelta(days=3), **extra)
