"""Old WordPress addresses answer with a permanent redirect to the imported content."""

import pytest
from django.test import Client

from blog.models import Article
from tests.factories import make_article, make_tag
from tests.wordpress.conftest import FIXTURES, run_import
from wordpress.models import OldPermalink, WordPressObject

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    run_import(FIXTURES / "magazine.xml")
    return {int(m.wp_id): m.article for m in WordPressObject.objects.filter(kind="post")}


def redirect_of(url: str, **extra) -> str | None:
    response = Client().get(url, **extra)
    if response.status_code == 301:
        return response["Location"]
    assert response.status_code != 302, url
    return None


def test_old_permalink_redirects_permanently_to_the_new_address(imported):
    milano = imported[106]
    assert milano.get_absolute_url() == "/2023/11/15/perche-milano/"

    # WordPress kept the slug percent-encoded: /2023/11/15/perch%C3%A9-milano/.
    assert redirect_of("/2023/11/15/perch%C3%A9-milano/") == milano.get_absolute_url()
    assert redirect_of("/2023/11/15/perch%C3%A9-milano") == milano.get_absolute_url()
    assert redirect_of("/2023/11/15/perch%C3%A9-milano/comment-page-2/") == (
        milano.get_absolute_url()
    )


def test_shortlinks_and_plain_permalinks_redirect_from_the_home_page(imported):
    assert redirect_of("/?p=106") == imported[106].get_absolute_url()
    assert redirect_of("/?p=101") == imported[101].get_absolute_url()
    # Without a known post the home page answers as always.
    assert Client().get("/?p=999999").status_code == 200
    assert Client().get("/").status_code == 200


def test_drafts_and_scheduled_articles_are_not_revealed_by_a_redirect(imported):
    assert redirect_of("/?p=102") is None  # draft: the home page, no hint of its address
    assert Client().get("/2030/09/01/festival-di-settembre/").status_code == 404
    assert Client().get("/2024/04/02/appunti-privati/").status_code == 404

    Article.objects.filter(pk=imported[104].pk).update(status=Article.Status.PUBLISHED)
    assert redirect_of("/?p=104") == imported[104].get_absolute_url()


def test_category_author_and_tag_addresses_redirect(imported):
    assert redirect_of("/category/cultura/libri/") == "/categoria/libri/"
    assert redirect_of("/category/libri/") == "/categoria/libri/"
    assert redirect_of("/category/citta/page/2/") == "/categoria/citta/"
    assert redirect_of("/?cat=4") == "/categoria/libri/"
    assert redirect_of("/author/giulia/") == "/autore/giulia/"
    assert redirect_of("/author/niccolo-f/") == "/autore/niccolo-f/"
    assert redirect_of("/tag/perch%C3%A9-leggere/") == "/tag/perche-leggere/"


def test_unknown_old_address_is_still_a_404(imported):
    assert Client().get("/2019/01/01/mai-esistito/").status_code == 404
    assert Client().get("/category/sconosciuta/").status_code == 404


def test_an_address_of_the_site_is_never_shadowed_by_an_old_one(imported):
    tag = make_tag(slug="romanzi-nuovi")
    other = make_article(slug="altro")
    OldPermalink.objects.create(path=tag.get_absolute_url(), article=other)

    response = Client().get(tag.get_absolute_url())

    assert response.status_code == 200
    assert tag.name in response.content.decode()


def test_redirects_are_stored_once_and_repointed_if_needed(imported):
    before = OldPermalink.objects.count()
    run_import(FIXTURES / "magazine.xml")
    assert OldPermalink.objects.count() == before
    assert (
        OldPermalink.objects.filter(path="/2023/11/15/perché-milano/").get().article
        == (imported[106])
    )


def test_old_addresses_are_listed_and_searchable_in_the_admin(imported, admin_client):
    response = admin_client.get("/admin/wordpress/oldpermalink/", {"q": "perché-milano"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "/2023/11/15/perché-milano/" in content
    assert "Perché Milano" in content


def test_an_address_with_a_nul_byte_is_a_plain_404(imported):
    client = Client(raise_request_exception=True)

    assert client.get("/2023/11/15/perch%00/").status_code == 404
    # No text column takes a NUL: the query string is refused before any lookup.
    assert client.get("/?p=106%00").status_code == 400
