"""The visible comment tree of an article as a flat list, ready for one template loop.

Rows come from one query in (tree_id, lft) order. Walking them once, each node learns whether
it opens a nested list or how many close after it (comments.render), with no recursion and
no template per comment. Each thread (a root and its replies) renders on its own, so unchanged
threads come from the cache (see comments.tree_cache).
"""

from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter

from django.utils.safestring import mark_safe

from comments import discussion, render, tree_cache
from comments.models import Comment

APPROVED = Comment.Status.APPROVED
PENDING = Comment.Status.PENDING


@dataclass
class RenderedTree:
    # The list's markup in pieces (its opening, each thread, its end), encoded in UTF-8 once,
    # when a thread is rendered: kept so (pickled and unpickled as a copy) and spliced into the
    # page so (core.splice), never joined into one text. Joined, a megabyte of comments was
    # converted character by character each time it was kept, read back or sent.
    pieces: tuple[bytes, ...]
    count: int  # approved comments only
    reply_ids: frozenset = field(default_factory=frozenset)
    own_pending: frozenset = field(default_factory=frozenset)  # the viewer's, still held
    rendered_threads: int = 0  # how many threads were rendered rather than read from the cache

    @property
    def html(self) -> str:
        """The whole list, escaped markup throughout (see `pieces` for the page's use)."""
        # Every piece is template output, escaped there; joining them adds no user text.
        return mark_safe(b"".join(self.pieces).decode())  # noqa: S308


def render_tree(
    article,
    *,
    own_pending: frozenset = frozenset(),
    threads=None,
    editable: frozenset = frozenset(),
    view: str = "tree",
) -> RenderedTree:
    """Read the visible tree (one query); render only the threads the cache does not have.

    Threads holding the viewer's own pending comments are personal: rendered fresh, never
    stored in the shared cache. `threads` (whole threads, each its rows in tree order) renders
    a part of the tree instead, as comments.paging does, naming it `view` (its threads are kept
    together under that name). Threads holding a comment the viewer may still edit (`editable`,
    comments.editing) are personal too: they carry an "Edit" link. A page with personal threads
    only reads the kept threads: it never writes them, so it cannot evict the shared ones.
    """
    if threads is None:
        rows = Comment.objects.visible_tree(article, also_pk=own_pending)
        threads = [list(thread) for _, thread in groupby(rows, key=attrgetter("tree_id"))]
    mine = own_pending | editable
    personal = [bool(mine) and any(c.id in mine for c in thread) for thread in threads]
    fingerprints = [
        None if is_personal else tree_cache.thread_fingerprint(thread)
        for thread, is_personal in zip(threads, personal, strict=True)
    ]
    cached = tree_cache.get_threads(article.pk, view) if threads else {}
    reply_level_limit = discussion.max_depth() - 1
    labels = None
    parts, shared, fresh = [], {}, 0
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
            ).encode()
            fresh += 1
        if fingerprint:
            shared[fingerprint] = html
        parts.append(html)
    if not any(personal) and (fresh or len(shared) != len(cached)):
        tree_cache.set_threads(article.pk, view, shared)

    count, reply_ids, still_pending = 0, set(), set()
    for thread in threads:
        for c in thread:
            if c.status == APPROVED:
                count += 1
                if c.level < reply_level_limit:
                    reply_ids.add(c.id)
            elif c.status == PENDING and c.id in own_pending:
                still_pending.add(c.id)
    return RenderedTree(
        pieces=(b'<ol class="comment-list">', *parts, b"</ol>") if threads else (),
        count=count,
        reply_ids=frozenset(reply_ids),
        own_pending=frozenset(still_pending),
        rendered_threads=fresh,
    )
