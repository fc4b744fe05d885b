"""Old WordPress addresses answered with a permanent redirect to where the content lives now.

Like django.contrib.redirects, it steps in only where the site has nothing: on a 404, so no
address of ours is ever shadowed. The one exception is WordPress's query-string permalinks on the
home page (/?p=123, the form of every WordPress shortlink), which the home page would otherwise
answer with itself; any other home page request costs nothing here.
"""

from django.http import HttpResponsePermanentRedirect

from blog.models import Article
from wordpress import paths
from wordpress.media import original_path, uploads_path
from wordpress.models import ImportedFile, OldPermalink


def old_file_target(path: str) -> str | None:
    """Where a file of the old uploads folder (or one of its sizes) lives in the library now."""
    relative = uploads_path(path)
    if not relative or not paths.storable(relative):
        return None
    candidates = list(dict.fromkeys([original_path(relative), relative]))
    imported = ImportedFile.objects.filter(path__in=candidates).select_related("image").first()
    return imported.image.file.url if imported is not None else None


def old_permalink_target(request) -> str | None:
    """The new address for an old one, or None (unknown, or an article not public)."""
    if "/uploads/" in request.path_info:
        return old_file_target(request.path_info)
    keys = paths.request_keys(request.path_info, request.GET)
    if not keys:
        return None
    found = {
        redirect.path: redirect
        for redirect in OldPermalink.objects.filter(path__in=keys).select_related(
            "category", "tag", "author", "page"
        )
    }
    for key in keys:
        redirect = found.get(key)
        if redirect is None:
            continue
        if redirect.article_id is not None:
            article = Article.objects.published().filter(pk=redirect.article_id).first()
            if article is not None:
                return article.get_absolute_url()
            continue
        if redirect.page_id is not None and not redirect.page.is_public:
            continue
        return redirect.target.get_absolute_url()
    return None


class OldPermalinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and request.path_info == "/"
            and paths.query_keys("/", request.GET)
        ):
            target = old_permalink_target(request)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = old_permalink_target(request)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        return response
