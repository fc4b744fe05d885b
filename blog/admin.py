from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import InlineStyle, Media, Stylesheet

from blog import admin_panels
from blog.models import Article, Author, Category, Promo, Tag
from blog.notifications import review_notice_recipients
from blog.permissions import can_edit_article, can_publish, owns
from blog.revision_admin import RevisionAdminMixin
from blog.services import (
    article_change_status,
    article_publish,
    article_submit_for_review,
    article_unpublish,
)
from core.admin_lists import QuickSelectionMixin
from media import editor as media_editor
from media.forms import validate_no_remote_images

PROSE_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "CodeBlock": True,
    "Heading": {"levels": [2, 3, 4]},
    "Paragraph": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Image": True,
    "Figure": True,
    "Caption": True,
    "History": True,
    "Menu": True,
}


class ArticleBodyWidget(AdminProseEditorWidget):
    """The prose editor, under the Content-Security-Policy.

    tiptap, inside the editor, injects its base stylesheet as a <style> without a nonce, which
    the policy refuses. It reuses a <style data-tiptap-style> already on the page instead: this
    one is empty and gets the request's nonce like every other media tag of the admin, and the
    same rules come from a static file.
    """

    @property
    def media(self):
        return super().media + Media(
            css={
                "all": [
                    Stylesheet("blog/admin/editor-base.css"),
                    Stylesheet("media/editor/chooser.css"),
                    InlineStyle("", **{"data-tiptap-style": ""}),
                ]
            }
        )


def body_formfield(db_field, *, with_media: bool = True, **kwargs) -> ProseEditorFormField:
    """The rich-text editor for a body (articles, pages, a newsletter's intro).

    It offers what the sanitizer keeps, and the model sanitizes on every save; `with_media`
    adds the library's image, gallery and embed buttons. Every body refuses images from other
    sites (media.forms.validate_no_remote_images), the form coming back as typed.
    """
    extensions = PROSE_EDITOR_EXTENSIONS | (media_editor.extensions() if with_media else {})
    return ProseEditorFormField(
        label=db_field.verbose_name,
        required=False,
        # Built by hand, so the admin flavour must be asked for (its CSS fits the admin).
        widget=ArticleBodyWidget,
        config={"extensions": extensions},
        validators=[validate_no_remote_images, *kwargs.pop("validators", [])],
        **kwargs,
    )


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "slug", "user"]
    search_fields = ["display_name", "slug", "bio"]
    prepopulated_fields = {"slug": ["display_name"]}
    autocomplete_fields = ["user"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Promo)
class PromoAdmin(admin.ModelAdmin):
    list_display = ["text", "cta_label", "enabled", "active_from", "active_until", "order"]
    list_editable = ["enabled", "order"]
    list_filter = ["enabled"]


class ArticleAdminForm(forms.ModelForm):
    review_note = forms.CharField(
        label=_("Note to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "When you send an article in review back to draft, the author reads this note."
        ),
    )

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin fieldsets choose the fields


