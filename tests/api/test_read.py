"""The read API: only what the public sees, in the site's own pages and orders."""

import datetime
import json
import re

import pytest
from django.test import Client

from blog.models import Article
from comments.services import comment_set_status
from tests.api.test_site_pages import make_page
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_comment,
    make_draft,
    make_scheduled,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def api_client() -> Client:
    return Client(raise_request_exception=False)


def get(path: str, **headers):
    return api_client().get(path, **headers)


def test_article_list_shows_published_articles_newest_first():
    older = make_article(title="Vecchio")
    make_article(title="Nuovo", publish_at=older.publish_at + datetime.timedelta(hours=1))
    response = get("/api/v1/articles/")
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == ["Nuovo", "Vecchio"]


def test_drafts_scheduled_and_in_review_never_appear_by_list_or_by_id():
    public = make_article(title="Pubblico")
    hidden = [
        make_draft(title="Bozza"),
        make_scheduled(title="Programmato"),
        make_article(title="In revisione", status=Article.Status.REVIEW),
    ]
    listed = [item["id"] for item in get("/api/v1/articles/").json()["results"]]
    assert listed == [public.pk]
    for article in hidden:
        for path in (
            f"/api/v1/articles/{article.pk}/",
            f"/api/v1/articles/slug/{article.slug}/",
            f"/api/v1/articles/{article.pk}/comments/",
        ):
            response = get(path)
            assert response.status_code == 404, path
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["status"] == 404


def test_filters_by_category_tag_and_author():
    category, tag, author = make_category(), make_tag(), make_author()
    in_category = make_article(category=category)
    tagged = make_article(tags=[tag])
    by_author = make_article(author=author)
    make_article()
    for query, expected in (
        (f"category={category.slug}", in_category),
        (f"tag={tag.slug}", tagged),
        (f"author={author.slug}", by_author),
    ):
        results = get(f"/api/v1/articles/?{query}").json()["results"]
        assert [item["id"] for item in results] == [expected.pk], query


def test_search_reuses_the_sites_search_with_snippets():
    make_article(title="Il ritorno delle rondini", body="<p>Tornano le rondini a primavera.</p>")
    make_article(title="Altro", body="<p>Niente.</p>")
    results = get("/api/v1/articles/?search=rondini").json()["results"]
    assert [item["title"] for item in results] == ["Il ritorno delle rondini"]
    assert "<mark>" in results[0]["snippet"]


def test_cursor_pagination_walks_every_article_once(settings):
    settings.API_PAGE_SIZE = 2
    articles = [make_article() for _ in range(5)]
    seen, url = [], "/api/v1/articles/"
    while url:
        body = get(url).json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(a.pk for a in articles)
    assert len(seen) == 5


def test_a_cursor_the_api_did_not_sign_names_no_page():
    response = get("/api/v1/articles/?cursor=eyJhdCI6IjIwMDAifQ")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_invalid_parameter_is_a_400_problem_naming_it():
    response = get("/api/v1/articles/?limit=molti")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "limit"


def test_detail_has_body_corrections_and_seo():
    article = make_article(seo_description="Per i motori", body="<p>Corpo <em>ricco</em>.</p>")
    from blog.models import Correction

    Correction.objects.create(article=article, text="Data sbagliata.")
    body = get(f"/api/v1/articles/{article.pk}/").json()
    assert "<em>ricco</em>" in body["body_html"]
    assert body["corrections"][0]["text"] == "Data sbagliata."
    assert body["seo"]["description"] == "Per i motori"
    assert body["seo"]["canonical_url"].endswith(article.get_absolute_url())
    assert body["comments"].endswith(f"/api/v1/articles/{article.pk}/comments/")


