"""The moderation list at a million comments: what it must never do per row or per article."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import admin_search
from comments.models import Comment
from tests.factories import make_article, make_comment
from tests.planner import filter_plan, postgresql_only

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


def changelist_queries(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return len(queries), response.text


def test_the_list_costs_the_same_queries_for_few_or_many_articles_and_comments(staff_client):
    make_comment(make_article())
    few, _ = changelist_queries(staff_client)
    for _ in range(6):
        article = make_article()
        parent = make_comment(article)
        make_comment(article, parent=parent, status="pending")

    many, _ = changelist_queries(staff_client)

    assert many == few


def test_the_article_filter_is_an_autocomplete_box_not_a_list_of_articles(staff_client):
    chosen = make_article(title="Articolo scelto")
    make_article(title="Articolo mai elencato")
    make_comment(chosen, body="Qui.")

    _, html = changelist_queries(staff_client, article__id__exact=chosen.pk)

    assert "Articolo mai elencato" not in html
    assert 'data-ajax--url="/admin/autocomplete/"' in html
    assert "Articolo scelto" in html  # the chosen one, as the box's current value
    assert "js/admin-article-filter.js" in html


def test_the_autocomplete_view_finds_articles_for_the_filter(staff_client):
    make_article(title="Vendemmia in collina")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "vendemmia", "app_label": "comments", "model_name": "comment",
         "field_name": "article"},
    )  # fmt: skip

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Vendemmia in collina"]


def test_a_bad_article_filter_value_is_not_an_error(staff_client):
    response = staff_client.get(reverse(CHANGELIST), {"article__id__exact": "abc"})

    assert response.status_code in (200, 302)


def test_no_exact_total_count_and_no_date_drilldown(staff_client):
    make_comment(make_article())

    _, html = changelist_queries(staff_client, status__exact="pending")

    assert 'class="xfull"' not in html  # no date hierarchy: DISTINCT dates over every row
    with CaptureQueriesContext(connection) as queries:
        staff_client.get(reverse(CHANGELIST), {"status__exact": "pending"})
    counts = [q["sql"] for q in queries if q["sql"].startswith('SELECT COUNT(*) AS "__count"')]
    assert counts  # the filtered count...
    assert all(" WHERE " in sql for sql in counts)  # ...never also the whole table's


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("Ginevra", "prugne"),
        ("ginevra@example.IT", "prugne"),
        ("prugne", "prugne"),
        ("203.0.113.7", "prugne"),
    ],
)
def test_search_finds_by_name_email_words_or_ip(staff_client, term, found):
    article = make_article()
    make_comment(
        article, author_name="Ginevra", author_email="ginevra@example.it",
        body="Le prugne sono mature.", ip_address="203.0.113.7",
    )  # fmt: skip
    make_comment(article, author_name="Altro", author_email="altro@example.it", body="Mele.")

    _, html = changelist_queries(staff_client, q=term)

    assert found in html
    assert "Mele." not in html


@postgresql_only
def test_every_part_of_the_search_can_use_an_index():
    make_comment(make_article(), author_name="Ginevra", ip_address="203.0.113.7")
    for term in ("Ginevra", "ginevra@example.it", "203.0.113.7"):
        plan = filter_plan(admin_search.indexed_search(Comment.objects.all(), term))
        assert "comment_name_prefix_idx" in plan
        assert "comment_body_words_idx" in plan
        assert "Seq Scan" not in plan


# Bulk moderation.


def run_bulk(client, action, comments):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse(CHANGELIST),
            {"action": action, "_selected_action": [c.pk for c in comments], "index": 0},
        )
    assert response.status_code == 302
    return len(queries)


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_bulk_moderation_costs_the_same_queries_for_2_or_12_comments(staff_client, action):
    counts = {}
    for size in (2, 12):
        articles = [make_article() for _ in range(2)]
        comments = [make_comment(articles[n % 2], status="pending") for n in range(size)]
        counts[size] = run_bulk(staff_client, action, comments)
        expected = "approved" if action == "approve" else "rejected"
        assert set(Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list(
            "status", flat=True)) == {expected}  # fmt: skip

    assert counts[2] == counts[12]


def test_bulk_approval_records_the_moderator_and_shows_on_the_article_page(
    staff_client, client, django_user_model
):
    article = make_article()
    held = make_comment(article, status="pending", body="Atteso a lungo.")
    assert "Atteso a lungo." not in client.get(article.get_absolute_url()).text

    run_bulk(staff_client, "approve", [held])

    held.refresh_from_db()
    assert held.moderated_by == django_user_model.objects.get(username="capo")
    assert held.moderated_at is not None
    assert "Atteso a lungo." in client.get(article.get_absolute_url()).text
