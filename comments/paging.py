"""Comment pages: whole threads per page, in the order the reader chose.

A page holds `threads_per_page` top-level comments, each with all its visible replies, so a
thread never straddles two pages and a reply never loses its context. Reading a page costs two
queries whatever the size of the discussion: one aggregate (how many approved comments and
visible threads there are, read from the counts kept per article by comments.counts) and the
page's rows, whose thread ids come from an ordered, sliced subquery inside the same statement.
Threads render through comments.tree, so their cached fragments are shared by every page and
order they appear in; the assembled page is cached under the article's version like the whole
tree was.

Addresses: ?pagina=N&ordine=newest on the article's URL (links work without JavaScript); every
comment also has a permanent address, /commento/<id>/, that redirects to its page and anchor.
"""

import math
from dataclasses import dataclass, field, fields
from itertools import groupby
from operator import attrgetter
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from comments import conf, counts, discussion, selectors, tree_cache
from comments.models import TREE_ANNOTATIONS, Comment, CommentOrder, DefaultPage, as_given
from comments.tree import RenderedTree, render_tree

PAGE_PARAM = "pagina"
ORDER_PARAM = "ordine"
APPROVED = Comment.Status.APPROVED


@dataclass
class CommentPage:
    tree: RenderedTree
    number: int
    num_pages: int
    order: str
    default_order: str
    last_first: bool  # the discussion opens on its last page (default order only)
    approved: int  # approved comments in the whole discussion, for the heading
    threads: int
    own_pending: frozenset = field(default_factory=frozenset)
    # The editors' picks, for the band above the discussion (comments.selectors.article_picks).
    picks: list = field(default_factory=list)

    @property
    def is_paginated(self) -> bool:
        return self.num_pages > 1

    def default_number(self, order: str | None = None) -> int:
        """The page the address without ?pagina shows, in `order`."""
        order = order or self.order
        return self.num_pages if self.last_first and order == self.default_order else 1

    def query(self, *, number: int | None = None, order: str | None = None) -> str:
        """The query string of a page of this discussion ("" for the default page)."""
        order = order or self.order
        number = number or self.number
        params = {}
        if number != self.default_number(order):
            params[PAGE_PARAM] = number
        if order != self.default_order:
            params[ORDER_PARAM] = order
        return "?" + urlencode(params) if params else ""

    @property
    def previous_query(self) -> str:
        return self.query(number=self.number - 1)

    @property
    def next_query(self) -> str:
        return self.query(number=self.number + 1)

    @property
    def canonical_query(self) -> str:
        """Pages other than the default one are canonical to themselves; other orders show the
        same comments again, so they point at the discussion in its default order."""
        if self.order != self.default_order:
            return ""
        return self.query()

    def page_links(self) -> list[dict]:
        """Numbered links, with gaps past the first, the last and the pages around this one."""
        shown = {1, self.num_pages, *range(self.number - 2, self.number + 3)}
        links, last = [], 0
        for number in sorted(n for n in shown if 1 <= n <= self.num_pages):
            if number - last > 1:
                links.append({"gap": True})
            links.append(
                {
                    "number": number,
                    "query": self.query(number=number),
                    "current": number == self.number,
                }
            )
            last = number
        return links

    def order_links(self) -> list[dict]:
        return [
            {
                "label": label,
                "current": value == self.order,
                "query": self.query(order=value, number=self.default_number(value)),
            }
            for value, label in CommentOrder.choices
            # The picks order is offered where there are picks to put first.
            if value != CommentOrder.PICKS or self.picks
        ]


def parse_order(raw: str | None) -> str:
    default = discussion.current().default_order
    return raw if raw in CommentOrder.values else default


