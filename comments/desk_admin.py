"""The moderators' desk in the comments admin: the commenter's record beside every comment.

In the queue each comment shows its commenter's standing and how many comments they wrote, one
click from the list of all of them; its page shows the whole record (comments.selectors). Both
in a fixed number of queries whatever the number of comments. Addresses appear only to
moderators allowed to see personal data; the commenter's key is a hash and never shown.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from comments.identity import is_account, is_actor
from comments.models import Comment, ModerationAction, Suspension
from comments.selectors import commenter_counts, commenter_record
from comments.services import commenters_suspend, suspended_pending_to_spam
from comments.suspensions import Period, label_for, suspensions_lift
from core.admin_lists import ReadOnlyAdminMixin

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
            comment_id = int(self.value())
        except (TypeError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error
        if not 0 < comment_id < 2**63:  # beyond a bigint the database itself would refuse
            raise IncorrectLookupParameters(self.value())
        return comment_id

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
        return queryset.by_commenter(key)


class CommenterRecordMixin:
    """Mixed into CommentAdmin, before the other mixins: the record column, the record panel on
    the comment's page, and the filter by commenter."""

    change_form_template = "admin/comments/comment/change_form.html"

    def with_commenter_counts(self, rows) -> list[Comment]:
        """The page's rows with their commenters' standing and number of comments: one
        grouped query for the page (each commenter once, however many of their comments it
        shows), never a subquery per row. CommentAdmin calls it on the rows it shows."""
        rows = list(rows)
        counts = commenter_counts(comment.commenter for comment in rows)
        for comment in rows:
            comment.commenter_standing, comment.commenter_total = counts.get(
                comment.commenter, (0, 0)
            )
        return rows

    # Not sortable: ordering by it would compute every commenter's standing in the table.
    @admin.display(description=_("commenter's record"))
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


class SuspendForm(forms.Form):
    period = forms.ChoiceField(label=_("For how long"), choices=Period.CHOICES, initial="7")
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For the moderators; the commenter is only told they cannot comment."),
    )
    include_network = forms.BooleanField(
        label=_("Also refuse comments from their IP network (/24 or /64)"), required=False
    )
    spam_pending = forms.BooleanField(
        label=_("Send their pending comments to spam"), required=False, initial=True
    )


class SuspendActionMixin:
    """The comment queue's "suspend the commenters" action: a form, then one service call."""

    def has_suspend_permission(self, request) -> bool:
        return request.user.has_perm("comments.change_comment") and request.user.has_perm(
            "comments.add_suspension"
        )

    @admin.action(permissions=["suspend"], description=_("Suspend the commenters"))
    def suspend_commenters(self, request, queryset):
        form = SuspendForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            made = commenters_suspend(
                comments=queryset,
                reason=data["reason"],
                ends_at=Period.end(data["period"]),
                moderator=request.user,
                include_network=data["include_network"],
                spam_pending=data["spam_pending"],
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)d commenter suspended.", "%(count)d commenters suspended.", len(made)
                )
                % {"count": len(made)},
                messages.SUCCESS,
            )
            return None
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Suspend the commenters"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "people": sorted({label_for(c) for c in queryset.select_related("user")}),
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/comments/comment/suspend.html", context)


class ActiveFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("In force")), ("no", _("Ended or lifted"))]

    def queryset(self, request, queryset):
        active = Suspension.objects.active().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    """Suspensions and bans, made from the comment queue; here they are read, shortened,
    lengthened or lifted, and their commenters' pending comments sent to spam."""

    list_display = ["label", "kind", "reason", "starts_at", "ends_at", "state", "created_by"]
    list_filter = [ActiveFilter]
    list_select_related = ["created_by"]
    search_fields = ["label", "reason"]
    fields = [
        "label",
        "comment_link",
        "ip_network",
        "reason",
        "starts_at",
        "ends_at",
        "lifted_at",
        "created_by",
    ]
    readonly_fields = [
        "label",
        "comment_link",
        "ip_network",
        "starts_at",
        "lifted_at",
        "created_by",
    ]
    actions = ["lift", "spam_pending"]

    def has_add_permission(self, request):
        return False  # suspensions start from a comment in the queue

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            ModerationAction.objects.create(
                comment_id=obj.comment_id,
                commenter=obj.commenter,
                moderator=request.user,
                kind=ModerationAction.Kind.AMENDED,
                note=obj.reason[:200],
            )

    def has_delete_permission(self, request, obj=None):
        return False  # lifted, never erased: the log keeps what happened

    @admin.display(description=_("who"))
    def kind(self, suspension):
        if suspension.commenter and suspension.ip_network:
            return gettext("Commenter and network")
        if suspension.ip_network:
            return gettext("Network")
        if is_actor(suspension.commenter):
            return gettext("Fediverse account")
        return gettext("Account") if is_account(suspension.commenter) else gettext("Address")

    @admin.display(description=_("state"))
    def state(self, suspension):
        if suspension.lifted_at:
            return gettext("Lifted")
        if not suspension.is_active():
            return gettext("Ended")
        return gettext("Banned") if suspension.is_ban else gettext("Suspended")

    @admin.display(description=_("from the comment"))
    def comment_link(self, suspension):
        if suspension.comment_id is None:
            return "—"
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:comments_comment_change", args=[suspension.comment_id]),
            suspension.comment_id,
        )

    @admin.action(permissions=["change"], description=_("Lift the selected suspensions"))
    def lift(self, request, queryset):
        count = suspensions_lift(suspensions=queryset, moderator=request.user)
        self.message_user(
            request,
            ngettext("%(count)d suspension lifted.", "%(count)d suspensions lifted.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(permissions=["change"], description=_("Send their pending comments to spam"))
    def spam_pending(self, request, queryset):
        count = suspended_pending_to_spam(suspensions=list(queryset), moderator=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The moderators' log, read-only: who did what to which comment, and when."""

    list_display = ["created", "moderator", "kind", "comment_link", "note"]
    list_filter = ["kind"]
    list_select_related = ["moderator"]
    date_hierarchy = None
    ordering = ["-created", "-pk"]
    fields = ["created", "moderator", "kind", "previous_status", "comment_link", "note"]
    readonly_fields = fields

    @admin.display(description=_("comment"))
    def comment_link(self, action):
        if action.comment_id is None:
            return "—"
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:comments_comment_change", args=[action.comment_id]),
            action.comment_id,
        )
