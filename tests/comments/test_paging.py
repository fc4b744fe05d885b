"""Comment pages of whole threads, sorting, and every comment's permanent address."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.paging import comment_page
from tests.factories import make_article, make_comment, post_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_threads_a_page(settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2


def discussion(article, threads: int, replies=(1,)) -> list[Comment]:
    """`threads` top-level comments; thread i has replies[i % len(replies)] replies."""
    roots = []
    for i in range(threads):
        root = make_comment(article, body=f"Radice {i}.")
        for j in range(replies[i % len(replies)]):
            make_comment(article, parent=root, body=f"Risposta {i}.{j}.")
        roots.append(root)
    return roots


def shown_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="comment-(\d+)"', html)]


def get(client, article, query="", lang="en"):
    response = client.get(article.get_absolute_url() + query, headers={"accept-language": lang})
    assert response.status_code == 200
    return response.text


def thread_ids(root) -> list[int]:
    return list(
        Comment.objects.filter(tree_id=root.tree_id).order_by("lft").values_list("pk", flat=True)
    )


# Pages.


def test_each_page_holds_whole_threads_in_order(client):
    article = make_article()
    roots = discussion(article, 5, replies=(2, 0, 1))
    first, second, third = (get(client, article, q) for q in ("", "?pagina=2", "?pagina=3"))
    assert shown_ids(first) == thread_ids(roots[0]) + thread_ids(roots[1])
    assert shown_ids(second) == thread_ids(roots[2]) + thread_ids(roots[3])
    assert shown_ids(third) == thread_ids(roots[4])
    # The heading counts the whole discussion, not the page.
    assert "10 comments on" in third


def test_pagination_is_links_that_work_without_javascript(client):
    article = make_article()
    discussion(article, 5)
    html = get(client, article, "?pagina=2")
    url = article.get_absolute_url()
    assert 'class="comment-pagination" aria-label="Comment pages"' in html
    assert f'<a rel="prev" href="{url}#comments">' in html
    assert f'<a rel="next" href="{url}?pagina=3#comments">' in html
    assert f'href="{url}?pagina=2#comments" aria-current="page"' in html
    assert "Page 2 of 3" in html


def test_one_page_of_threads_shows_no_pagination(client):
    article = make_article()
    discussion(article, 2)
    assert "comment-pagination" not in get(client, article)


def test_the_last_page_can_be_shown_first(client, settings):
    settings.COMMENTS_DEFAULT_PAGE = "last"
    article = make_article()
    roots = discussion(article, 5, replies=(0,))
    assert shown_ids(get(client, article)) == [roots[4].pk]
    assert shown_ids(get(client, article, "?pagina=1")) == [roots[0].pk, roots[1].pk]


def test_pages_after_the_first_are_canonical_to_themselves(client):
    article = make_article()
    discussion(article, 5)
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in get(client, article)
    assert f'<link rel="canonical" href="{url}?pagina=2">' in get(client, article, "?pagina=2")
    # Another order shows the same comments again: canonical to the discussion itself.
    assert f'<link rel="canonical" href="{url}">' in get(client, article, "?ordine=newest")


def test_the_sitemap_lists_the_article_once_not_its_comment_pages(client):
    article = make_article()
    discussion(article, 5)
    sitemap = client.get(reverse("sitemap-section", args=["articles"])).text
    assert sitemap.count(article.get_absolute_url()) == 1
    assert "pagina=" not in sitemap


@pytest.mark.parametrize(
    "query", ["?pagina=99", "?pagina=0", "?pagina=abc", "?pagina=²", "?ordine=x"]
)
def test_a_page_or_order_out_of_range_shows_a_real_page(client, query):
    article = make_article()
    discussion(article, 3)
    assert shown_ids(get(client, article, query))


def test_a_page_costs_the_same_queries_and_size_for_a_small_and_a_large_discussion(settings):
    settings.COMMENTS_THREADS_PER_PAGE = 3
    measures = {}
    for threads in (4, 40):
        article = make_article()
        discussion(article, threads, replies=(2,))
        with CaptureQueriesContext(connection) as queries:
            html = get(Client(), article)
        measures[threads] = (len(queries), len(shown_ids(html)))
    assert measures[4] == measures[40]


def test_threads_come_from_the_fragment_cache_on_every_page(client):
    article = make_article()
    discussion(article, 5)
    get(client, article, "?pagina=2")
    page = comment_page(article, number=2)  # from the page cache
    assert page.tree.rendered_threads == 2
    make_comment(article, body="Nuovo thread.")  # a change: the page is assembled again
    again = comment_page(article, number=2)
    assert again.tree.rendered_threads == 0  # but its threads come from the fragment cache


def test_a_reply_posted_on_page_three_returns_to_page_three(client, settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LINK_COUNT = 0
    article = make_article()
    roots = discussion(article, 6)
    data = post_form_data(article, parent=str(roots[5].pk))
    response = client.post(reverse("comments:post", args=[article.pk]), data)
    reply = Comment.objects.get(body=data["body"])
    assert response["Location"] == f"{article.get_absolute_url()}?pagina=3#comment-{reply.pk}"
    assert reply.pk in shown_ids(get(client, article, "?pagina=3"))


def test_a_held_reply_on_page_three_returns_there_and_shows_to_its_author(client):
    article = make_article()
    roots = discussion(article, 6)
    data = post_form_data(article, parent=str(roots[4].pk))
    response = client.post(reverse("comments:post", args=[article.pk]), data)
    reply = Comment.objects.get(body=data["body"])
    assert reply.status == Comment.Status.PENDING
    assert response["Location"] == f"{article.get_absolute_url()}?pagina=3#comment-{reply.pk}"
    assert "awaiting moderation" in get(client, article, "?pagina=3")


def test_a_reply_link_opens_the_page_of_the_comment_replied_to(client):
    article = make_article()
    roots = discussion(article, 6)
    html = get(client, article, f"?replytocom={roots[5].pk}")
    assert roots[5].pk in shown_ids(html)
    assert f'name="parent" value="{roots[5].pk}"' in html


# The permanent address.


def test_a_comments_permanent_address_redirects_to_its_page_and_anchor(client):
    article = make_article()
    roots = discussion(article, 5)
    reply = Comment.objects.get(parent=roots[3])
    assert reply.get_absolute_url() == f"/commento/{reply.pk}/"
    response = client.get(reply.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?pagina=2#comment-{reply.pk}"
    first = client.get(roots[0].get_absolute_url())
    assert first["Location"] == f"{article.get_absolute_url()}#comment-{roots[0].pk}"


@pytest.mark.parametrize("status", ["pending", "spam", "rejected"])
def test_a_comment_nobody_may_see_has_no_address(client, status):
    article = make_article()
    hidden = make_comment(article, status=status)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/commento/999999/").status_code == 404


def test_a_comment_on_a_draft_has_no_address(client):
    article = make_article(status="draft")
    comment = Comment(article=article, body="x", status="approved")
    comment.save()
    assert client.get(comment.get_absolute_url()).status_code == 404


# Sorting.


def test_readers_sort_threads_by_link_newest_or_most_replies(client):
    article = make_article()
    roots = discussion(article, 4, replies=(0, 3, 1, 2))
    newest = get(client, article, "?ordine=newest")
    assert [pk for pk in shown_ids(newest) if pk in {r.pk for r in roots}] == [
        roots[3].pk,
        roots[2].pk,
    ]
    most = get(client, article, "?ordine=replies")
    assert [pk for pk in shown_ids(most) if pk in {r.pk for r in roots}] == [
        roots[1].pk,
        roots[3].pk,
    ]
    second = get(client, article, "?ordine=replies&pagina=2")
    assert [pk for pk in shown_ids(second) if pk in {r.pk for r in roots}] == [
        roots[2].pk,
        roots[0].pk,
    ]


def test_replies_keep_their_order_inside_a_thread_whatever_the_sort(client):
    article = make_article()
    roots = discussion(article, 1, replies=(3,))
    assert shown_ids(get(client, article, "?ordine=newest")) == thread_ids(roots[0])


def test_the_order_links_mark_the_current_one_and_keep_no_page(client):
    article = make_article()
    discussion(article, 5)
    html = get(client, article, "?ordine=newest&pagina=2")
    url = article.get_absolute_url()
    assert 'aria-label="Order of the comments"' in html
    assert f'<a href="{url}?ordine=newest#comments" aria-current="true">Newest first</a>' in html
    assert f'<a href="{url}#comments">Oldest first</a>' in html
    assert f'href="{url}?pagina=3&amp;ordine=newest#comments"' in html


def test_the_default_order_comes_from_the_discussion_settings(client, settings):
    settings.COMMENTS_DEFAULT_ORDER = "newest"
    article = make_article()
    roots = discussion(article, 3, replies=(0,))
    assert shown_ids(get(client, article)) == [roots[2].pk, roots[1].pk]
    assert shown_ids(get(client, article, "?ordine=oldest")) == [roots[0].pk, roots[1].pk]


def test_a_warm_page_of_comments_costs_no_comment_query(client):
    article = make_article()
    discussion(article, 5)
    get(client, article, "?pagina=2&ordine=replies")
    with CaptureQueriesContext(connection) as warm:
        html = get(client, article, "?pagina=2&ordine=replies")
    assert len(shown_ids(html)) == 4
    assert not [q for q in warm.captured_queries if "comments_comment" in q["sql"]]


def test_an_article_without_comments_costs_one_comment_query(client):
    article = make_article()
    with CaptureQueriesContext(connection) as cold:
        get(client, article)
    assert len([q for q in cold.captured_queries if "comments_comment" in q["sql"]]) == 1


def test_a_page_kept_by_older_code_is_made_again_not_a_server_error(client):
    """After a deploy that adds a field to CommentPage, pages kept in the shared cache by the
    older code lack it: they are made again (it was a 500 on every article page)."""
    from django.core.cache import cache

    from comments import paging, tree_cache

    article = make_article()
    make_comment(article)
    page = paging.comment_page(article)
    key = tree_cache.page_key(
        article.pk, tree_cache.article_version(article.pk), f"{page.order}:default"
    )
    old = cache.get(key)
    assert old is not None
    del old.__dict__["picks"]  # as pickled by the code before the editors' picks
    cache.set(key, old)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert paging.comment_page(article).picks == []
