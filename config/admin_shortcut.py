"""The admin's "view on site" redirect (/admin/r/<content type>/<id>/), with the same rule as the
preview: an article the user may not see (another author's draft, a scheduled article for an
Author) is a 404, not a redirect that reveals its address."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404

from blog.models import Article
from blog.permissions import can_edit_article


@admin.site.admin_view
def view_on_site(request, content_type_id, object_id):
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    if content_type is not None and content_type.model_class() is Article:
        article = Article.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        public = article is not None and article.is_public
        if article is None or not (
            public or can_edit_article(request.user, article, for_viewing=True)
        ):
            raise Http404
    return shortcut(request, content_type_id, object_id)
