"""Helpers the comment tests (and the WordPress import's) share: the tree invariant, the form."""

import datetime

from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import find_elements


def tree_snapshot():
    return list(
        Comment.objects.order_by("pk").values_list(
            "pk", "parent_id", "tree_id", "lft", "rght", "level"
        )
    )


def assert_tree_valid():
    """DESIGN.md's invariant 2: rebuild() changes nothing and no two threads share a tree_id."""
    before = tree_snapshot()
    Comment.objects.rebuild()
    assert tree_snapshot() == before
    roots = Comment.objects.filter(parent__isnull=True)
    assert roots.values("tree_id").distinct().count() == roots.count()


def textarea_text(html: str) -> str:
    """What the comment form's text box holds, as the browser would show it."""
    (textarea,) = find_elements(html, "textarea", name="body")
    return "".join(str(child) for child in textarea.children)


def input_value(html: str, name: str):
    """The value of the page's one input named `name` (None if it has none)."""
    (field,) = find_elements(html, "input", name=name)
    return dict(field.attributes).get("value")


def post_url(article) -> str:
    """Where the comment form of `article` posts."""
    return reverse("comments:post", args=[article.pk])


def age(comment, days: float) -> None:
    """Backdate `comment` to `days` ago (its `created` is set on insert: update the row)."""
    Comment.objects.filter(pk=comment.pk).update(
        created=timezone.now() - datetime.timedelta(days=days)
    )
