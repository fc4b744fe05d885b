"""The visible comment tree of an article as a flat list, ready for one template loop.

Rows come from one query in (tree_id, lft) order. Walking them once, each node learns whether
it opens a nested list (`opens`) or how many nested lists close after it (`closes`), so the
template never recurses and never includes a template per comment. Each thread (a root and its
replies) renders on its own, so unchanged threads come from the cache (see comments.cache).
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from comments import cache as tree_cache
from comments import conf
from comments.models import Comment


@dataclass
class RenderedTree:
    html: str
    count: int  # approved comments only
    reply_ids: frozenset = field(default_factory=frozenset)
    own_pending: frozenset = field(default_factory=frozenset)  # the viewer's, still held
    rendered_threads: int = 0  # how many threads were rendered rather than read from the cache


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


def _render_thread(rows: list[Comment], own_pending: frozenset) -> str:
    return render_to_string(
        "comments/tree.html", {"nodes": build_nodes(rows, own_pending=own_pending)}
    )


def render_tree(article, *, own_pending: frozenset = frozenset()) -> RenderedTree:
    """Read the visible tree (one query); render only the threads the cache does not have.

    Threads holding the viewer's own pending comments are personal: rendered fresh, never
    stored in the shared cache.
    """
    rows = list(Comment.objects.visible_tree(article, also_pk=own_pending))
    threads = [list(thread) for _, thread in groupby(rows, key=lambda c: c.tree_id)]
    personal = [any(c.pk in own_pending for c in thread) for thread in threads]
    fingerprints = [
        None if is_personal else tree_cache.thread_fingerprint(thread)
        for thread, is_personal in zip(threads, personal, strict=True)
    ]
    cached = tree_cache.get_threads([f for f in fingerprints if f])
    parts, fresh = [], {}
    for thread, fingerprint in zip(threads, fingerprints, strict=True):
        html = cached.get(fingerprint) if fingerprint else None
        if html is None:
            html = _render_thread(thread, own_pending)
            if fingerprint:
                fresh[fingerprint] = html
        parts.append(html)
    tree_cache.set_threads(fresh)

    reply_level_limit = conf.max_depth() - 1
    approved = [c for c in rows if c.status == Comment.Status.APPROVED]
    return RenderedTree(
        # Every part is template output, escaped there; joining them adds no user text.
        html=mark_safe('<ol class="comment-list">' + "".join(parts) + "</ol>") if rows else "",  # noqa: S308
        count=len(approved),
        reply_ids=frozenset(c.pk for c in approved if c.level < reply_level_limit),
        own_pending=frozenset(
            c.pk for c in rows if c.pk in own_pending and c.status == Comment.Status.PENDING
        ),
        rendered_threads=sum(1 for f in fingerprints if f is None or f in fresh),
    )


def article_tree(article, *, own_pending: frozenset = frozenset()) -> RenderedTree:
    """The rendered tree: whole from the cache when nothing changed, else re-assembled."""
    if own_pending:
        return render_tree(article, own_pending=own_pending)
    cached, version = tree_cache.get_tree(article.pk)
    if cached is None:
        cached = render_tree(article)
        tree_cache.set_tree(article.pk, version, cached)
    return cached
