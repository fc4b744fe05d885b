"""The public pages: listings, archives, the article page and its addresses, the 404 page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from tests.blog.helpers import at
from tests.factories import (
    find_elements,
    make_article,
    make_author,
    make_category,
    make_tag,
    make_upload,
)

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


def positions(text, *needles):
    return [text.index(needle) for needle in needles]


def appear_in_order(text, *needles) -> bool:
    """Each needle is found after the previous one."""
    start = 0
    for needle in needles:
        found = text.find(needle, start)
        if found == -1:
            return False
        start = found + len(needle)
    return True


# Home and pagination.


def test_home_lists_published_articles_newest_first(client):
    make_article(title="Il più vecchio", publish_at=at(2024, 1, 1))
    make_article(title="Il più nuovo", publish_at=at(2024, 3, 1))
    make_article(title="Quello di mezzo", publish_at=at(2024, 2, 1))

    response = client.get(reverse("blog:home"))

    assert response.status_code == 200
    newest, middle, oldest = positions(
        response.text, "Il più nuovo", "Quello di mezzo", "Il più vecchio"
    )
    assert newest < middle < oldest


def test_home_is_paginated_by_the_setting(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 2
    for n, month in enumerate((1, 2, 3), start=1):
        make_article(title=f"Numero {n}", publish_at=at(2024, month, 1))

    first = client.get(reverse("blog:home"))
    second = client.get(reverse("blog:home"), {"page": 2})

    assert first.status_code == second.status_code == 200
    assert "Numero 3" in first.text and "Numero 2" in first.text
    assert "Numero 1" not in first.text
    assert "Numero 1" in second.text
    assert "Numero 3" not in second.text and "Numero 2" not in second.text
    assert first.context["page_obj"].paginator.num_pages == 2


def test_page_beyond_the_last_is_404(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 2
    make_article()
    assert client.get(reverse("blog:home"), {"page": 2}).status_code == 404
    assert client.get(reverse("blog:home"), {"page": "abc"}).status_code == 404


def test_home_with_no_articles_is_still_a_page(client):
    assert client.get(reverse("blog:home")).status_code == 200


# The article's addresses.


def test_article_lives_at_year_month_day_slug(client):
    article = make_article(slug="un-titolo", publish_at=at(2024, 3, 7))
    assert article.get_absolute_url() == "/2024/03/07/un-titolo/"
    response = client.get("/2024/03/07/un-titolo/")
    assert response.status_code == 200
    assert response.context["article"] == article


def test_article_date_is_the_local_date(client):
    # 23:30 UTC on 31 March is already 1 April in Rome.
    article = make_article(
        slug="a-mezzanotte", publish_at=datetime.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.UTC)
    )
    assert article.get_absolute_url() == "/2024/04/01/a-mezzanotte/"


def test_short_permalink_redirects_permanently_to_the_canonical_url(client):
    make_article(slug="breve", publish_at=at(2024, 3, 7))
    response = client.get("/2024/03/breve/")
    assert response.status_code == 301
    assert response["Location"] == "/2024/03/07/breve/"


@pytest.mark.parametrize(
    "wrong", ["/2023/03/07/spostato/", "/2024/04/07/spostato/", "/2024/03/08/spostato/"]
)
def test_wrong_date_redirects_permanently_to_the_canonical_url(client, wrong):
    make_article(slug="spostato", publish_at=at(2024, 3, 7))
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == "/2024/03/07/spostato/"


def test_unknown_slug_is_404(client):
    make_article(slug="esiste", publish_at=at(2024, 3, 7))
    assert client.get("/2024/03/07/non-esiste/").status_code == 404
    assert client.get("/2024/03/non-esiste/").status_code == 404


# Category, tag and author pages.


def test_category_page_lists_only_its_articles(client):
    culture, sport = make_category(name="Cultura"), make_category(name="Sport")
    make_article(title="Una mostra", category=culture)
    make_article(title="Una partita", category=sport)

    response = client.get(culture.get_absolute_url())

    assert response.status_code == 200
    assert "Cultura" in response.text
    assert "Una mostra" in response.text
    assert "Una partita" not in response.text


def test_tag_page_lists_only_its_articles(client):
    jazz, rock = make_tag(name="Jazz"), make_tag(name="Rock")
    make_article(title="Miles Davis", tags=[jazz])
    make_article(title="I Led Zeppelin", tags=[rock])

    response = client.get(jazz.get_absolute_url())

    assert response.status_code == 200
    assert "Miles Davis" in response.text
    assert "I Led Zeppelin" not in response.text


def test_author_page_shows_bio_and_only_their_articles(client):
    author = make_author(display_name="Giulia Neri", bio="Scrive di cinema da vent'anni.")
    make_article(title="Recensione di Giulia", author=author)
    make_article(title="Recensione di altri")

    response = client.get(author.get_absolute_url())

    assert response.status_code == 200
    assert "Giulia Neri" in response.text
    assert "Scrive di cinema da vent&#x27;anni." in response.text
    assert "Recensione di Giulia" in response.text
    assert "Recensione di altri" not in response.text


@pytest.mark.parametrize("prefix", ["categoria", "tag", "autore"])
def test_unknown_category_tag_or_author_is_404(client, prefix):
    assert client.get(f"/{prefix}/non-esiste/").status_code == 404


def test_category_page_is_paginated(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 1
    category = make_category()
    make_article(title="Primo", category=category, publish_at=at(2024, 1, 1))
    make_article(title="Secondo", category=category, publish_at=at(2024, 2, 1))
    response = client.get(category.get_absolute_url(), {"page": 2})
    assert response.status_code == 200
    assert "Primo" in response.text
    assert "Secondo" not in response.text


# Date archives.


def test_month_archive_lists_that_month_only(client):
    make_article(title="Di marzo", publish_at=at(2024, 3, 10))
    make_article(title="Di aprile", publish_at=at(2024, 4, 10))

    response = client.get(reverse("blog:archive-month", kwargs={"year": 2024, "month": 3}))

    assert response.status_code == 200
    assert "Di marzo" in response.text
    assert "Di aprile" not in response.text


def test_year_archive_lists_that_year_only(client):
    make_article(title="Del 2023", publish_at=at(2023, 12, 31))
    make_article(title="Del 2024 gennaio", publish_at=at(2024, 1, 5))
    make_article(title="Del 2024 giugno", publish_at=at(2024, 6, 5))

    response = client.get(reverse("blog:archive-year", kwargs={"year": 2024}))

    assert response.status_code == 200
    assert "Del 2024 gennaio" in response.text
    assert "Del 2024 giugno" in response.text
    assert "Del 2023" not in response.text


def test_archive_urls_are_zero_padded(client):
    assert reverse("blog:archive-month", kwargs={"year": 2024, "month": 3}) == "/2024/03/"
    assert reverse("blog:archive-year", kwargs={"year": 2024}) == "/2024/"


def test_empty_month_is_404(client):
    make_article(publish_at=at(2024, 3, 10))
    assert client.get("/2024/02/").status_code == 404


def test_empty_year_is_404(client):
    make_article(publish_at=at(2024, 3, 10))
    assert client.get("/2019/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/2024/13/",
        "/2024/00/",
        "/2024/99/",
        "/0000/",
        "/0000/01/",
        "/9999/",
        "/9999/12/",
        "/2024/ab/",
        "/2024/3/",
        "/20240/",
        "/2024/03/40/",
        "/2024/13/07/qualcosa/",
        "/categoria/",
        "/niente/affatto/qui/",
    ],
)
def test_nonsense_dates_and_addresses_are_404_not_500(client, url):
    make_article(publish_at=at(2024, 3, 10))
    assert client.get(url).status_code == 404


def test_404_page_is_the_friendly_template(client, settings):
    assert settings.DEBUG is False
    response = client.get("/questa/pagina/non/esiste/", headers=ENGLISH)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "The page you are looking for does not exist, or it has moved." in response.text
    assert 'href="/"' in response.text  # back to the home page
    assert "URLconf" not in response.text  # not Django's technical page
    assert response.templates[0].name == "404.html"


def test_hidden_article_404_uses_the_friendly_template(client):
    article = make_article(status="draft")
    response = client.get(article.get_absolute_url(), headers=ENGLISH)
    assert response.status_code == 404
    assert "Page not found" in response.text


# The article page.


def test_article_page_has_title_lead_cover_body_author_box_and_comments(client):
    author = make_author(display_name="Marco Bianchi", bio="Cronista di provincia.")
    article = make_article(
        title="Il ponte riaperto",
        lead="Dopo due anni di lavori il ponte è di nuovo percorribile.",
        body="<h2>I lavori</h2><p>Il cantiere è <strong>chiuso</strong>.</p>",
        author=author,
        cover=make_upload("ponte.jpg", size=(1200, 800)),
        cover_alt="Il ponte visto dal fiume",
        cover_caption="Il ponte all'alba",
    )

    response = client.get(article.get_absolute_url())
    html = response.text

    assert response.status_code == 200
    (title,) = find_elements(html, "h1")
    assert "Il ponte riaperto" in str(title)
    assert "Dopo due anni di lavori il ponte è di nuovo percorribile." in html
    (figure,) = [f for f in find_elements(html, "figure") if find_elements(str(f), "img")]
    (img,) = find_elements(str(figure), "img", alt="Il ponte visto dal fiume")
    assert dict(img.attributes)["src"] == article.cover.url
    (caption,) = find_elements(str(figure), "figcaption")
    assert "Il ponte all&#x27;alba" in str(caption) or "Il ponte all'alba" in str(caption)
    assert "<h2>I lavori</h2>" in html
    assert "<strong>chiuso</strong>" in html
    assert "Marco Bianchi" in html
    assert "Cronista di provincia." in html
    assert find_elements(html, "section", id="comments")
    # Reading order: title, lead, cover, body, author box, comments.
    assert appear_in_order(
        html,
        "Il ponte riaperto</h1>",
        "Dopo due anni di lavori",
        'alt="Il ponte visto dal fiume"',
        "<h2>I lavori</h2>",
        "Cronista di provincia.",
        'id="comments"',
    )


def test_article_page_without_cover_has_no_cover_figure(client):
    article = make_article(title="Senza immagine", body="<p>Solo testo.</p>")
    html = client.get(article.get_absolute_url()).text
    assert not [f for f in find_elements(html, "figure") if find_elements(str(f), "img")]
    assert "Solo testo." in html


def test_article_page_escapes_title_and_lead(client):
    article = make_article(title="<script>alert(1)</script>", lead="<b>non grassetto</b>")
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>non grassetto</b>" not in html


def test_article_page_links_to_its_category_and_tags(client):
    category = make_category(name="Cronaca")
    tag = make_tag(name="Trasporti")
    article = make_article(category=category, tags=[tag])
    html = client.get(article.get_absolute_url()).text
    assert f'href="{category.get_absolute_url()}"' in html
    assert f'href="{tag.get_absolute_url()}"' in html


def test_article_page_has_a_canonical_link(client):
    article = make_article(slug="canonico", publish_at=at(2024, 3, 7))
    html = client.get(article.get_absolute_url()).text
    (link,) = find_elements(html, "link", rel="canonical")
    assert dict(link.attributes)["href"] == "http://testserver/2024/03/07/canonico/"


# Smoke.


@pytest.fixture
def site_content():
    category = make_category()
    tag = make_tag()
    author = make_author(bio="Bio.")
    article = make_article(publish_at=at(2024, 3, 7), category=category, tags=[tag], author=author)
    return {"article": article, "category": category, "tag": tag, "author": author}


@pytest.mark.parametrize(
    "kind", ["home", "article", "category", "tag", "author", "year", "month", "home-page-1"]
)
def test_every_public_url_type_answers_200(client, site_content, kind):
    urls = {
        "home": reverse("blog:home"),
        "home-page-1": reverse("blog:home") + "?page=1",
        "article": site_content["article"].get_absolute_url(),
        "category": site_content["category"].get_absolute_url(),
        "tag": site_content["tag"].get_absolute_url(),
        "author": site_content["author"].get_absolute_url(),
        "year": reverse("blog:archive-year", kwargs={"year": 2024}),
        "month": reverse("blog:archive-month", kwargs={"year": 2024, "month": 3}),
    }
    response = client.get(urls[kind])
    assert response.status_code == 200
    assert re.search(r"<title>[^<]+</title>", response.text)


# Deep pagination.


def test_listings_stop_at_the_page_cap_and_count_no_further(client, settings):
    settings.BLOG_ARTICLES_PER_PAGE = 1
    settings.BLOG_MAX_LISTING_PAGES = 2
    tag = make_tag()
    for day in (1, 2, 3):
        make_article(tags=[tag], publish_at=timezone.now() - datetime.timedelta(days=day))
    url = tag.get_absolute_url()

    last = client.get(url, {"page": 2})

    assert last.status_code == 200
    assert last.context["paginator"].num_pages == 2
    assert client.get(url, {"page": 3}).status_code == 404
    assert client.get(url, {"page": "last"}).context["page_obj"].number == 2


def test_the_listing_count_reads_at_most_the_capped_rows(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from blog.views import CappedListingPaginator

    settings.BLOG_MAX_LISTING_PAGES = 3
    for _ in range(2):
        make_article()
    paginator = CappedListingPaginator(Article.objects.published().order_by("-pk"), 10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 2

    assert "LIMIT 30" in queries[0]["sql"]
