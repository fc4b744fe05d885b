import math

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override

from blog.admin import body_formfield
from core.admin_lists import QuickSelectionMixin, ReadOnlyAdminMixin
from core.paginators import CappedCountPaginator
from newsletter import export
from newsletter.models import Delivery, Issue, IssueArticle, Subscriber, normalise_email
from newsletter.rendering import UNSUBSCRIBE_PLACEHOLDER, issue_articles, render_issue
from newsletter.selectors import articles_since_last_issue, issue_progress
from newsletter.services import IssueNotReady, issue_cancel, issue_schedule, issue_send_test


class SubscriberForm(forms.ModelForm):
    def clean_email(self):
        # Normalised before the uniqueness check, so "Anna@…" is refused when "anna@…" exists.
        return normalise_email(self.cleaned_data["email"])


@admin.register(Subscriber)
class SubscriberAdmin(QuickSelectionMixin, admin.ModelAdmin):
    """Who asked for the newsletter, and whether they confirmed. Exports follow the filters."""

    form = SubscriberForm
    list_display = ["email", "status", "created", "confirmed_at", "language", "source"]
    list_filter = ["status", "created", "confirmed_at", "language"]
    search_fields = ["email"]
    date_hierarchy = "created"
    readonly_fields = ["created", "updated", "confirmed_at", "unsubscribed_at", "ip_address"]
    fields = [
        "email",
        "status",
        "language",
        "source",
        "created",
        "updated",
        "confirmed_at",
        "unsubscribed_at",
        "ip_address",
    ]
    actions = ["export_csv"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    @admin.action(permissions=["view"], description=_("Export selected subscribers as CSV"))
    def export_csv(self, request, queryset):
        return export.csv_response(queryset)

    def export_view(self, request):
        """The button above the list: every subscriber the current filters and search show."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        return export.csv_response(changelist.get_queryset(request))


# Newsletter issues -----------------------------------------------------------------------------

# The email as it will arrive, shown alone in a tab: its inline styles are allowed, nothing else
# runs (no script at all, sandboxed), images may come from anywhere an email's may.
PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "img-src": ["https:", "http:", "data:"],
    "style-src": [CSP.UNSAFE_INLINE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "sandbox": True,
}


class IssueArticleInline(admin.TabularInline):
    model = IssueArticle
    fields = ["position", "article"]
    autocomplete_fields = ["article"]
    ordering = ["position", "pk"]

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return len(_initial_articles(request)) or 1
        return 1


def _initial_articles(request) -> list:
    """A new issue starts with the articles published since the last one (computed once)."""
    if not hasattr(request, "_newsletter_initial_articles"):
        request._newsletter_initial_articles = (
            articles_since_last_issue() if request.method == "GET" else []
        )
    return request._newsletter_initial_articles


class IssueSendForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_send_at(self):
        send_at = self.cleaned_data["send_at"]
        if self.data.get("action") == "schedule":
            if send_at is None:
                raise forms.ValidationError(_("Choose when to send it."))
            if send_at <= timezone.now():
                raise forms.ValidationError(_("Choose a time in the future, or send it now."))
        return send_at


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    """Compose, preview, test, schedule or send, follow and cancel an issue (Editors)."""

    list_display = ["subject", "status", "send_at", "progress_bar", "started_at"]
    list_filter = ["status", "created"]
    search_fields = ["subject", "preheader", "slug"]
    prepopulated_fields = {"slug": ["subject"]}
    inlines = [IssueArticleInline]
    fields = ["subject", "preheader", "intro", "slug", "in_archive"]
    readonly_fields = ["status", "send_at", "started_at", "finished_at", "recipients_count", "note"]
    change_form_template = "admin/newsletter/issue/change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return [*self.fields, *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        """An issue that went out (or is going) is a record: it can be read, not rewritten."""
        if obj is not None and obj.status not in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Issue.Status.SENDING:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "intro":
            return body_formfield(db_field, with_media=False, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, IssueArticleInline) and obj.pk is None:
            kwargs["initial"] = [
                {"article": article.pk, "position": position}
                for position, article in enumerate(_initial_articles(request), start=1)
            ]
        return kwargs

    @admin.display(description=_("progress"))
    def progress_bar(self, obj):
        if obj.status in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
            return "—"
        progress = issue_progress(obj)
        return format_html(
            '<progress max="{}" value="{}">{} %</progress> {}/{}',
            progress.total or 1,
            progress.done,
            progress.percent,
            progress.sent,
            progress.total,
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview/html/",
                view(self.preview_html_view),
                name="{}_{}_preview_html".format(*info),
            ),
            path(
                "<path:object_id>/preview/text/",
                view(self.preview_text_view),
                name="{}_{}_preview_text".format(*info),
            ),
            path(
                "<path:object_id>/send/",
                view(self.send_view),
                name="{}_{}_send".format(*info),
            ),
            *super().get_urls(),
        ]

    def _issue_or_404(self, request, object_id) -> Issue:
        issue = self.get_object(request, object_id)
        if issue is None:
            raise Http404
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        return issue

    def _preview_language(self, request) -> str:
        language = request.GET.get("language", "")
        return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE

    @method_decorator(csp_override(PREVIEW_CSP))
    def preview_html_view(self, request, object_id):
        issue = self._issue_or_404(request, object_id)
        rendered = render_issue(issue, language=self._preview_language(request))
        html = rendered.html.replace(UNSUBSCRIBE_PLACEHOLDER, "#")
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    def preview_text_view(self, request, object_id):
        issue = self._issue_or_404(request, object_id)
        rendered = render_issue(issue, language=self._preview_language(request))
        label = gettext("Subject")
        text = rendered.text.replace(UNSUBSCRIBE_PLACEHOLDER, "…")
        body = f"{label}: {rendered.subject}\n\n{text}"
        return HttpResponse(body, content_type="text/plain; charset=utf-8")

    def send_view(self, request, object_id):
        issue = self._issue_or_404(request, object_id)
        can_send = request.user.has_perm(f"{self.opts.app_label}.send_issue")
        form = IssueSendForm(request.POST or None)
        if request.method == "POST":
            if not can_send:
                raise PermissionDenied
            if form.is_valid() and self._send_action(request, issue, form):
                return HttpResponseRedirect(request.path)
        progress = issue_progress(issue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Send “%(subject)s”") % {"subject": issue.subject},
            "issue": issue,
            "form": form,
            "can_send": can_send,
            "progress": progress,
            "confirmed": Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).count(),
            "article_count": len(issue_articles(issue)),
            "user_email": request.user.email,
            "refresh_seconds": _refresh_seconds(issue),
            "due": issue.status == Issue.Status.SCHEDULED and _is_due(issue),
            "languages": settings.LANGUAGES,
        }
        return TemplateResponse(request, "admin/newsletter/issue/send.html", context)

    def _send_action(self, request, issue: Issue, form: IssueSendForm) -> bool:
        action = request.POST.get("action")
        try:
            if action == "test":
                if not request.user.email:
                    raise IssueNotReady(_("Your account has no email address to send the test to."))
                issue_send_test(issue=issue, email=request.user.email)
                done = _("A test is on its way to %(email)s.") % {"email": request.user.email}
            elif action == "now":
                issue_schedule(issue=issue)
                done = _("The issue is being sent.")
            elif action == "schedule":
                issue_schedule(issue=issue, send_at=form.cleaned_data["send_at"])
                done = _("The issue is scheduled.")
            elif action == "cancel":
                issue_cancel(issue=issue)
                done = _("Sending is cancelled: what was not sent yet will not be.")
            else:
                return False
        except IssueNotReady as error:
            self.message_user(request, str(error), messages.ERROR)
            return True
        self.message_user(request, done, messages.SUCCESS)
        return True


REFRESH_WHILE_GOING_OUT = 5


def _is_due(issue: Issue) -> bool:
    return issue.send_at is None or issue.send_at <= timezone.now()


def _refresh_seconds(issue: Issue) -> int | None:
    """How soon the send page reloads itself: every few seconds while the issue waits for a
    worker or goes out, once at its time while it is scheduled for later, never otherwise."""
    if issue.status == Issue.Status.SENDING:
        return REFRESH_WHILE_GOING_OUT
    if issue.status != Issue.Status.SCHEDULED:
        return None
    if _is_due(issue):
        return REFRESH_WHILE_GOING_OUT
    waiting = (issue.send_at - timezone.now()).total_seconds()
    return math.ceil(waiting) + REFRESH_WHILE_GOING_OUT


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, QuickSelectionMixin, admin.ModelAdmin):
    """Who got an issue, who did not and why: a record, never edited by hand."""

    list_display = ["issue", "subscriber", "status", "attempts", "sent_at", "note"]
    list_filter = ["status", "issue"]
    list_select_related = ["issue", "subscriber"]
    search_fields = ["subscriber__email"]
    show_full_result_count = False
    paginator = CappedCountPaginator
