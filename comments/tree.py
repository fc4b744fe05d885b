"""The visible comment tree of an article as a flat list, ready for one template loop.

Rows come from one query in (tree_id, lft) order. Walking them once, each node learns whether
it opens a nested list (`opens`) or how many nested lists close after it (`closes`), so the
template never recurses and never includes a template per comment.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string

from comments import cache as tree_cache
from comments import conf
from comments.models import Comment


@dataclass
class RenderedTree:
    html: str
    count: int  # approved comments only
    reply_ids: frozenset = field(default_factory=frozenset)
    own_pending: frozenset = field(default_factory=frozenset)  # the viewer's, still held


def build_nodes(comments: list[Comment], *, own_pending: frozenset = frozenset()) -> list:
    reply_level_limit = conf.max_depth() - 1
    for index, comment in enumerate(comments):
        next_level = comments[index + 1].level if index + 1 < len(comments) else 0
        comment.opens = next_level > comment.level
        comment.closes = range(max(0, comment.level - next_level))
        # The session keeps a reader's comment ids after moderation: only a comment still
        # pending is theirs to see; once approved it is like any other, once rejected a placeholder.
        comment.is_own_pending = (
            comment.pk in own_pending and comment.status == Comment.Status.PENDING
        )
        comment.is_placeholder = (
            comment.status != Comment.Status.APPROVED and not comment.is_own_pending
        )
        comment.can_reply = comment.status == Comment.Status.APPROVED and (
            comment.level < reply_level_limit
        )
    return comments


def render_tree(article, *, own_pending: frozenset = frozenset()) -> RenderedTree:
    comments = list(Comment.objects.visible_tree(article, also_pk=own_pending))
    nodes = build_nodes(comments, own_pending=own_pending)
    html = render_to_string("comments/tree.html", {"nodes": nodes, "article": article})
    return RenderedTree(
        html=html,
        count=sum(1 for c in nodes if c.status == Comment.Status.APPROVED),
        reply_ids=frozenset(c.pk for c in nodes if c.can_reply),
        own_pending=frozenset(c.pk for c in nodes if c.is_own_pending),
    )


def article_tree(article, *, own_pending: frozenset = frozenset()) -> RenderedTree:
    """The rendered tree: from the cache for everyone, fresh for a reader with pending comments."""
    if own_pending:
        return render_tree(article, own_pending=own_pending)
    cached, version = tree_cache.get_tree(article.pk)
    if cached is None:
        cached = render_tree(article)
        tree_cache.set_tree(article.pk, version, cached)
    return cached
