"""Editors' picks in the comments admin: "Pick" and "Unpick", on the queue's selection and as
buttons on a comment's page, each comment through comments.services.comment_pick."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments.models import Comment
from comments.services import comment_pick

PICK_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
PICK_PERMISSION = "comments.change_comment"


def may_pick(user) -> bool:
    """Who may pick comments: whoever may moderate them."""
    return user.has_perm(PICK_PERMISSION)


class PickActionsMixin:
    """Mixed into CommentAdmin: the two pick actions and their permission."""

    def has_pick_permission(self, request) -> bool:
        return may_pick(request.user)

    @admin.action(
        permissions=["pick"],
        description=_("Pick for the editors' picks"),
        description_plural=_("Pick the selected comments for the editors' picks"),
        location=PICK_LOCATIONS,
    )
    def pick(self, request, queryset):
        approved = queryset.filter(status=Comment.Status.APPROVED, picked_at__isnull=True)
        picked = sum(
            comment_pick(comment=comment, moderator=request.user, picked=True)
            for comment in approved.select_related("article").order_by("pk")
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d comment picked for the editors' picks.",
                "%(count)d comments picked for the editors' picks.",
                picked,
            )
            % {"count": picked},
            messages.SUCCESS,
        )
        skipped = queryset.exclude(status=Comment.Status.APPROVED).count()
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d comment is not approved: only approved comments can be picked.",
                    "%(count)d comments are not approved: only approved comments can be picked.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(
        permissions=["pick"],
        description=_("Remove from the editors' picks"),
        description_plural=_("Remove the selected comments from the editors' picks"),
        location=PICK_LOCATIONS,
    )
    def unpick(self, request, queryset):
        unpicked = sum(
            comment_pick(comment=comment, moderator=request.user, picked=False)
            for comment in queryset.filter(picked_at__isnull=False).order_by("pk")
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d comment removed from the editors' picks.",
                "%(count)d comments removed from the editors' picks.",
                unpicked,
            )
            % {"count": unpicked},
            messages.SUCCESS,
        )

    @admin.display(description=_("editors' pick"), boolean=True, ordering="picked_at")
    def is_picked(self, comment) -> bool:
        return comment.picked_at is not None
