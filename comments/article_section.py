"""The comments' part of the article page, plugged into blog.article_page.

CommentsConfig.ready() registers it: the comment section under the article, what it adds to the
page's ETag and Last-Modified (the article's comment version, the maximum depth, whether comments
are open), and the items of the article's comment feed. blog never imports comments.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from blog.article_page import ArticlePageExtension
from blog.models import Article
from comments import conf, discussion, editing, hours, paging, tree_cache
from comments.following_views import FollowForm
from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation import closing_time, comments_open_for_good
from comments.own_pending import keep_only, own_pending_ids
from comments.remember import remembered_commenter
from core import splice

SECTION_TEMPLATE = "comments/section.html"


def _reply_target(request, reply_ids: frozenset) -> int | None:
    raw = request.GET.get("replytocom", "") if request is not None else ""
    if not (raw.isascii() and raw.isdigit()):  # "²".isdigit() is true, int("²") fails.
        return None
    target = int(raw)
    return target if target in reply_ids else None


def _page_asked(request, article, own_pending: frozenset) -> tuple[int | None, str]:
    """The page and order the address asks for. A reply link (?replytocom=ID) carries no page:
    it opens the page holding the comment replied to."""
    params = request.GET if request is not None else {}
    order = paging.parse_order(params.get(paging.ORDER_PARAM))
    number = paging.parse_number(params.get(paging.PAGE_PARAM))
    raw_reply = params.get("replytocom", "")
    if number is None and raw_reply.isascii() and raw_reply.isdigit():
        target = Comment.objects.filter(
            pk=int(raw_reply), article=article, status=Comment.Status.APPROVED
        ).first()
        if target is not None:
            number = paging.page_number_of(target, order=order, own_pending=own_pending)
    return number, order


def current_page(request, article: Article) -> paging.CommentPage:
    """The comment page this request shows, computed once (the head and the section use it)."""
    memo = getattr(request, "comment_pages", None)
    if memo is None:
        memo = {}
        if request is not None:
            request.comment_pages = memo
    if article.pk not in memo:
        own_pending = own_pending_ids(request, article.pk)
        editable = editing.editable_ids(request, article.pk)
        number, order = _page_asked(request, article, own_pending)
        memo[article.pk] = paging.comment_page(
            article, number=number, order=order, own_pending=own_pending, editable=editable
        )
    return memo[article.pk]


def canonical_query(request, article: Article) -> str:
    """ "?pagina=N" on a comment page other than the default one, else "" (see comments.paging)."""
    return current_page(request, article).canonical_query


def is_personal(request, article: Article, extra_context: Mapping[str, Any]) -> bool:
    """The visitor's own pending comments show on the page, or a comment they may still edit,
    or the form is prefilled for them."""
    if request is None:
        return False
    if own_pending_ids(request, article.pk) or editing.editable_ids(request, article.pk):
        return True
    return extra_context.get("comment_form") is None and bool(remembered_commenter(request))


def section_context(context, article: Article) -> dict:
    """What comments/section.html shows: one page of threads, and the forms (the comment form
    bound after a refusal)."""
    request = context.get("request")
    own_pending = own_pending_ids(request, article.pk)
    page = current_page(request, article)
    tree = page.tree
    if own_pending:
        # The page shows only its own threads: ask which of the visitor's comments still wait.
        still_pending = frozenset(
            Comment.objects.filter(pk__in=own_pending, status=Comment.Status.PENDING).values_list(
                "pk", flat=True
            )
        )
        if still_pending != own_pending:
            keep_only(request, article.pk, still_pending)

    form = context.get("comment_form")
    if form is None:
        initial = {}
        reply_to = _reply_target(request, tree.reply_ids)
        if reply_to:
            initial["parent"] = reply_to
        if request is not None:
            remembered = remembered_commenter(request)
            if remembered:
                initial.update(remembered, remember=True)
        form = CommentForm(article=article, initial=initial, user=getattr(request, "user", None))
    else:
        reply_to = form.data.get("parent") or None
    rules = discussion.current()
    reopening = hours.reopens_at(article, rules=rules)
    return {
        "comments_open": comments_open_for_good(article, rules=rules),
        "reopens_at": reopening,
        "hours_message": hours.closed_message(reopening) if reopening else "",
        "article": article,
        "tree": tree,
        # The threads join the page after its templates, as bytes: not copied by each of them.
        "tree_html": splice.fragment(tree.pieces),
        "page": page,
        "form": form,
        "follow_form": FollowForm(article=article),
        "reply_to": reply_to,
        "request": request,
    }


def section(context, article: Article) -> str:
    """The section rendered as an inclusion tag would: in a new context keeping the CSRF token."""
    values = section_context(context, article)
    new_context = context.new(values)
    csrf_token = context.get("csrf_token")
    if csrf_token is not None:
        new_context["csrf_token"] = csrf_token
    return context.template.engine.get_template(SECTION_TEMPLATE).render(new_context)


def etag_parts(article: Article) -> tuple:
    rules = discussion.current()
    reopening = hours.reopens_at(article, rules=rules)
    return (
        tree_cache.article_version(article.pk),
        discussion.max_depth(),
        comments_open_for_good(article, rules=rules),
        reopening.timestamp() if reopening else None,
    )


def last_changed(article: Article) -> float | None:
    """The discussion's last change, or the last time its hours opened or closed it."""
    changed = tree_cache.last_changed(article.pk)
    boundary = hours.hours_for(article).last_change(timezone.now())
    if boundary is None:
        return changed
    return max(changed or 0, boundary.timestamp())


def cache_versions(article: Article) -> tuple[str, ...]:
    """What retires the article page kept whole: its comments, and the discussion rules."""
    return (tree_cache.version_name(article.pk), conf.DISCUSSION_VERSION)


def fresh_until(article: Article) -> float | None:
    """When the article's comments close by age, or open or close by the hours (the page
    changes then with no save)."""
    rules = discussion.current()
    if not comments_open_for_good(article, rules=rules):
        return None
    moments = [closing_time(article, rules=rules)]
    moments.append(hours.hours_for(article, rules=rules).next_change(timezone.now()))
    moments = [moment.timestamp() for moment in moments if moment is not None]
    return min(moments, default=None)


def feed_items(article: Article, limit: int) -> list[Comment]:
    """The newest approved comments; RENDER_FIELDS leaves the email column out: never read."""
    comments = list(
        Comment.objects.public()
        .filter(article=article)
        .only(*Comment.RENDER_FIELDS)
        .order_by("-created", "-pk")[:limit]
    )
    picked = gettext("Editors' pick")
    for comment in comments:
        comment.article = article  # for get_absolute_url(), without a query per comment
        if comment.picked_at is not None:
            comment.feed_mark = picked  # the feed's title and category say so
    return comments


EXTENSION = ArticlePageExtension(
    name="comments",
    section=section,
    is_personal=is_personal,
    etag_parts=etag_parts,
    last_changed=last_changed,
    feed_items=feed_items,
    canonical_query=canonical_query,
    page_params=(paging.PAGE_PARAM, paging.ORDER_PARAM),
    cache_versions=cache_versions,
    fresh_until=fresh_until,
)
