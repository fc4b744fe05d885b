"""Admin views of the media library: the multi-file upload and the editor's chooser.

Both are reached through ImageAdmin.get_urls (admin_view: staff login, CSRF) and check the
model permissions themselves. The upload form works as a plain multi-file form; with
JavaScript (media/admin/upload.js and the editor's chooser) each file is posted alone with
Accept: application/json, to show its progress and its own result.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from media import conf, services
from media.forms import UploadForm
from media.models import Image
from media.selectors import images_search


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def image_payload(image: Image) -> dict:
    return {
        "id": image.pk,
        "title": str(image),
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "thumb": image.thumbnail_url(),
        "src": image.file.url,
        "width": image.width,
        "height": image.height,
        "edit_url": reverse("admin:media_image_change", args=[image.pk]),
    }


class UploadView(View):
    model_admin = None
    template_name = "admin/media/image/upload.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.model_admin.has_add_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(request, UploadForm())

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            if wants_json(request):
                return JsonResponse({"results": [], "errors": form.errors}, status=400)
            return self.render(request, form, status=400)
        results = [
            self.store(request, file, form.cleaned_data) for file in form.cleaned_data["files"]
        ]
        failed = [r for r in results if not r["ok"]]
        if wants_json(request):
            return JsonResponse({"results": results}, status=400 if failed else 200)
        stored = len(results) - len(failed)
        if stored:
            messages.success(
                request,
                ngettext("%(count)d image added.", "%(count)d images added.", stored)
                % {"count": stored},
            )
        if not failed:
            return redirect("admin:media_image_changelist")
        return self.render(
            request, UploadForm(initial=form.cleaned_data), results=results, status=400
        )

    @staticmethod
    def store(request, file, data) -> dict:
        try:
            image = services.image_create(
                file=file, uploaded_by=request.user, credit=data["credit"], source=data["source"]
            )
        except ValidationError as exc:
            return {"ok": False, "name": file.name, "errors": exc.messages}
        return {"ok": True, "name": file.name, **image_payload(image)}

    def render(self, request, form, *, results=(), status=200):
        opts = Image._meta
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            "title": _("Upload images"),
            "form": form,
            "results": results,
            "has_view_permission": self.model_admin.has_view_permission(request),
            "media": self.model_admin.media + form.media,
        }
        return TemplateResponse(request, self.template_name, context, status=status)


def chooser(request):
    """JSON for the editor's chooser: a page of library images, newest first, searchable."""
    if not request.user.has_perm("media.view_image"):
        raise PermissionDenied
    query = request.GET.get("q", "")[:200]
    paginator = Paginator(images_search(query), conf.get("MEDIA_CHOOSER_PAGE_SIZE"))
    page = paginator.get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "results": [image_payload(image) for image in page],
            "page": page.number,
            "has_next": page.has_next(),
            "can_upload": request.user.has_perm("media.add_image"),
            "upload_url": reverse("admin:media_upload"),
        }
    )
