"""The moderation workflow in the Django admin: the comment queue and the discussion settings.

Every change of status goes through comments.services, one comment at a time, so moderated_by
and moderated_at are recorded and the article page caches follow (signals).
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Lower
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from blog.models import visible_condition
from comments import admin_search, flags
from comments.admin_filters import ArticleAutocompleteFilter
from comments.desk_admin import CommenterFilter, CommenterRecordMixin, SuspendActionMixin
from comments.desk_queue import DeskQueueMixin
from comments.models import (
    Comment,
    CommenterAddress,
    CommentFlag,
    CommentRevision,
    DiscussionSettings,
)
from comments.picks_admin import PickActionsMixin
from comments.privacy_admin import PersonalDataActionsMixin
from comments.section_admin import DiscussionSettingsForm, SectionFilter
from comments.selectors import pending_comment_count
from comments.services import (
    DeleteOutcome,
    comment_delete,
    comment_set_status,
    comments_set_status,
)
from core.admin_lists import QuickSelectionMixin
from core.paginators import CappedCountPaginator

EMPTY = "—"
EARLIER_SHOWN = 3  # earlier versions per row in the queue
MODERATION_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def confirmed_address_annotation():
    """True when the comment comes from an account or a confirmed address, in the list query."""
    confirmed = CommenterAddress.objects.filter(
        email=Lower(OuterRef("author_email")), confirmed_at__isnull=False
    )
    return ExpressionWrapper(Q(user__isnull=False) | Exists(confirmed), output_field=BooleanField())


def split_for_delete(comments) -> tuple[list[Comment], list[Comment]]:
    """Which of `comments` a delete removes, and which it keeps as placeholders.

    Deleting goes deepest first, so a selected reply is gone before its parent is reached: a
    comment is deleted when every reply below it is selected too. No queries: the tree fields
    of the selection say it all.
    """
    selected_lfts = defaultdict(list)
    for comment in comments:
        selected_lfts[comment.tree_id].append(comment.lft)
    for lfts in selected_lfts.values():
        lfts.sort()
    deleted, kept = [], []
    for comment in comments:
        lfts = selected_lfts[comment.tree_id]
        selected_below = bisect_left(lfts, comment.rght) - bisect_right(lfts, comment.lft)
        (deleted if selected_below == comment.get_descendant_count() else kept).append(comment)
    return deleted, kept


class ReportedFilter(admin.SimpleListFilter):
    title = _("reports from readers")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", _("Open reports")), ("any", _("Ever reported"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_flags__gt=0)
        if self.value() == "any":
            return queryset.filter(Exists(CommentFlag.objects.filter(comment=OuterRef("pk"))))
        return queryset


class ReadOnlyInline(admin.TabularInline):
    """A record kept for moderators to read: nothing added, changed or deleted here.

    It is part of the comment, so whoever may see the comment reads it: the record's own model
    permissions (which no group is given, and which no admin page of its own would use) are
    not asked for.
    """

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_view_permission(self, request, obj=None):
        opts = self.parent_model._meta
        return any(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("view", "change")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentFlagInline(ReadOnlyInline):
    """Readers' reports with their reasons; approving the comment dismisses the open ones,
    rejecting it or marking it as spam acts on them."""

    model = CommentFlag
    fields = ["created", "reason", "text", "state", "resolved_at"]


class CommentRevisionInline(ReadOnlyInline):
    """What an edit replaced: read-only, newest first."""

    model = CommentRevision
    fields = ["replaced_at", "status", "body"]


@admin.register(Comment)
class CommentAdmin(
    CommenterRecordMixin,
    DeskQueueMixin,
    SuspendActionMixin,
    PickActionsMixin,
    QuickSelectionMixin,
    PersonalDataActionsMixin,
    admin.ModelAdmin,
):
    """The moderation queue: newest first, each comment shown in its thread."""

    inlines = [CommentFlagInline, CommentRevisionInline]

    list_display = [
        "excerpt",
        "earlier_versions",
        "author_name",
        "article_title",
        "in_reply_to",
        "depth_label",
        "status",
        "held_reason",
        "is_picked",
        "commenter_column",
        "address_confirmed",
        "open_flags",
        "report_reasons",
        "created",
        "thread_link",
    ]
    # At a million comments: an autocomplete box for the article (not every article listed),
    # no exact total of the whole table beside the filtered count, no date drill-down (DISTINCT
    # dates over every row), and a search every part of which an index serves (admin_search).
    list_filter = [
        "status",
        SectionFilter,
        "held_rule",
        ReportedFilter,
        ArticleAutocompleteFilter,
        CommenterFilter,
    ]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_select_related = ["article", "parent"]
    search_fields = admin_search.PLAIN_SEARCH_FIELDS
    ordering = ["-created", "-pk"]
    actions = [
        "approve",
        "reject",
        "mark_spam",
        "restore",
        "pick",
        "unpick",
        "suspend_commenters",
        "delete_selected",
        "export_personal_data",
        "erase_personal_data",
    ]
    # Never a <select> of every comment as parent: where a comment sits is read-only.
    readonly_fields = [
        "article_link",
        "parent_link",
        "thread_link",
        "held_reason",
        "held_rule",
        "body_html_preview",
        "edited_at",
        "user",
        "ip_address",
        "user_agent",
        "created",
        "moderated_by",
        "moderated_at",
        "picked_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "article_link",
                    "parent_link",
                    "thread_link",
                    "status",
                    "held_rule",
                    "held_reason",
                ]
            },
        ),
        (
            _("Comment"),
            {
                "fields": [
                    "author_name",
                    "author_email",
                    "author_url",
                    "body",
                    "body_html_preview",
                    "edited_at",
                    "notify_on_reply",
                ]
            },
        ),
        (_("Moderation"), {"fields": ["created", "moderated_by", "moderated_at", "picked_at"]}),
        (
            _("Where it came from"),
            {"fields": ["user", "ip_address", "user_agent"], "classes": ["collapse"]},
        ),
    ]

    @property
    def media(self):
        return super().media + ArticleAutocompleteFilter.form_media(self.admin_site)

    def get_search_fields(self, request):
        # A search by address would tell a moderator who may not see addresses whose they are.
        fields = super().get_search_fields(request)
        if self.may_see_addresses(request):
            return fields
        return [field for field in fields if field != "author_email"]

    def get_search_results(self, request, queryset, search_term):
        narrowed = admin_search.indexed_search(
            queryset, search_term, by_address=self.may_see_addresses(request)
        )
        if narrowed is None:
            return super().get_search_results(request, queryset, search_term)
        return narrowed, False

    def get_readonly_fields(self, request, obj=None):
        # The address is the commenter's identity (privacy requests, notifications): moderators
        # judge the text, they do not re-address it.
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else [*readonly, "author_email"]

    def get_queryset(self, request):
        # Where a comment can be seen on the site, computed in the list query (no N+1): its
        # deepest approved ancestor, and whether its article is live (the one visibility rule).
        approved_ancestor = Comment.objects.public().filter(
            tree_id=OuterRef("tree_id"), lft__lt=OuterRef("lft"), rght__gt=OuterRef("rght")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                approved_ancestor_id=Subquery(approved_ancestor.order_by("-lft").values("pk")[:1]),
                article_live=ExpressionWrapper(
                    visible_condition(prefix="article__"), output_field=BooleanField()
                ),
                address_confirmed=confirmed_address_annotation(),
                open_flags=flags.open_flag_count(),
            )
        )

    @admin.display(description=_("reports"), ordering="open_flags")
    def open_flags(self, comment):
        """Open reports from readers; their reasons are on the comment's page."""
        return comment.open_flags or ""

    def get_changelist_instance(self, request):
        # The page's reports, earlier versions and commenters' records in three queries,
        # whatever its length: only the rows shown, never the whole selection an action may
        # act on.
        changelist = super().get_changelist_instance(request)
        changelist.result_list = changelist.result_list.prefetch_related(
            Prefetch(
                "flags",
                CommentFlag.objects.filter(state=CommentFlag.State.OPEN),
                to_attr="open_flag_list",
            ),
            Prefetch("revisions", to_attr="revision_list"),
        )
        changelist.result_list = self.with_commenter_counts(changelist.result_list)
        return changelist

    @admin.display(description=_("why reported"))
    def report_reasons(self, comment):
        """The open reports' reasons and details, as readers gave them."""
        return format_html_join(
            "",
            '<div class="comment-report">{}</div>',
            (
                (
                    ": ".join(
                        filter(None, [flag.get_reason_display(), Truncator(flag.text).chars(120)])
                    ),
                )
                for flag in getattr(comment, "open_flag_list", ())
            ),
        )

    @admin.display(description=_("earlier versions"))
    def earlier_versions(self, comment):
        """What its author's edits replaced, newest first; all of it on the comment's page."""
        revisions = getattr(comment, "revision_list", ())
        shown = format_html_join(
            "",
            '<div class="comment-earlier-version">{}</div>',
            ((Truncator(revision.body).chars(80),) for revision in revisions[:EARLIER_SHOWN]),
        )
        hidden = len(revisions) - EARLIER_SHOWN
        if hidden <= 0:
            return shown
        more = ngettext("and %(count)d more", "and %(count)d more", hidden) % {"count": hidden}
        return format_html("{}<div>{}</div>", shown, more)

    @admin.display(description=_("confirmed address"), boolean=True, ordering="address_confirmed")
    def address_confirmed(self, comment):
        """Whether "approve returning commenters" may trust this commenter: a logged-in account
        or an address that followed a confirmation link. A typed email alone never is."""
        return comment.address_confirmed

    # Comments come from readers, not from the admin.

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        count = pending_comment_count()
        extra_context = {
            "title": gettext("Comments (%(count)d awaiting moderation)") % {"count": count},
            "pending_comment_count": count,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not (change and "status" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        # Other edits are saved as they are; the new status goes through the service, which
        # records who moderated and when.
        new_status = obj.status
        obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        comment_set_status(comment=obj, status=new_status, moderator=request.user)

    # List columns and read-only fields.

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, obj):
        return obj.article.title

    @admin.display(description=_("in reply to"))
    def in_reply_to(self, obj):
        if obj.parent is None:
            return EMPTY
        return Truncator(obj.parent.body).chars(60)

    @admin.display(description=_("depth"), ordering="level")
    def depth_label(self, obj):
        return obj.depth

    @admin.display(description=_("on the site"))
    def thread_link(self, obj):
        """The thread on the site: the comment itself once approved, otherwise the nearest
        approved comment above it, or the article's comments."""
        if not obj.article_live:
            return gettext("Article not published")
        if obj.status == Comment.Status.APPROVED:
            url = obj.get_absolute_url()  # the permanent address: it finds the right page
        elif obj.approved_ancestor_id is not None:
            url = reverse("comments:permalink", args=[obj.approved_ancestor_id])
        else:
            url = obj.article.get_absolute_url() + "#comments"
        return format_html('<a href="{}">{}</a>', url, _("View thread"))

    @admin.display(description=_("article"))
    def article_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.article.get_absolute_url(), obj.article.title)

    @admin.display(description=_("in reply to"))
    def parent_link(self, obj):
        if obj.parent is None:
            return EMPTY
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[obj.parent_id]),
            obj.parent,
        )

    @admin.display(description=_("as published"))
    def body_html_preview(self, obj):
        return format_html('<div class="comment-preview">{}</div>', obj.body_html)

    # Bulk moderation: one helper for the four status actions, one UPDATE through the service.

    def _bulk_set_status(self, request, queryset, status: str, done_message) -> None:
        """Set `status` on the selection and say how many comments changed.

        `done_message` is an ngettext_lazy(singular, plural, "count") message.
        """
        count = comments_set_status(comments=queryset, status=status, moderator=request.user)
        self.message_user(request, done_message % {"count": count}, messages.SUCCESS)

    @admin.action(
        permissions=["change"],
        description=_("Approve"),
        description_plural=_("Approve the selected comments"),
        location=MODERATION_LOCATIONS,
    )
    def approve(self, request, queryset):
        self._bulk_set_status(
            request,
            queryset,
            Comment.Status.APPROVED,
            ngettext_lazy("%(count)d comment approved.", "%(count)d comments approved.", "count"),
        )

    @admin.action(
        permissions=["change"],
        description=_("Reject"),
        description_plural=_("Reject the selected comments"),
        location=MODERATION_LOCATIONS,
    )
    def reject(self, request, queryset):
        self._bulk_set_status(
            request,
            queryset,
            Comment.Status.REJECTED,
            ngettext_lazy("%(count)d comment rejected.", "%(count)d comments rejected.", "count"),
        )

    @admin.action(
        permissions=["change"],
        description=_("Mark as spam"),
        description_plural=_("Mark the selected comments as spam"),
        location=MODERATION_LOCATIONS,
    )
    def mark_spam(self, request, queryset):
        self._bulk_set_status(
            request,
            queryset,
            Comment.Status.SPAM,
            ngettext_lazy(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", "count"
            ),
        )

    @admin.action(
        permissions=["change"],
        description=_("Return to pending"),
        description_plural=_("Return the selected comments to pending"),
        location=MODERATION_LOCATIONS,
    )
    def restore(self, request, queryset):
        """WordPress's "Unapprove": back to the queue, whatever the comment's status was."""
        self._bulk_set_status(
            request,
            queryset,
            Comment.Status.PENDING,
            ngettext_lazy(
                "%(count)d comment returned to pending.",
                "%(count)d comments returned to pending.",
                "count",
            ),
        )

    # Deleting never tears a hole in a thread: a comment with replies becomes a placeholder.

    @admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        """Replaces Django's action of the same name: confirm, then delete through the service,
        saying how many comments were deleted and how many were kept as placeholders."""
        comments = list(queryset)
        if request.POST.get("post"):
            self.log_deletions(request, comments)
            self.delete_queryset(request, comments)
            return None
        deleted, kept = split_for_delete(comments)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Delete comments"),
            "subtitle": None,
            "opts": self.opts,
            "deleted": deleted,
            "kept": kept,
            "comments": comments,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/comments/comment/delete_selected_confirmation.html", context
        )

    def delete_queryset(self, request, queryset):
        outcomes = [
            comment_delete(comment=comment, moderator=request.user)
            for comment in sorted(queryset, key=lambda comment: -comment.level)
        ]
        self._report_deletions(
            request,
            deleted=outcomes.count(DeleteOutcome.DELETED),
            kept=outcomes.count(DeleteOutcome.PLACEHOLDER),
        )

    def delete_model(self, request, obj):
        comment_delete(comment=obj, moderator=request.user)

    def _report_deletions(self, request, *, deleted: int, kept: int) -> None:
        if deleted:
            self.message_user(
                request,
                ngettext("%(count)d comment deleted.", "%(count)d comments deleted.", deleted)
                % {"count": deleted},
                messages.SUCCESS,
            )
        if kept:
            self.message_user(
                request,
                ngettext(
                    "%(count)d comment has replies: it was kept as a “Comment removed” "
                    "placeholder, so its replies stay on the site.",
                    "%(count)d comments have replies: they were kept as “Comment removed” "
                    "placeholders, so their replies stay on the site.",
                    kept,
                )
                % {"count": kept},
                messages.WARNING,
            )

    def get_deleted_objects(self, objs, request):
        # Only what will really go: a comment kept as a placeholder is not deleted, and its
        # replies (which RESTRICT its deletion) are no obstacle.
        deleted, _kept = split_for_delete(list(objs))
        return super().get_deleted_objects(deleted, request)

    def log_deletions(self, request, queryset):
        deleted, _kept = split_for_delete(list(queryset))
        if not deleted:
            return []
        return super().log_deletions(request, deleted)

    def response_delete(self, request, obj_display, obj_id):
        if not Comment.objects.filter(pk=obj_id).exists():
            return super().response_delete(request, obj_display, obj_id)
        self._report_deletions(request, deleted=0, kept=1)
        return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[obj_id]))


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    """WordPress's Settings > Discussion: one row, always pk 1; the list opens its form.

    Saving it takes effect on the next request: discussion.current() is forgotten on save.
    """

    form = DiscussionSettingsForm

    fieldsets = [
        (_("Before a comment appears"), {"fields": ["require_approval", "auto_approve_returning"]}),
        (_("Comment moderation"), {"fields": ["hold_link_count", "hold_list"]}),
        (_("Spam"), {"fields": ["spam_list"]}),
        (
            _("Other comment settings"),
            {"fields": ["allow_anonymous", "close_after_days", "max_depth"]},
        ),
        (_("Email notifications"), {"fields": ["notify_moderators", "notify_authors"]}),
        (
            _("Comment pages"),
            {"fields": ["page_comments", "threads_per_page", "default_page", "default_order"]},
        ),
        (_("Editing"), {"fields": ["edit_window_minutes"]}),
        (_("Reports from readers"), {"fields": ["flag_threshold"]}),
        (_("Commenters' standing"), {"fields": ["standing_low", "standing_high"]}),
        (
            _("Comment hours"),
            {
                "fields": ["closed_from", "closed_until", "closed_days"],
                "description": _(
                    "Discussions close at these hours and days and reopen by themselves; a "
                    "section may have hours of its own (Comment hours of sections)."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _singleton(self) -> DiscussionSettings:
        """The saved row, created from the Django settings defaults on first visit."""
        current = DiscussionSettings.objects.filter(pk=DiscussionSettings.SINGLETON_PK).first()
        if current is not None:
            return current
        current = DiscussionSettings.from_django_settings()
        try:
            with transaction.atomic():
                current.save(force_insert=True)
        except IntegrityError:  # Another first visit won the race.
            current = DiscussionSettings.objects.get(pk=DiscussionSettings.SINGLETON_PK)
        return current

    def _change_url(self) -> str:
        return reverse(
            "admin:comments_discussionsettings_change", args=[DiscussionSettings.SINGLETON_PK]
        )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        self._singleton()
        return HttpResponseRedirect(self._change_url())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if object_id != str(DiscussionSettings.SINGLETON_PK):
            return HttpResponseRedirect(self._change_url())
        self._singleton()
        extra_context = {"show_save_and_continue": False, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        self.message_user(request, gettext("Settings saved."), messages.SUCCESS)
        return HttpResponseRedirect(self._change_url())
