from django import template

from comments import editing, own, pages
from comments.following_views import FollowForm
from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation import comments_open
from comments.remember import remembered_commenter

register = template.Library()


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
    order = pages.parse_order(params.get(pages.ORDER_PARAM))
    number = pages.parse_number(params.get(pages.PAGE_PARAM))
    raw_reply = params.get("replytocom", "")
    if number is None and raw_reply.isascii() and raw_reply.isdigit():
        target = Comment.objects.filter(
            pk=int(raw_reply), article=article, status=Comment.Status.APPROVED
        ).first()
        if target is not None:
            number = pages.page_number_of(target, order=order, own_pending=own_pending)
    return number, order


def current_page(request, article) -> pages.CommentPage:
    """The comment page this request shows, computed once (the head and the section use it)."""
    memo = getattr(request, "comment_pages", None)
    if memo is None:
        memo = {}
        if request is not None:
            request.comment_pages = memo
    if article.pk not in memo:
        own_pending = own.own_pending_ids(request, article.pk)
        editable = editing.editable_ids(request, article.pk)
        if editable:
            request.personalised = True
        number, order = _page_asked(request, article, own_pending)
        memo[article.pk] = pages.comment_page(
            article, number=number, order=order, own_pending=own_pending, editable=editable
        )
    return memo[article.pk]


@register.simple_tag(takes_context=True)
def comments_canonical_query(context, article) -> str:
    """ "?pagina=N" for a comment page other than the default one, else "" (see pages)."""
    return current_page(context.get("request"), article).canonical_query


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context, article):
    request = context.get("request")
    own_pending = own.own_pending_ids(request, article.pk)
    page = current_page(request, article)
    tree = page.tree
    if own_pending:
        request.personalised = True
        # The page shows only its own threads: ask which of the visitor's comments still wait.
        still_pending = frozenset(
            Comment.objects.filter(pk__in=own_pending, status=Comment.Status.PENDING).values_list(
                "pk", flat=True
            )
        )
        if still_pending != own_pending:
            own.keep_only(request, article.pk, still_pending)

    form = context.get("comment_form")
    reply_to = None
    if form is None:
        initial = {}
        reply_to = _reply_target(request, tree.reply_ids)
        if reply_to:
            initial["parent"] = reply_to
        if request is not None:
            remembered = remembered_commenter(request)
            if remembered:
                initial.update(remembered, remember=True)
                request.personalised = True
        form = CommentForm(article=article, initial=initial, user=getattr(request, "user", None))
    else:
        reply_to = form.data.get("parent") or None
    return {
        "comments_open": comments_open(article),
        "article": article,
        "tree": tree,
        "page": page,
        "form": form,
        "follow_form": FollowForm(article=article),
        "reply_to": reply_to,
        "request": request,
    }
