"""Long discussions in the browser: pages, sorting, editing, reporting and following, each with
JavaScript and without it."""

import re

import pytest
from django.core import mail

from comments.models import Comment, CommentFlag, DiscussionFollower
from tests.factories import make_article, make_comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BOTH = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


@pytest.fixture
def two_threads_a_page(e2e_settings):
    e2e_settings.COMMENTS_THREADS_PER_PAGE = 2
    e2e_settings.COMMENTS_FLAG_MIN_SECONDS = 0
    e2e_settings.SITE_URL = "http://testserver"
    return e2e_settings


@pytest.fixture
def reader(open_page):
    return lambda javascript: open_page(java_script_enabled=javascript)


def discussion(threads: int):
    article = make_article(title="Una lunga discussione")
    roots = []
    for i in range(threads):
        root = make_comment(article, author_name=f"Lettore {i}", body=f"Radice numero {i}.")
        make_comment(article, parent=root, body=f"Risposta alla radice {i}.")
        roots.append(root)
    return article, roots


def shown_roots(page, roots) -> list[int]:
    """The top-level comments on the page, in the order they appear."""
    ids = page.eval_on_selector_all(".comment-list > li", "items => items.map(li => li.id)")
    return [int(i.removeprefix("comment-")) for i in ids]


@BOTH
def test_pages_and_sorting_by_links(reader, two_threads_a_page, javascript):
    article, roots = discussion(5)
    page = reader(javascript)
    page.goto(article.get_absolute_url())
    assert shown_roots(page, roots) == [roots[0].pk, roots[1].pk]

    nav = page.get_by_role("navigation", name="Pagine dei commenti", exact=True)
    nav.get_by_role("link", name="Pagina successiva").click()
    page.wait_for_load_state()
    assert "pagina=2" in page.url
    assert shown_roots(page, roots) == [roots[2].pk, roots[3].pk]
    current = nav.locator("[aria-current=page]")
    assert current.inner_text().strip().endswith("2")

    page.get_by_role("navigation", name="Ordine dei commenti").get_by_role(
        "link", name="Più recenti"
    ).click()
    page.wait_for_load_state()
    assert shown_roots(page, roots) == [roots[4].pk, roots[3].pk]


@BOTH
def test_a_reply_on_a_later_page_comes_back_to_that_page(reader, two_threads_a_page, javascript):
    article, roots = discussion(5)
    page = reader(javascript)
    page.goto(article.get_absolute_url() + "?pagina=3")
    page.click(f"#comment-{roots[4].pk} > .comment-body .comment-reply-link")
    page.fill("#id_author_name", "Zeno")
    page.fill("#id_author_email", "zeno@example.it")
    page.fill("#id_body", "Rispondo dalla terza pagina.")
    page.click("#commentform button[type=submit]")
    page.wait_for_load_state()
    reply = Comment.objects.get(body="Rispondo dalla terza pagina.")
    assert page.url.endswith(f"?pagina=3#comment-{reply.pk}")
    assert page.locator(f"#comment-{roots[4].pk} .children #comment-{reply.pk}").count() == 1


@BOTH
def test_the_author_edits_their_comment(reader, two_threads_a_page, javascript):
    two_threads_a_page.COMMENTS_REQUIRE_APPROVAL = False
    article = make_article()
    page = reader(javascript)
    page.goto(article.get_absolute_url())
    page.fill("#id_author_name", "Ada")
    page.fill("#id_author_email", "ada@example.it")
    page.fill("#id_body", "Un refuso qui.")
    page.click("#commentform button[type=submit]")
    page.wait_for_load_state()
    comment = Comment.objects.get(body="Un refuso qui.")

    page.click(f"#comment-{comment.pk} .comment-edit-link")
    page.wait_for_load_state()
    page.fill("#id_body", "Nessun refuso qui.")
    page.get_by_role("button", name="Salva la modifica").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#comment-{comment.pk}")
    body = page.locator(f"#comment-{comment.pk} .comment-content").inner_text()
    assert body.strip() == "Nessun refuso qui."
    assert page.locator(f"#comment-{comment.pk} .comment-edited").inner_text() == "(modificato)"


@BOTH
def test_a_reader_reports_a_comment(reader, two_threads_a_page, javascript):
    article, roots = discussion(1)
    page = reader(javascript)
    page.goto(article.get_absolute_url())
    page.click(f"#comment-{roots[0].pk} > .comment-body .comment-flag-link")
    page.wait_for_load_state()
    page.get_by_label("Fuori tema").check()
    page.get_by_role("button", name="Invia la segnalazione").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Grazie per la segnalazione").is_visible()
    flag = CommentFlag.objects.get()
    assert (flag.comment_id, flag.reason) == (roots[0].pk, "off_topic")


@BOTH
def test_a_reader_follows_the_discussion_and_leaves_it(reader, two_threads_a_page, javascript):
    article, _ = discussion(1)
    page = reader(javascript)
    page.goto(article.get_absolute_url())
    page.fill("#id_follow-email", "segue@example.it")
    page.get_by_label("Un riepilogo al giorno").check()
    page.get_by_role("button", name="Segui", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text().startswith("Controlla la posta")

    (confirmation,) = mail.outbox
    link = re.search(r"http://testserver(\S+)", confirmation.body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_load_state()
    follower = DiscussionFollower.objects.get()
    assert follower.confirmed_at and follower.frequency == "daily"
