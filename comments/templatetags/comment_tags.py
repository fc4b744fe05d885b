from django import template

from comments import own
from comments.forms import CommentForm
from comments.moderation import comments_open
from comments.remember import remembered_commenter
from comments.tree import article_tree

register = template.Library()


def _reply_target(request, reply_ids: frozenset) -> int | None:
    raw = request.GET.get("replytocom", "") if request is not None else ""
    if not (raw.isascii() and raw.isdigit()):  # "²".isdigit() is true, int("²") fails.
        return None
    target = int(raw)
    return target if target in reply_ids else None


@register.inclusion_tag("comments/section.html", takes_context=True)
def comments_section(context, article):
    request = context.get("request")
    own_pending = own.own_pending_ids(request, article.pk)
    tree = article_tree(article, own_pending=own_pending)
    if own_pending:
        request.personalised = True
        if tree.own_pending != own_pending:
            own.keep_only(request, article.pk, tree.own_pending)

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
        "form": form,
        "reply_to": reply_to,
        "request": request,
    }
