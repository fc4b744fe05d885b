"""Reading aids on the article page: reading time, previous/next article, related articles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.reading import candidates_queryset, reading_aids, reading_minutes
from tests.blog.helpers import at
from tests.factories import (
    find_elements,
    make_article,
    make_comment,
    make_draft,
    make_scheduled,
    make_tag,
)

pytestmark = pytest.mark.django_db


def words(count, prefix="parola"):
    return " ".join(f"{prefix}{i}" for i in range(count))


def text_of(element) -> str:
    parts = []

    def walk(node):
        if isinstance(node, str):
            parts.append(node)
        else:
            for child in node.children:
                walk(child)

    walk(element)
    return " ".join(" ".join(parts).split())


def nav_links(html) -> dict[str, str]:
    """{"prev": href, "next": href} of the previous/next article navigation."""
    (nav,) = find_elements(html, "nav", class_="article-nav") or [None]
    if nav is None:
        return {}
    return {
        dict(a.attributes)["rel"]: dict(a.attributes)["href"]
        for a in find_elements(str(nav), "a")
        if dict(a.attributes).get("rel") in ("prev", "next")
    }


def related_links(html) -> list[str]:
    sections = find_elements(html, "section", class_="related")
    if not sections:
        return []
    return [dict(a.attributes)["href"] for a in find_elements(str(sections[0]), "a")]


# Reading time.


@pytest.mark.parametrize(
    ("lead_words", "body_words", "minutes"),
    [(0, 0, 1), (0, 10, 1), (0, 200, 1), (0, 201, 2), (100, 300, 2), (50, 951, 6)],
)
def test_reading_time_counts_lead_and_body_at_200_words_a_minute(lead_words, body_words, minutes):
    article = make_article(
        lead=words(lead_words, "sommario"), body=f"<p>{words(body_words)}</p>" if body_words else ""
    )
    assert reading_minutes(article) == minutes


def test_reading_time_counts_the_words_readers_see_not_the_markup():
    # 200 words of text, wrapped in links and images whose attributes hold many more "words".
    link = '<a href="https://example.com/a/b" title="un titolo lungo di sei parole">{}</a>'
    image = '<img src="/x.png" alt="{}">'.format(words(300, "alt"))
    body = "<p>" + " ".join(link.format(w) for w in words(200).split()) + "</p>" + image
    article = make_article(lead="", body=body)

    assert reading_minutes(article) == 1


def test_article_header_shows_the_reading_time(client):
    article = make_article(lead="", body=f"<p>{words(650)}</p>")

    html = client.get(article.get_absolute_url()).text

    (header,) = find_elements(html, "header", class_="article-header")
    (reading_time,) = find_elements(str(header), "p", class_="reading-time")
    assert text_of(reading_time).startswith("4 min")


# Previous and next article.


def test_article_links_to_the_previous_and_next_published_articles(client):
    oldest = make_article(title="Il più vecchio", publish_at=at(2024, 1, 1))
    make_draft(title="Bozza in mezzo", publish_at=at(2024, 1, 15))
    middle = make_article(title="Quello di mezzo", publish_at=at(2024, 2, 1))
    newest = make_article(title="Il più nuovo", publish_at=at(2024, 3, 1))
    make_scheduled(title="Domani")

    html = client.get(middle.get_absolute_url()).text

    assert nav_links(html) == {
        "prev": oldest.get_absolute_url(),
        "next": newest.get_absolute_url(),
    }
    (nav,) = find_elements(html, "nav", class_="article-nav")
    assert "Il più vecchio" in text_of(nav) and "Il più nuovo" in text_of(nav)
    assert "Bozza in mezzo" not in html and "Domani" not in html


def test_oldest_article_has_no_previous_and_newest_has_no_next(client):
    oldest = make_article(publish_at=at(2024, 1, 1))
    newest = make_article(publish_at=at(2024, 2, 1))

    assert nav_links(client.get(oldest.get_absolute_url()).text) == {
        "next": newest.get_absolute_url()
    }
    assert nav_links(client.get(newest.get_absolute_url()).text) == {
        "prev": oldest.get_absolute_url()
    }


def test_only_article_has_no_previous_next_navigation(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).text
    assert find_elements(html, "nav", class_="article-nav") == []


def test_articles_published_in_the_same_second_still_lead_to_each_other():
    same_time = at(2024, 1, 1)
    first = make_article(publish_at=same_time)
    second = make_article(publish_at=same_time)

    assert reading_aids(first).next == second
    assert reading_aids(second).previous == first
    assert reading_aids(first).previous is None


# Related articles.


def test_related_articles_share_most_tags_first_then_newest():
    a, b, c = make_tag(), make_tag(), make_tag()
    article = make_article(tags=[a, b, c], publish_at=at(2024, 6, 1))
    three_shared = make_article(tags=[a, b, c], publish_at=at(2023, 1, 1))
    two_shared_newer = make_article(tags=[a, b], publish_at=at(2024, 5, 1))
    two_shared_older = make_article(tags=[b, c, make_tag()], publish_at=at(2024, 4, 1))
    make_article(tags=[a], publish_at=at(2024, 7, 1))  # one shared: fourth, left out
    make_draft(tags=[a, b, c])
    make_scheduled(tags=[a, b, c])
    make_article(publish_at=at(2024, 8, 1))  # no tags

    assert reading_aids(article).related == [three_shared, two_shared_newer, two_shared_older]


def test_related_articles_are_listed_on_the_page_in_order(client):
    a, b = make_tag(), make_tag()
    article = make_article(tags=[a, b])
    most = make_article(tags=[a, b], publish_at=at(2023, 1, 1))
    fewer = make_article(tags=[b], publish_at=at(2024, 1, 1))

    html = client.get(article.get_absolute_url()).text

    assert related_links(html) == [most.get_absolute_url(), fewer.get_absolute_url()]
    assert article.get_absolute_url() not in related_links(html)


def test_article_without_tags_shows_no_related_section(client):
    make_article(tags=[make_tag()])
    article = make_article()

    html = client.get(article.get_absolute_url()).text

    assert find_elements(html, "section", class_="related") == []


# Cost.


def test_previous_next_and_related_cost_one_query():
    tags = [make_tag() for _ in range(3)]
    for day in range(1, 9):
        make_article(tags=tags[: day % 3 + 1], publish_at=at(2024, 1, day))
    article = make_article(tags=tags, publish_at=at(2024, 1, 5, hour=12))

    with CaptureQueriesContext(connection) as queries:
        aids = reading_aids(article)

    assert len(queries) == 1
    assert aids.previous and aids.next and len(aids.related) == 3


def test_article_page_query_count_does_not_grow_with_related_articles(client):
    counts = {}
    for related_count in (1, 12):
        tag = make_tag()
        article = make_article(tags=[tag])
        for _ in range(related_count):
            make_article(tags=[tag])
        make_comment(article)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url()).status_code == 200
        counts[related_count] = len(queries)
    # The page's total budget is held by tests/comments/test_tree.py.
    assert counts[1] == counts[12]


def test_article_page_reads_its_reading_aids_from_the_cache_until_the_content_changes(client):
    tag = make_tag()
    article = make_article(tags=[tag], publish_at=at(2024, 1, 5))
    make_article(tags=[tag], publish_at=at(2024, 1, 4))
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as warm:
        client.get(article.get_absolute_url())
    assert not [q for q in warm if '"shared_tags"' in q["sql"]]

    newer = make_article(tags=[tag], publish_at=at(2024, 1, 6), title="Il seguito")
    response = client.get(article.get_absolute_url())

    assert newer.get_absolute_url() in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN on PostgreSQL only")
def test_reading_aids_candidates_probe_the_primary_key_not_a_scan():
    tag = make_tag()
    article = make_article(tags=[tag], publish_at=at(2024, 1, 5))
    for day in (3, 4, 6, 7):
        make_article(tags=[tag], publish_at=at(2024, 1, day))

    with connection.cursor() as cursor:
        # A table of five rows is cheapest to scan: ask which plan the query's shape allows.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = candidates_queryset(article).explain()

    # The candidates are joined in (by semi-join or primary-key probes), not tested row by row
    # against ORed IN-subqueries over a scan of every article.
    assert "Semi Join" in plan or "blog_article_pkey" in plan
    assert "hashed SubPlan" not in plan
    assert "Seq Scan on blog_article " not in plan
