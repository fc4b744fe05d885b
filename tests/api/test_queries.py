"""Listings and details cost the same number of queries whatever they hold."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_category, make_comment, make_tag

pytestmark = pytest.mark.django_db


def queries_for(path: str) -> int:
    cache.clear()  # measured cold: the site's cached page of a discussion would hide the cost
    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_article_list_queries_do_not_grow_with_the_articles():
    tags, category = [make_tag(), make_tag()], make_category()
    make_article(tags=tags, category=category)
    few = queries_for("/api/v1/articles/")
    for _ in range(8):
        make_article(tags=tags, category=category)
    assert queries_for("/api/v1/articles/") == few


def test_discussion_queries_do_not_grow_with_the_comments():
    article = make_article()
    make_comment(article)
    path = f"/api/v1/articles/{article.pk}/comments/"
    few = queries_for(path)
    for _ in range(5):
        parent = make_comment(article)
        make_comment(article, parent=parent)
    assert queries_for(path) == few


def _figure(image) -> str:
    return f'<figure><img data-media-id="{image.pk}" src="{image.file.url}" alt="x"></figure>'


def test_article_detail_queries_do_not_grow_with_tags_corrections_or_images(one_rendition_width):
    from blog.models import Correction
    from tests.factories import make_library_image

    def grow(article, n):
        article.tags.add(*[make_tag() for _ in range(n)])
        images = [make_library_image(size=(200, 100)) for _ in range(n)]
        article.body = "".join(_figure(image) for image in images)
        article.save()
        for i in range(n):
            Correction.objects.create(article=article, text=f"Correzione {i}.")

    small, large = make_article(), make_article()
    grow(small, 1)
    grow(large, 6)
    few = queries_for(f"/api/v1/articles/{small.pk}/")
    assert queries_for(f"/api/v1/articles/{large.pk}/") == few
    assert queries_for(f"/api/v1/articles/slug/{large.slug}/") == few


@pytest.mark.parametrize("path", ["/api/v1/categories/", "/api/v1/tags/", "/api/v1/authors/"])
def test_taxonomy_queries_do_not_grow_with_their_size(path):
    from tests.factories import make_author

    def grow(n):
        for _ in range(n):
            make_article(category=make_category(), tags=[make_tag()], author=make_author())

    grow(1)
    few = queries_for(path)
    grow(8)
    assert queries_for(path) == few


def test_page_and_menu_queries_do_not_grow_with_the_site():
    from pages.models import Menu, MenuItem
    from tests.api.test_site_pages import make_page

    header = Menu.objects.create(location=Menu.Location.HEADER)

    def grow(n):
        for _ in range(n):
            page = make_page("Pagina", f"pagina-{Menu.objects.count()}-{MenuItem.objects.count()}")
            top = MenuItem.objects.create(menu=header, page=page, order=1)
            MenuItem.objects.create(menu=header, url="https://example.org/", label="X", parent=top)

    grow(1)
    first_page = MenuItem.objects.filter(page__isnull=False).first().page
    counts = [queries_for(p) for p in ("/api/v1/pages/", "/api/v1/menus/")]
    detail = queries_for(f"/api/v1/pages/{first_page.pk}/")
    grow(8)
    assert [queries_for(p) for p in ("/api/v1/pages/", "/api/v1/menus/")] == counts
    assert queries_for(f"/api/v1/pages/{first_page.pk}/") == detail


def test_a_kept_answer_costs_no_query_at_any_size():
    article = make_article()
    for _ in range(3):
        make_comment(article)
    path = f"/api/v1/articles/{article.pk}/comments/"
    client = Client(raise_request_exception=False)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    assert [q["sql"] for q in queries.captured_queries] == []
