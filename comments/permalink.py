"""/commento/<id>/: every comment's permanent address, whatever page it is on today."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from blog.models import Article
from comments.models import Comment
from comments.own_pending import own_pending_ids
from comments.paging import comment_location


@never_cache
@require_safe
def comment_permalink(request, comment_id: int):
    """Redirect to the page and anchor showing the comment; the page changes as a discussion
    grows, so the redirect is temporary. Only what the visitor may see is found: an approved
    comment, or their own held one (moderators: any); anything else is simply not found."""
    comment = get_object_or_404(
        Comment.objects.select_related("article").filter(article__in=Article.objects.published()),
        pk=comment_id,
    )
    own_pending = own_pending_ids(request, comment.article_id)
    visible = (
        comment.status == Comment.Status.APPROVED
        or (comment.status == Comment.Status.PENDING and comment.pk in own_pending)
        or request.user.has_perm("comments.change_comment")  # from the moderation queue
    )
    if not visible:
        raise Http404(_("No such comment."))
    return HttpResponseRedirect(comment_location(comment, own_pending=own_pending))