def parse_number(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 7:
        return int(raw) or None
    return None


def _per_page() -> int | None:
    rules = discussion.current()
    return max(1, rules.threads_per_page) if rules.page_comments else None


def _thread_size():
    """How many replies a thread holds, from its root's nested-set bounds: no subquery per
    thread, so "most replies" costs the same as the other orders. Held and removed replies
    count too (their placeholders keep the thread's shape)."""
    return (F("rght") - F("lft") - 1) / 2


def _root_shown(own_pending: frozenset) -> Q:
    """A top-level comment whose thread shows: approved, holding an approved reply (it renders
    as a placeholder), or the viewer's own held comment."""
    approved_reply = Comment.objects.public().filter(
        tree_id=OuterRef("tree_id"), parent__isnull=False
    )
    shown = Q(status=APPROVED) | Q(Exists(approved_reply))
    if own_pending:
        shown |= Q(pk__in=list(own_pending), status=Comment.Status.PENDING)
    return shown


def _shown_roots(article, own_pending: frozenset):
    """The threads a reader (with these held comments of their own) sees, in no order."""
    return Comment.objects.filter(article=article, parent__isnull=True).filter(
        _root_shown(own_pending)
    )


def _approved(article):
    return Comment.objects.public().filter(article=article)


def _article_picked(article):
    """Whether the article has an editors' pick to show: uncorrelated, so the database answers
    it once per query, on the picked rows only (comment_picks_idx). It rides in the page's
    query: a discussion without picks costs no query for the band."""
    return Exists(Comment.objects.public().filter(article=article, picked_at__isnull=False))


def _picks(article, rows, approved: int) -> list:
    """The band's picks: asked for only when the page's rows say there are some (or there were
    no rows to say it, and approved comments to pick)."""
    has_picks = rows[0].has_picks if rows else approved > 0
    if not has_picks:
        return []
    return selectors.article_picks(article.pk, conf.get("COMMENTS_PICKS_SHOWN"))


def _thread_picked():
    """Whether a thread holds an approved editors' pick: an index probe on the picked rows
    (comment_tree_picks_idx) per thread, never a scan of its replies."""
    return Exists(
        Comment.objects.public().filter(tree_id=OuterRef("tree_id"), picked_at__isnull=False)
    )


def visible_roots(article, *, own_pending: frozenset = frozenset(), order: str):
    roots = _shown_roots(article, own_pending)
    if order == CommentOrder.REPLIES:
        return roots.annotate(replies=_thread_size()).order_by("-replies", "tree_id")
    if order == CommentOrder.PICKS:
        # Threads holding a pick first, then the others; each group oldest first.
        return roots.annotate(has_pick=_thread_picked()).order_by("-has_pick", "tree_id")
    return roots.order_by("-tree_id" if order == CommentOrder.NEWEST else "tree_id")


def _count(queryset):
    """COUNT(*) of `queryset` as a scalar subquery: it rides along in the page's one query."""
    counted = queryset.order_by().values("article").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _counts(article, own_pending: frozenset) -> tuple[int, int]:
    """(approved comments, visible threads), when the page's rows did not bring them."""
    if not own_pending:
        return selectors.discussion_counts(article.pk)
    return _approved(article).count(), _shown_roots(article, own_pending).count()


def _totals(article, own_pending: frozenset) -> dict:
    """The two totals as expressions in the page's query: the counts kept per article
    (comments.counts), or counted when the viewer's own held comments add threads."""
    if not own_pending:
        return {
            "approved_total": counts.kept_count(article.pk, "approved"),
            "threads_total": counts.kept_count(article.pk, "threads"),
        }
    return {
        "approved_total": _count(_approved(article)),
        "threads_total": _count(_shown_roots(article, own_pending)),
    }


_ROW_TOTALS = ("approved_total", "threads_total", "has_picks")


def _row_totals(article, own_pending: frozenset) -> dict:
    """The two totals and whether the article has picks, on every row of the page's query, as
    the database gives them: converting them on each of a thousand rows cost more than
    reading them."""
    totals = {**_totals(article, own_pending), "has_picks": _article_picked(article)}
    return {name: as_given(value, IntegerField()) for name, value in totals.items()}


def _thread_key(order: str):
    if order == CommentOrder.NEWEST:
        return lambda thread: -thread[0].tree_id
    if order == CommentOrder.REPLIES:
        return lambda thread: (-(thread[0].rght - thread[0].lft - 1) // 2, thread[0].tree_id)
    if order == CommentOrder.PICKS:
        return lambda thread: (not any(_is_pick(row) for row in thread), thread[0].tree_id)
    return lambda thread: thread[0].tree_id


def _is_pick(row) -> bool:
    return bool(row.picked) and row.status == APPROVED


def _page_rows(article, **kwargs) -> list:
    """The visible rows of one page's threads, thread after thread in the page's order."""
    return [row for thread in _page_threads(article, **kwargs) for row in thread]


def _page_threads(
    article,
    *,
    order: str,
    start: int,
    per_page: int | None,
    own_pending: frozenset,
    fields: tuple = (),
) -> list[list]:
    """One page's threads in the page's order, each its visible rows in tree order, with
    `fields` of Comment beside what the markup needs."""
    roots = None
    if per_page is not None or own_pending:
        # One page's threads; or the viewer's held reply, shown only if its thread's root is.
        # Otherwise every visible row's root shows (it is approved or holds an approved reply):
        # the whole tree needs no subquery.
        roots = visible_roots(article, own_pending=own_pending, order=order).values("tree_id")
        if per_page is not None:
            roots = roots[start : start + per_page]
    rows = (
        Comment.objects.visible_tree(article, also_pk=own_pending, threads=roots)
        .annotate(**_row_totals(article, own_pending))
        .values_list(*Comment.TREE_FIELDS, *TREE_ANNOTATIONS, *_ROW_TOTALS, *fields, named=True)
    )
    threads = [list(thread) for _, thread in groupby(rows, key=attrgetter("tree_id"))]
    threads.sort(key=_thread_key(order))
    return threads


def _complete(cached) -> bool:
    """A page kept by this version of the code: one kept before a deploy that added a field
    (the picks, say) lacks it, and is made again rather than failing every page view."""
    return isinstance(cached, CommentPage) and all(
        item.name in vars(cached) for item in fields(CommentPage)
    )


def comment_page(
    article,
    *,
    number: int | None = None,
    order: str | None = None,
    own_pending=frozenset(),
    editable=frozenset(),
) -> CommentPage:
    """One page of an article's discussion; `number` None is the page shown by default."""
    rules = discussion.current()
    order = order if order in CommentOrder.values else rules.default_order
    key = None
    if not own_pending and not editable:
        version = tree_cache.article_version(article.pk)
        key = tree_cache.page_key(article.pk, version, f"{order}:{number or 'default'}")
        cached = cache.get(key)
        if _complete(cached):
            return cached
    per_page = _per_page()
    last_first = rules.default_page == DefaultPage.LAST and order == rules.default_order
    shown = []  # the page's threads, each its rows
    if number is not None or not last_first:
        # The usual case costs this one query: the page's rows carry the two totals.
        resolved = number or 1
        shown = _page_threads(
            article, order=order, start=(resolved - 1) * (per_page or 0), per_page=per_page,
            own_pending=own_pending,
        )  # fmt: skip
    if shown:
        approved, threads = shown[0][0].approved_total, shown[0][0].threads_total
    elif (number or 1) == 1 and not last_first:
        approved = threads = 0  # page 1 is empty only when nothing at all is shown
    else:
        # No rows: no comments, a page past the end, or the last page shown first.
        approved, threads = _counts(article, own_pending)
    num_pages = max(1, math.ceil(threads / per_page)) if per_page else 1
    default_number = num_pages if last_first else 1
    resolved = min(number or default_number, num_pages)
    if not shown and threads:
        shown = _page_threads(
            article, order=order, start=(resolved - 1) * (per_page or 0), per_page=per_page,
            own_pending=own_pending,
        )  # fmt: skip
    page = CommentPage(
        tree=render_tree(
            article,
            own_pending=own_pending,
            threads=shown,
            editable=editable,
            view=f"{order}:{resolved}",
        ),
        number=resolved,
        num_pages=num_pages,
        order=order,
        default_order=rules.default_order,
        last_first=rules.default_page == DefaultPage.LAST,
        approved=approved,
        threads=threads,
        own_pending=own_pending,
        picks=_picks(article, shown[0] if shown else [], approved),
    )
    if key is not None:
        cache.set(key, page, conf.get("COMMENTS_TREE_CACHE_SECONDS"))
    return page


def page_number_of(comment: Comment, *, order: str | None = None, own_pending=frozenset()) -> int:
    """The page showing `comment`'s thread, in `order` (the default order when None)."""
    rules = discussion.current()
    order = order if order in CommentOrder.values else rules.default_order
    per_page = _per_page()
    if per_page is None:
        return 1
    roots = visible_roots(comment.article, own_pending=own_pending, order=order)
    root = roots.filter(tree_id=comment.tree_id).first()
    if root is None:
        return 1
    if order == CommentOrder.NEWEST:
        before = roots.filter(tree_id__gt=root.tree_id)
    elif order == CommentOrder.OLDEST:
        before = roots.filter(tree_id__lt=root.tree_id)
    elif order == CommentOrder.PICKS:
        earlier = Q(tree_id__lt=root.tree_id)
        before = roots.filter(
            Q(has_pick=True) & earlier if root.has_pick else Q(has_pick=True) | earlier
        )
    else:
        before = roots.filter(
            Q(replies__gt=root.replies) | Q(replies=root.replies, tree_id__lt=root.tree_id)
        )
    return before.count() // per_page + 1


def comment_location(comment: Comment, *, own_pending=frozenset()) -> str:
    """Where a comment is read: its article, the page holding it by default, its anchor."""
    rules = discussion.current()
    article_url = comment.article.get_absolute_url()
    number = page_number_of(comment, own_pending=own_pending)
    if rules.page_comments:
        # The default page answers the bare address; which it is depends on the count.
        default = 1
        if rules.default_page == DefaultPage.LAST:
            threads = visible_roots(
                comment.article, own_pending=own_pending, order=rules.default_order
            ).count()
            default = max(1, math.ceil(threads / max(1, rules.threads_per_page)))
        if number != default:
            article_url += f"?{PAGE_PARAM}={number}"
    return f"{article_url}#comment-{comment.pk}"


def page_rows(article, page: CommentPage) -> list:
    """The rows `page` shows (what comment_page renders), as data for readers other than the
    article page (the API): whole threads in the page's order, never the viewer's own, with
    their moments as datetimes."""
    per_page = _per_page()
    return _page_rows(
        article,
        order=page.order,
        start=(page.number - 1) * (per_page or 0),
        per_page=per_page,
        own_pending=frozenset(),
        fields=("created", "edited_at"),
    )