def test_comments_show_only_public_ones_with_badges_edits_and_placeholders():
    article = make_article()
    staff = make_user()
    root = make_comment(article)
    reply = make_comment(article, parent=root, author_name="Risponde")
    comment_set_status(comment=root, status="rejected")
    make_comment(article, status="pending", author_name="In attesa")
    make_comment(article, status="spam", author_name="Spammer")
    from comments.models import Comment

    Comment.objects.filter(pk=reply.pk).update(author_role=Comment.Role.STAFF, user=staff)
    from django.utils import timezone

    Comment.objects.filter(pk=reply.pk).update(edited_at=timezone.now())
    body = get(f"/api/v1/articles/{article.pk}/comments/").json()
    assert [c["id"] for c in body["results"]] == [root.pk, reply.pk]
    placeholder, shown = body["results"]
    assert placeholder["removed"] is True
    assert placeholder["body_html"] is None and placeholder["author"] is None
    assert placeholder["removed_label"] == "Commento rimosso"
    assert shown["author"]["badge"] == "Redazione"
    assert shown["edited"] is True and shown["edited_label"] == "modificato"
    assert body["count"] == 1
    everything = json.dumps(body)
    assert "In attesa" not in everything and "Spammer" not in everything


def test_no_answer_ever_holds_an_email_address():
    writer = make_user(email="autrice@example.com")
    author = make_author(user=writer, website="https://autore.example.org/")
    article = make_article(author=author, tags=[make_tag()], category=make_category())
    page = make_page("Chi siamo", "chi-siamo")
    for status in ("approved", "rejected", "pending"):
        parent = make_comment(article, author_url="https://lettore.example.org/")
        make_comment(article, parent=parent)
        comment_set_status(comment=parent, status=status)
    staff_reply = make_comment(article, user=writer, ip_address="203.0.113.7")
    assert staff_reply.author_email
    # Every GET the schema describes, with the ids of the fixtures: a new endpoint is walked too.
    schema = get("/api/schema/").json()
    values = {"article_id": article.pk, "slug": article.slug, "page_id": page.pk}
    values |= {"form": "newsletter"}
    paths = [
        re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)
        for path, operations in schema["paths"].items()
        if "get" in operations and "security" not in operations["get"]  # staff's own reads
    ]
    assert len(paths) >= 9
    for path in paths:
        response = get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert EMAIL.findall(text) == [], path
        assert "203.0.113.7" not in text and "user_agent" not in text


def test_taxonomies_list_only_what_published_articles_use():
    used, unused = make_tag(), make_tag()
    make_article(tags=[used])
    make_draft(tags=[unused])
    writer, silent = make_author(), make_author()
    make_article(author=writer)
    make_draft(author=silent)
    tags = [item["slug"] for item in get("/api/v1/tags/").json()]
    authors = [item["slug"] for item in get("/api/v1/authors/").json()]
    assert used.slug in tags and unused.slug not in tags
    assert writer.slug in authors and silent.slug not in authors


def test_unknown_api_address_is_a_problem_not_a_page():
    response = get("/api/v1/nulla/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_method_the_api_does_not_take_is_a_405_problem():
    response = api_client().delete("/api/v1/articles/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert "GET" in response["Allow"]


def test_problems_are_written_in_the_readers_language():
    italian = get("/api/v1/articles/999/").json()
    english = get("/api/v1/articles/999/", headers={"Accept-Language": "en"}).json()
    assert (italian["title"], english["title"]) == ("Non trovato.", "Not found.")
    reason = get("/api/v1/articles/?limit=x", headers={"Accept-Language": "en"}).json()
    assert reason["errors"][0]["reason"] == "Must be a whole number."
    assert get("/api/v1/articles/?limit=x").json()["errors"][0]["reason"] == (
        "Deve essere un numero intero."
    )


def test_a_request_refused_before_the_api_is_still_a_problem():
    # A NUL byte in the query string is refused by a middleware (config.security) for the site.
    response = get("/api/v1/articles/?search=a%00b")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("limit", ["2.0", "0", "-1", "1e1"])
def test_limit_is_a_positive_whole_number(limit):
    response = get(f"/api/v1/articles/?limit={limit}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "limit"
