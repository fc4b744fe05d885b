import logging

from django.db import DatabaseError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blog.article_page import render_article
from blog.models import Article
from comments import conf, editing, verification
from comments.forms import CommentForm
from comments.own_pending import add_own_pending, own_pending_ids
from comments.paging import comment_location
from comments.remember import forget_commenter, remember_commenter
from comments.services import CommentRefused, comment_post
from core import ratelimit
from core.client_address import client_ip

logger = logging.getLogger(__name__)


RATE_LIMIT = ratelimit.PerAddress("comments", conf, "COMMENTS_RATE_LIMIT", "COMMENTS_RATE_WINDOW")


@require_POST
def post_comment(request, article_id: int):
    """Post a comment: redirect to it when accepted, or the article page again with the form
    exactly as typed and the reason beside the field when not."""
    article = get_object_or_404(
        Article.objects.published().select_related("author", "category"), pk=article_id
    )
    form = CommentForm(request.POST, article=article, user=request.user)
    ip = client_ip(request)
    status = 400
    if RATE_LIMIT.reached(ip):
        form.add_error(None, _("You are posting too fast. Wait a minute, then try again."))
        status = 429
    else:
        # Every attempt counts, refused ones too: nobody gets unlimited tries at the rules.
        RATE_LIMIT.count(ip)
    if status != 429 and form.is_valid():
        data = form.cleaned_data
        try:
            comment = comment_post(
                article=article,
                parent_id=data["parent"],
                author_name=data["author_name"],
                author_email=data["author_email"],
                author_url=data["author_url"],
                body=data["body"],
                user=request.user,
                ip_address=ip,
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                notify_on_reply=data["notify_on_reply"],
                proven_email=verification.proven_email(request),
            )
        except DatabaseError:
            # Locked, read-only or refusing writes: a fault of ours, said as such, text kept.
            logger.exception("Comment on article %s not saved: database error", article.pk)
            form.add_error(
                None,
                _(
                    "Your comment could not be saved just now. Wait a moment, then post it "
                    "again: your text is kept below."
                ),
            )
            status = 503
        except CommentRefused as refused:
            form.add_error(refused.field, str(refused.message))
            status = refused.status
            if refused.field == "parent":
                # Keep the text, drop the reply target: posting again makes a new comment.
                form.data = form.data.copy()
                form.data["parent"] = ""
                form.add_error(
                    None, _("Your text is kept below: post it again to add it as a new comment.")
                )
        else:
            editing.remember_posted(request, comment)
            if comment.status == comment.Status.PENDING:
                add_own_pending(request, comment)
            # Back to the page holding the new comment (a reply on page 7 returns to page 7).
            own_pending = own_pending_ids(request, article.pk)
            if comment.status == comment.Status.PENDING:
                own_pending |= {comment.pk}  # a first comment may not have its session cookie yet
            response = HttpResponseRedirect(comment_location(comment, own_pending=own_pending))
            if data["remember"]:
                remember_commenter(request, data)
            else:
                forget_commenter(request)
            return response
    form.refresh_timestamp()
    response = render_article(request, article, comment_form=form, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response
