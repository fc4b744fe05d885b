"""The edit page of a comment: works without JavaScript, refuses clearly."""

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from blog.models import Article
from comments import discussion, editing, verification
from comments.models import Comment
from comments.own_pending import add_own_pending, own_pending_ids
from comments.paging import comment_location


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        error_messages={"required": _("Write a comment before posting.")},
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a comment before posting."))
        return body


@never_cache
@require_http_methods(["GET", "POST"])
def edit_comment(request, comment_id: int):
    comment = get_object_or_404(
        Comment.objects.select_related("article", "article__author").filter(
            article__in=Article.objects.published()
        ),
        pk=comment_id,
    )
    try:
        editing.check_can_edit(request, comment)
    except editing.EditRefused as refused:
        context = {"message": refused.message, "comment": comment, "article": comment.article}
        return render(request, "comments/edit_refused.html", context, status=refused.status)

    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            comment = editing.comment_edit(
                comment=comment,
                body=form.cleaned_data["body"],
                user=request.user,
                proven_email=verification.proven_email(request),
            )
            own_pending = own_pending_ids(request, comment.article_id)
            if comment.status == Comment.Status.PENDING:
                add_own_pending(request, comment)
                own_pending |= {comment.pk}
            return HttpResponseRedirect(comment_location(comment, own_pending=own_pending))
        status = 400
    context = {
        "form": form,
        "comment": comment,
        "article": comment.article,
        "minutes": discussion.current().edit_window_minutes,
    }
    return render(request, "comments/edit.html", context, status=status)