@admin.register(Article)
class ArticleAdmin(QuickSelectionMixin, RevisionAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status_label", "publish_at", "author", "category", "links"]
    list_filter = ["status", "publish_at", "author", "category"]
    list_select_related = ["author", "category"]
    search_fields = ["title", "lead", "body", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "category", "tags"]
    actions = ["publish", "unpublish"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("Publication"), {"fields": ["status", "publish_at", "author", "category", "tags"]}),
        (_("Review"), {"fields": ["review_note", "review_history"]}),
        (_("Cover image"), {"fields": ["cover", "cover_alt", "cover_caption"]}),
        (_("Discussion"), {"fields": ["comments_enabled"]}),
        (
            _("Search engines"),
            {"fields": ["seo_title", "seo_description"], "classes": ["collapse"]},
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            return body_formfield(db_field)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Who sees and changes what: editors everything, authors their own drafts.

    def get_queryset(self, request):
        # `is_live` is the one visibility rule, as a column (not a subquery per row).
        queryset = super().get_queryset(request).with_is_live()
        if can_publish(request.user):
            return queryset
        return queryset.filter(author__user=request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return can_publish(request.user) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        if can_publish(request.user):
            return ["review_history"]
        return ["status", "author", "review_history"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_publish(request.user) and obj is not None:
            return fieldsets
        # Only an editor sending an existing article back writes a note.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "review_note"]})
            for name, opts in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        # The status never changes here: after_save() hands it to the publishing services once
        # the tags are saved (and before the version is kept).
        wanted = obj.status
        if change:
            obj.status = Article.objects.values_list("status", flat=True).get(pk=obj.pk)
        else:
            obj.status = Article.Status.DRAFT
        if not can_publish(request.user):
            wanted = obj.status
            if not change:
                obj.author = request.user.author
        request._article_status_wanted = wanted
        super().save_model(request, obj, form, change)

    def after_save(self, request, form):
        # Tags are saved; the status changes through the services before the version is kept.
        article = form.instance
        note = form.cleaned_data.get("review_note", "")
        if "_submit_review" in request.POST:
            if article_submit_for_review(article=article, user=request.user):
                self._say_who_was_told(request)
            return
        wanted = getattr(request, "_article_status_wanted", article.status)
        article_change_status(article=article, status=wanted, user=request.user, note=note)

    def _say_who_was_told(self, request):
        if review_notice_recipients():
            message = _("Submitted for review: the editors have been told.")
            self.message_user(request, message, messages.SUCCESS)
            return
        message = _(
            "Submitted for review, but no editor has an email address, so nobody was told: "
            "an administrator can add one to an Editors account."
        )
        self.message_user(request, message, messages.WARNING)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_submit_review"] = (
            obj is not None
            and obj.status == Article.Status.DRAFT
            and not can_publish(request.user)
            and owns(request.user, obj)
        ) or (add and not can_publish(request.user))
        if obj is not None and obj.status == Article.Status.PUBLISHED and can_publish(request.user):
            correction_url = reverse("admin:blog_correction_add")
            context["add_correction_url"] = f"{correction_url}?article={obj.pk}"
        if obj is not None:
            context["article_panels"] = admin_panels.article_panels(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("review history"))
    def review_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        transitions = list(obj.transitions.select_related("user")[:20])
        if not transitions:
            return _("No status change yet.")
        items = [
            format_html(
                "<li>{when}: {from_} → {to} ({who}){note}</li>",
                when=date_format(timezone.localtime(t.created), "DATETIME_FORMAT"),
                from_=t.from_label,
                to=t.to_label,
                who=t.user or "—",
                note=format_html('<br><span class="review-note">{}</span>', t.note)
                if t.note
                else "",
            )
            for t in transitions
        ]
        return format_html(
            '<ul class="review-log">{}</ul>', format_html_join("", "{}", ((i,) for i in items))
        )

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        return can_publish(request.user) or hasattr(request.user, "author")

    # List columns.

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.status == Article.Status.PUBLISHED and not obj.is_live:
            return _("Scheduled")
        return obj.get_status_display()

    @admin.display(description=_("links"))
    def links(self, obj):
        if obj.is_live:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View on site"))
        return format_html('<a href="{}">{}</a>', obj.get_preview_url(), _("Preview"))

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else obj.get_preview_url()

    # Bulk actions.

    @admin.action(description=_("Publish the selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        # One by one through the service: dates follow WordPress, save signals fire.
        count = sum(article_publish(article=article, user=request.user) for article in queryset)
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected articles"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = sum(article_unpublish(article=article, user=request.user) for article in queryset)
        self.message_user(
            request,
            ngettext("%(count)d article unpublished.", "%(count)d articles unpublished.", count)
            % {"count": count},
            messages.SUCCESS,
        )


# Corrections are registered from their own module (the pages app registers pages and menus).
from blog import admin_desk  # noqa: E402, F401
