"""Public views of pages; editors' page preview; the pages a search lists above its articles."""

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from pages.models import Page

PAGES_IN_SEARCH = 5


def render_page(request, page, *, preview=False, status=200, **extra_context):
    """A page in its layout; the contact app re-renders it with a bound form after a refusal."""
    context = {"page": page, "preview": preview, **extra_context}
    return render(request, page.template_names(), context, status=status)


def page_detail(request, path):
    page = get_object_or_404(Page.objects.published().select_related("parent"), path=path)
    return render_page(request, page)


@never_cache
@staff_member_required
def page_preview(request, pk):
    """Editors see a draft page as readers will; never cached, never indexed."""
    if not request.user.has_perm("pages.view_page"):
        raise Http404(_("No such page."))
    page = get_object_or_404(Page, pk=pk)
    response = render_page(request, page, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def search_pages(query: str):
    """Published pages whose title or text holds every word (a short list above the articles)."""
    words = query.split()
    if not words:
        return Page.objects.none()
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(body__icontains=word)
    return Page.objects.published().filter(condition).order_by("path")[:PAGES_IN_SEARCH]
