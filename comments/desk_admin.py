"""The moderators' desk in the comments admin: the commenter's record beside every comment.

In the queue each comment shows its commenter's standing and how many comments they wrote, one
click from the list of all of them; its page shows the whole record (comments.selectors). Both
in a fixed number of queries whatever the number of comments. Addresses appear only to
moderators allowed to see personal data; the commenter's key is a hash and never shown.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from comments.selectors import REMOVED, commenter_record

COMMENTER_PARAMETER = "commenter_of"


def commenter_list_url(comment_id: int) -> str:
    """The moderation list of every comment by the commenter who wrote `comment_id`."""
    return f"{reverse('admin:comments_comment_changelist')}?{COMMENTER_PARAMETER}={comment_id}"


class CommenterFilter(admin.SimpleListFilter):
    """All the comments of one commenter, named by one of their comments (never by address or
    hash): the record's "all their comments" link."""

    title = _("commenter")
    parameter_name = COMMENTER_PARAMETER

    def _comment_id(self) -> int | None:
        if not self.value():
            return None
        try:
            return int(self.value())
        except (TypeError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def lookups(self, request, model_admin):
        comment_id = self._comment_id()
        if comment_id is None:
            return []
        return [(str(comment_id), _("The author of comment %d") % comment_id)]

    def queryset(self, request, queryset):
        comment_id = self._comment_id()
        if comment_id is None:
            return queryset
        key = Comment.objects.filter(pk=comment_id).values_list("commenter", flat=True).first()
        if not key:
            return queryset.filter(pk=comment_id)
        return queryset.filter(commenter=key)


def _per_commenter(expression):
    """A correlated subquery over the row's commenter, served by (commenter, status)."""
    rows = (
        Comment.objects.filter(commenter=OuterRef("commenter"))
        .exclude(commenter="")
        .order_by()
        .values("commenter")
        .annotate(value=expression)
        .values("value")
    )
    return Subquery(rows, output_field=IntegerField())


def standing_annotation():
    return _per_commenter(
        Sum(
            Case(
                When(status=Comment.Status.APPROVED, then=Value(1)),
                When(status__in=REMOVED, then=Value(-1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )


class CommenterRecordMixin:
    """Mixed into CommentAdmin, before the other mixins: the record column, the record panel on
    the comment's page, and the filter by commenter."""

    change_form_template = "admin/comments/comment/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                commenter_standing=standing_annotation(),
                commenter_total=_per_commenter(Count("pk")),
            )
        )

    @admin.display(description=_("commenter's record"), ordering="commenter_standing")
    def commenter_column(self, comment):
        if not comment.commenter:
            return "—"
        standing, total = comment.commenter_standing or 0, comment.commenter_total or 0
        return format_html(
            '<a href="{}" title="{}">{}{} · {}</a>',
            commenter_list_url(comment.pk),
            gettext("Standing, and every comment by this commenter"),
            "+" if standing > 0 else "",
            standing,
            ngettext("%(count)d comment", "%(count)d comments", total) % {"count": total},
        )

    def may_see_addresses(self, request) -> bool:
        return self.has_personal_data_permission(request)

    def get_fieldsets(self, request, obj=None):
        """Without the permission to see personal data, the address is not on the page."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.may_see_addresses(request):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "author_email"]})
            for name, options in fieldsets
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self.get_object(request, object_id)
        if comment is not None:
            extra_context = {
                "commenter_record": commenter_record(
                    comment, show_address=self.may_see_addresses(request)
                ),
                "commenter_list_url": commenter_list_url(comment.pk),
                **(extra_context or {}),
            }
        return super().change_view(request, object_id, form_url, extra_context)
