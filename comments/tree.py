"""The visible comment tree of an article as a flat list, ready for one template loop.

Rows come from one query in (tree_id, lft) order. Walking them once, each node learns whether
it opens a nested list or how many close after it (comments.render), with no recursion and
no template per comment. Each thread (a root and its replies) renders on its own, so unchanged
threads come from the cache (see comments.tree_cache).
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.utils.safestring import mark_safe

from comments import discussion, render, tree_cache
from comments.models import Comment


@dataclass
class RenderedTree:
    html: str
    count: int  # approved comments only
    reply_ids: frozenset = field(default_factory=frozenset)
    own_pending: frozenset = field(default_factory=frozenset)  # the viewer's, still held
    rendered_threads: int = 0  # how many threads were rendered rather than read from the cache


def render_tree(
    article, *, own_pending: frozenset = frozenset(), rows=None, editable: frozenset = frozenset()
) -> RenderedTree:
    """Read the visible tree (one query); render only the threads the cache does not have.

    Threads holding the viewer's own pending comments are personal: rendered fresh, never
    stored in the shared cache. `rows` (whole threads, each in tree order) renders a part of
    the tree instead, as comments.paging does. Threads holding a comment the viewer may still
    edit (`editable`, comments.editing) are personal too: they carry an "Edit" link.
    """
    if rows is None:
        rows = Comment.objects.visible_tree(article, also_pk=own_pending)
    rows = list(rows)
    threads = [list(thread) for _, thread in groupby(rows, key=lambda c: c.tree_id)]
    mine = own_pending | editable
    personal = [bool(mine) and any(c.id in mine for c in thread) for thread in threads]
    fingerprints = [
        None if is_personal else tree_cache.thread_fingerprint(thread)
        for thread, is_personal in zip(threads, personal, strict=True)
    ]
    cached = tree_cache.get_threads([f for f in fingerprints if f])
    reply_level_limit = discussion.max_depth() - 1
    labels = None
    parts, fresh = [], {}
    for thread, fingerprint in zip(threads, fingerprints, strict=True):
        html = cached.get(fingerprint) if fingerprint else None
        if html is None:
            labels = labels or render.Labels.current()
            html = render.render_thread(
                thread,
                labels=labels,
                own_pending=own_pending,
                reply_level_limit=reply_level_limit,
                editable=editable,
            )
            if fingerprint:
                fresh[fingerprint] = html
        parts.append(html)
    tree_cache.set_threads(fresh)

    approved = [c for c in rows if c.status == Comment.Status.APPROVED]
    return RenderedTree(
        # Every part is template output, escaped there; joining them adds no user text.
        html=mark_safe('<ol class="comment-list">' + "".join(parts) + "</ol>") if rows else "",  # noqa: S308
        count=len(approved),
        reply_ids=frozenset(c.id for c in approved if c.level < reply_level_limit),
        own_pending=frozenset(
            c.id for c in rows if c.id in own_pending and c.status == Comment.Status.PENDING
        ),
        rendered_threads=sum(1 for f in fingerprints if f is None or f in fresh),
    )
