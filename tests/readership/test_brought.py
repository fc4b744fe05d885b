"""What each article brought besides readers: comments and newsletter sign-ups, on the
dashboard and on the article's admin page (#25: "which articles bring subscribers")."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Subscriber
from readership import selectors
from readership.fold import fold
from tests.factories import csrf_browser, csrf_post_data, find_elements, make_article, make_comment
from tests.newsletter.helpers import signup_data
from tests.readership.conftest import beacon

pytestmark = pytest.mark.django_db
DASHBOARD = "admin:readership_dailycount_changelist"
SIGNUP = "/newsletter/"


def confirmed(email: str, source: str, *, days_ago: int = 0) -> Subscriber:
    return Subscriber.objects.create(
        email=email,
        status=Subscriber.Status.CONFIRMED,
        confirmed_at=timezone.now() - timedelta(days=days_ago),
        source=source,
    )


def test_the_form_on_an_article_page_carries_the_article_and_the_subscriber_keeps_it(client):
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()
    (field,) = find_elements(page, "input", name="newsletter-article")
    assert field.attributes and dict(field.attributes)["value"] == str(article.pk)

    browser = csrf_browser()
    response = browser.post(
        reverse("newsletter:signup"),
        csrf_post_data(signup_data("lettrice@example.com", article=str(article.pk))),
    )
    assert response.status_code == 302
    assert Subscriber.objects.get().source == f"article:{article.pk}"


@pytest.mark.parametrize("value", ["", "abc", "-3", "0", "9" * 19, "1 OR 1=1", "12"])
def test_a_missing_or_forged_article_is_the_footer_never_an_error(value):
    browser = csrf_browser()
    response = browser.post(
        reverse("newsletter:signup"),
        csrf_post_data(signup_data("lettore@example.com", article=value)),
    )
    assert response.status_code == 302
    source = Subscriber.objects.get().source
    assert source == ("article:12" if value == "12" else "footer")


def test_a_page_that_is_not_an_article_carries_no_article(client):
    page = client.get("/").content.decode()
    (field,) = find_elements(page, "input", name="newsletter-article")
    assert not dict(field.attributes).get("value")


def test_dashboard_shows_comments_and_signups_per_article(admin_client, reader):
    read = make_article(title="Letto e commentato")
    other = make_article(title="Porta iscritti")
    beacon(reader, k="article", i=read.pk)
    fold()
    make_comment(read)
    make_comment(read)
    make_comment(read, status="pending")  # not published: not counted
    confirmed("a@example.com", f"article:{read.pk}")
    confirmed("b@example.com", f"article:{other.pk}")
    confirmed("c@example.com", f"article:{other.pk}")
    confirmed("d@example.com", f"article:{other.pk}", days_ago=400)  # outside the period
    confirmed("e@example.com", "footer")
    Subscriber.objects.create(email="f@example.com", source=f"article:{other.pk}")  # pending

    response = admin_client.get(reverse(DASHBOARD))
    _, today_rows = response.context["top"][0]
    (row,) = today_rows
    assert (row["article"], row["views"], row["comments"], row["signups"]) == (read, 1, 2, 1)
    assert [(r["article"], r["signups"]) for r in response.context["signups"]] == [
        (other, 2),
        (read, 1),
    ]
    html = response.content.decode()
    assert "Porta iscritti" in html and "a@example.com" not in html


def test_the_article_admin_page_shows_what_it_brought(admin_client):
    article = make_article()
    make_comment(article)
    confirmed("a@example.com", f"article:{article.pk}")
    response = admin_client.get(reverse("admin:blog_article_change", args=[article.pk]))
    html = response.content.decode()
    assert "1 comments published, 1 newsletter sign-ups" in " ".join(html.split()) or (
        "1 commenti pubblicati, 1 iscrizioni alla newsletter" in " ".join(html.split())
    )


def test_comments_and_signups_of_the_shown_articles_take_two_queries(django_assert_num_queries):
    articles = [make_article() for _ in range(8)]
    for article in articles:
        make_comment(article)
    today = timezone.localdate()
    rows = [{"article": article} for article in articles]
    with django_assert_num_queries(2):
        figures = selectors.with_comments_and_signups(rows, today, today)
    assert [row["comments"] for row in figures] == [1] * 8
