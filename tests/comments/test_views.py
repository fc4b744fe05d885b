"""Posting a comment through the public form, and what the article page then shows."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_post, comment_set_status
from tests.comments.helpers import input_value, post_url, textarea_text
from tests.factories import (
    find_elements,
    make_article,
    make_draft,
    make_scheduled,
    post_form_data,
)

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
AWAITING = "Your comment is awaiting moderation."


def get_page(client, article, **params):
    return client.get(article.get_absolute_url(), params, headers=ENGLISH)


def posted(article, *, parent=None, status=Comment.Status.APPROVED, **fields) -> Comment:
    """A comment written through the service and moderated to `status`."""
    fields.setdefault("author_name", "Lettore")
    fields.setdefault("author_email", "lettore@example.com")
    fields.setdefault("body", f"Commento {Comment.objects.count() + 1}.")
    comment = comment_post(article=article, parent_id=parent.pk if parent else None, **fields)
    if status != Comment.Status.PENDING:
        comment_set_status(comment=comment, status=status)
    return comment


def approve(comment, capture):
    # Readers are served the cached tree: the cache version is bumped after commit.
    with capture(execute=True):
        comment_set_status(comment=comment, status=Comment.Status.APPROVED)


def comment_item(html: str, comment) -> list:
    return find_elements(html, "li", id=f"comment-{comment.pk}")


def normalised(text: str) -> str:
    return " ".join(text.split())


# Posting and who sees what.


def test_valid_post_redirects_to_the_new_comment_anchor_and_is_held(client):
    article = make_article()

    response = client.post(post_url(article), post_form_data(article))

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING


def test_commenter_sees_own_pending_comment_with_awaiting_note(client):
    article = make_article()
    client.post(post_url(article), post_form_data(article, body="Il mio primo commento."))
    comment = Comment.objects.get()

    response = get_page(client, article)

    (item,) = comment_item(response.text, comment)
    assert "comment-pending" in dict(item.attributes)["class"].split()
    assert AWAITING in response.text
    assert "Il mio primo commento." in response.text


def test_another_reader_does_not_see_a_pending_comment(client):
    article = make_article()
    client.post(post_url(article), post_form_data(article, body="Ancora in attesa."))
    comment = Comment.objects.get()

    response = get_page(Client(), article)

    assert response.status_code == 200
    assert not comment_item(response.text, comment)
    assert "Ancora in attesa." not in response.text
    assert AWAITING not in response.text


def test_approved_comment_is_shown_to_everyone_without_awaiting_note(
    client, django_capture_on_commit_callbacks
):
    article = make_article()
    client.post(post_url(article), post_form_data(article, body="Ora approvato."))
    comment = Comment.objects.get()
    stranger = Client()
    assert "Ora approvato." not in get_page(stranger, article).text  # Cached before approval.

    approve(comment, django_capture_on_commit_callbacks)

    for reader in (stranger, client):
        response = get_page(reader, article)
        (item,) = comment_item(response.text, comment)
        assert "Ora approvato." in response.text
        assert "comment-pending" not in dict(item.attributes)["class"].split()
        assert AWAITING not in response.text


def test_page_showing_own_pending_comment_is_private_to_that_browser(client):
    article = make_article()
    client.post(post_url(article), post_form_data(article))

    response = get_page(client, article)

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control
    assert "cookie" in response["Vary"].lower()


def test_commenter_sees_own_rejected_comment_as_removed_like_everyone(client):
    article = make_article()
    client.post(post_url(article), post_form_data(article, body="Poi rifiutato."))
    mine = Comment.objects.get()
    comment_set_status(comment=mine, status=Comment.Status.APPROVED)
    posted(article, parent=mine)  # An approved reply keeps the rejected comment in the thread.
    comment_set_status(comment=mine, status=Comment.Status.REJECTED)

    for reader in (client, Client()):
        response = get_page(reader, article)
        (item,) = comment_item(response.text, mine)
        assert "comment-removed" in dict(item.attributes)["class"].split()
        assert "Poi rifiutato." not in response.text
        assert AWAITING not in response.text


def test_comment_count_counts_only_approved_comments(client, django_capture_on_commit_callbacks):
    article = make_article(title="Il titolo")
    root = posted(article)
    posted(article, status=Comment.Status.PENDING)
    posted(article, status=Comment.Status.REJECTED)
    posted(article, status=Comment.Status.SPAM)
    client.post(post_url(article), post_form_data(article))  # The reader's own pending one.

    for reader in (client, Client()):
        text = normalised(get_page(reader, article).text)
        assert "1 comment on «Il titolo»" in text

    with django_capture_on_commit_callbacks(execute=True):
        posted(article, parent=root)
    assert "2 comments on «Il titolo»" in normalised(get_page(Client(), article).text)


def test_comment_count_is_in_italian_for_italian_readers(
    client, django_capture_on_commit_callbacks
):
    article = make_article(title="Il titolo")
    root = posted(article)
    posted(article, status=Comment.Status.PENDING)
    italian = {"accept-language": "it"}

    page = client.get(article.get_absolute_url(), headers=italian)
    assert "1 commento su «Il titolo»" in normalised(page.text)

    with django_capture_on_commit_callbacks(execute=True):
        posted(article, parent=root)
    page = client.get(article.get_absolute_url(), headers=italian)
    assert "2 commenti su «Il titolo»" in normalised(page.text)


def test_article_with_no_comments_says_zero(client):
    article = make_article(title="Silenzio")
    assert "0 comments on «Silenzio»" in normalised(get_page(client, article).text)


# Replies that cannot be accepted.


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM]
)
def test_reply_to_a_comment_that_is_not_approved_is_refused(client, status):
    article = make_article()
    parent = posted(article, status=status)
    data = post_form_data(article, parent=str(parent.pk), body="Rispondo comunque.")

    response = client.post(post_url(article), data, headers=ENGLISH)

    assert response.status_code == 403
    assert "You cannot reply to a comment that is not approved." in response.text
    assert textarea_text(response.text) == "Rispondo comunque."
    assert Comment.objects.count() == 1


def test_reply_to_a_comment_of_another_article_is_refused(client):
    article, elsewhere = make_article(), make_article()
    foreign = posted(elsewhere)
    data = post_form_data(article, parent=str(foreign.pk), body="Fuori posto.")

    response = client.post(post_url(article), data, headers=ENGLISH)

    assert response.status_code == 400
    assert "The comment you are replying to does not exist." in response.text
    assert textarea_text(response.text) == "Fuori posto."
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("parent", ["999999", "99999999999999999999999999"])
def test_reply_to_a_nonexistent_comment_is_refused(client, parent):
    article = make_article()
    data = post_form_data(article, parent=parent, body="A chi rispondo?")

    response = client.post(post_url(article), data, headers=ENGLISH)

    assert response.status_code == 400
    assert "The comment you are replying to does not exist." in response.text
    assert textarea_text(response.text) == "A chi rispondo?"
    assert not Comment.objects.exists()


@pytest.mark.parametrize("parent", ["abc", "1.5", "-3", "0", "²", "1; DROP TABLE"])
def test_malformed_parent_is_a_client_error_not_a_crash(client, parent):
    article = make_article()
    data = post_form_data(article, parent=parent, body="Parent strano.")

    response = client.post(post_url(article), data, headers=ENGLISH)

    assert 400 <= response.status_code < 500
    assert textarea_text(response.text) == "Parent strano."
    assert find_elements(response.text, "div", class_="form-errors")
    assert not Comment.objects.exists()


# Articles that take no comments.


def test_post_to_an_article_with_comments_closed_is_refused(client):
    article = make_article(comments_enabled=False)

    response = client.post(post_url(article), post_form_data(article), headers=ENGLISH)

    assert response.status_code == 403
    assert "Comments are closed" in response.text
    assert not Comment.objects.exists()
    page = get_page(client, article)
    assert "Comments are closed." in page.text
    assert not find_elements(page.text, "form", id="commentform")


@pytest.mark.parametrize("make_hidden", [make_draft, make_scheduled], ids=["draft", "scheduled"])
def test_post_to_an_article_readers_cannot_see_is_404(client, make_hidden):
    article = make_hidden()

    response = client.post(post_url(article), post_form_data(article))

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_post_to_a_nonexistent_article_is_404(client):
    article = make_article()
    data = post_form_data(article)
    assert client.post(reverse("comments:post", args=[article.pk + 1000]), data).status_code == 404


def test_get_on_the_post_url_is_not_allowed(client):
    article = make_article()
    response = client.get(post_url(article))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


# Maximum depth.


def reply_link_ids(html: str) -> set[int]:
    return {
        int(dict(link.attributes)["data-comment-id"])
        for link in find_elements(html, "a", class_="comment-reply-link")
    }


def test_reply_deeper_than_the_maximum_is_attached_to_the_deepest_allowed_ancestor(
    client, settings
):
    settings.COMMENTS_MAX_DEPTH = 3
    article = make_article()
    root = posted(article)
    second = posted(article, parent=root)
    third = posted(article, parent=second)
    assert third.level == 2  # The maximum depth: three levels.

    response = client.post(post_url(article), post_form_data(article, parent=str(third.pk)))

    assert response.status_code == 302
    reply = Comment.objects.latest("pk")
    assert reply.parent == second
    assert reply.level == settings.COMMENTS_MAX_DEPTH - 1


def test_forged_reply_below_a_thread_deeper_than_the_setting_is_reattached(client, settings):
    settings.COMMENTS_MAX_DEPTH = 6
    article = make_article()
    chain = [posted(article)]
    for _ in range(5):
        chain.append(posted(article, parent=chain[-1]))
    settings.COMMENTS_MAX_DEPTH = 3  # Lowered after the thread grew.

    response = client.post(post_url(article), post_form_data(article, parent=str(chain[-1].pk)))

    assert response.status_code == 302
    reply = Comment.objects.latest("pk")
    assert reply.parent == chain[1]
    assert reply.parent.level == settings.COMMENTS_MAX_DEPTH - 2


def test_with_a_maximum_depth_of_one_a_reply_starts_a_new_thread(client, settings):
    settings.COMMENTS_MAX_DEPTH = 1
    article = make_article()
    root = posted(article)

    response = client.post(post_url(article), post_form_data(article, parent=str(root.pk)))

    assert response.status_code == 302
    reply = Comment.objects.latest("pk")
    assert reply.parent is None
    assert reply.tree_id != root.tree_id
    assert reply_link_ids(get_page(client, article).text) == set()


def test_no_reply_link_at_the_maximum_depth(client, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    article = make_article()
    root = posted(article)
    second = posted(article, parent=root)
    third = posted(article, parent=second)

    response = get_page(client, article)

    assert comment_item(response.text, third)
    assert reply_link_ids(response.text) == {root.pk, second.pk}


# ?replytocom, the no-JavaScript reply link.


def cancel_link_hidden(html: str) -> bool:
    (cancel,) = find_elements(html, "a", id="cancel-comment-reply-link")
    return "hidden" in dict(cancel.attributes)


def test_replytocom_of_an_approved_comment_presets_the_parent(client):
    article = make_article()
    comment = posted(article)

    response = get_page(client, article, replytocom=comment.pk)

    assert response.status_code == 200
    assert input_value(response.text, "parent") == str(comment.pk)
    assert "Cancel reply" in response.text
    assert not cancel_link_hidden(response.text)


@pytest.mark.parametrize(
    "target",
    ["pending", "rejected", "at-max-depth", "other-article", "abc", "-1", "²", "", "9" * 30],
)
def test_replytocom_that_cannot_be_replied_to_is_ignored(client, settings, target):
    settings.COMMENTS_MAX_DEPTH = 2
    article = make_article()
    root = posted(article)
    targets = {
        "pending": lambda: posted(article, status=Comment.Status.PENDING).pk,
        "rejected": lambda: posted(article, status=Comment.Status.REJECTED).pk,
        "at-max-depth": lambda: posted(article, parent=root).pk,
        "other-article": lambda: posted(make_article()).pk,
    }
    value = targets[target]() if target in targets else target

    response = get_page(client, article, replytocom=value)

    assert response.status_code == 200
    assert not input_value(response.text, "parent")
    assert cancel_link_hidden(response.text)


# How a comment is shown.


def comment_content(html: str, comment):
    (item,) = comment_item(html, comment)
    (content,) = find_elements(str(item), "div", class_="comment-content")
    return content


def test_comment_html_is_escaped_never_run(client):
    article = make_article()
    comment = posted(article, body="<script>alert('x')</script> <b>grassetto</b>")

    response = get_page(client, article)

    content = comment_content(response.text, comment)
    assert not find_elements(str(content), "script")
    assert not find_elements(str(content), "b")
    assert "<script>alert('x')</script>" in "".join(map(str, content.children[0].children))
    assert "&lt;script&gt;" in response.text


def test_comment_urls_are_linked_with_nofollow_ugc_noopener(client):
    article = make_article()
    comment = posted(article, body="Leggete https://example.org/pagina?a=1&b=2 grazie")

    content = comment_content(get_page(client, article).text, comment)

    (link,) = find_elements(str(content), "a")
    attributes = dict(link.attributes)
    assert attributes["href"] == "https://example.org/pagina?a=1&b=2"
    assert set(attributes["rel"].split()) == {"nofollow", "ugc", "noopener"}


def test_comment_blank_lines_make_paragraphs_and_newlines_breaks(client):
    article = make_article()
    comment = posted(article, body="Prima riga\nseconda riga\n\nNuovo paragrafo 🇮🇹 😀")

    content = comment_content(get_page(client, article).text, comment)

    paragraphs = find_elements(str(content), "p")
    assert len(paragraphs) == 2
    assert find_elements(str(paragraphs[0]), "br")
    assert "Nuovo paragrafo 🇮🇹 😀" in str(paragraphs[1])


def test_author_website_is_a_nofollow_ugc_link(client):
    article = make_article()
    comment = posted(article, author_name="Giulia", author_url="https://giulia.example.org/")

    (item,) = comment_item(get_page(client, article).text, comment)

    (link,) = find_elements(str(item), "a", href="https://giulia.example.org/")
    assert {"nofollow", "ugc"} <= set(dict(link.attributes)["rel"].split())
    assert "Giulia" in str(link)


def test_comment_without_a_name_is_shown_as_anonymous(client):
    article = make_article()
    comment = posted(article, author_name="")

    (item,) = comment_item(get_page(client, article).text, comment)

    (author,) = find_elements(str(item), "b", class_="comment-author")
    assert normalised("".join(map(str, author.children))) == "Anonymous"


def test_comment_without_a_name_is_anonimo_in_italian(client):
    article = make_article()
    comment = posted(article, author_name="")

    response = client.get(article.get_absolute_url(), headers={"accept-language": "it"})

    (item,) = comment_item(response.text, comment)
    (author,) = find_elements(str(item), "b", class_="comment-author")
    assert normalised("".join(map(str, author.children))) == "Anonimo"
