"""Version history in the admin, shared by articles and pages: list, compare two, restore one."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blog import revisions
from blog.models import Revision
from blog.services import revision_create, revision_restore


class RevisionAdminMixin:
    """Adds "History of versions" to a ModelAdmin whose saves are kept as revisions."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/versions/",
                wrap(self.versions_view),
                name="{}_{}_versions".format(*info),
            ),
            path(
                "<path:object_id>/versions/compare/",
                wrap(self.compare_view),
                name="{}_{}_versions_compare".format(*info),
            ),
            path(
                "<path:object_id>/versions/<int:revision_id>/restore/",
                wrap(require_POST(self.restore_view)),
                name="{}_{}_versions_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.after_save(request, form)
        revision_create(obj=form.instance, user=request.user)

    def after_save(self, request, form):
        """What must happen before the version is kept (an article's status change)."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["versions_url"] = self._url("versions", obj.pk)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _url(self, name, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404(_("No such object."))
        return obj

    def _revisions(self, obj):
        content_type = ContentType.objects.get_for_model(obj)
        return Revision.objects.filter(content_type=content_type, object_id=obj.pk).select_related(
            "user"
        )

    def _context(self, request, obj, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": title,
            "subtitle": str(obj),
            "change_url": self._url("change", obj.pk),
            "versions_url": self._url("versions", obj.pk),
            "compare_url": self._url("versions_compare", obj.pk),
            "can_restore": self.has_change_permission(request, obj),
            **extra,
        }

    def versions_view(self, request, object_id):
        obj = self._object_or_404(request, object_id)
        versions = list(self._revisions(obj))
        for version in versions:
            version.restore_url = self._url("versions_restore", obj.pk, version.pk)
        context = self._context(
            request,
            obj,
            _("Versions of «%(name)s»") % {"name": obj},
            versions=versions,
        )
        return TemplateResponse(request, "admin/blog/versions.html", context)

    def compare_view(self, request, object_id):
        obj = self._object_or_404(request, object_id)
        found = self._revisions(obj)
        try:
            old = found.get(pk=int(request.GET.get("old", "")))
            new = found.get(pk=int(request.GET.get("new", "")))
        except (ValueError, Revision.DoesNotExist):
            messages.error(request, _("Choose two versions of this page to compare."))
            return HttpResponseRedirect(self._url("versions", obj.pk))
        if (old.created, old.pk) > (new.created, new.pk):
            old, new = new, old
        rows = revisions.diff(type(obj), old.data, new.data, describe=revisions.describe_value)
        context = self._context(
            request,
            obj,
            _("Changes in «%(name)s»") % {"name": obj},
            old=old,
            new=new,
            rows=rows,
            changed=[row for row in rows if row.changed],
        )
        return TemplateResponse(request, "admin/blog/versions_compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        obj = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = get_object_or_404(self._revisions(obj), pk=revision_id)
        try:
            revision_restore(revision=revision, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self._url("versions", obj.pk))
        messages.success(request, _("The version was restored; it is now the latest version."))
        return HttpResponseRedirect(self._url("change", obj.pk))
