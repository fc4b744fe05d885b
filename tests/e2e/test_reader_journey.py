"""A reader comments and replies, a moderator approves from the queue, everyone sees the thread.

One story across four visitors (browser contexts): the reader with JavaScript, the same reader
with JavaScript turned off, a moderator in the admin, and an anonymous reader afterwards.
"""

import pytest

from comments.models import Comment
from tests.e2e.test_reply import fill_and_post
from tests.factories import make_article, make_comment, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def post_comment(page, *, body):
    fill_and_post(page, name="Carla Neri", email="carla.neri@example.it", body=body)


def test_reader_comments_replies_and_a_moderator_publishes_the_replies(open_page, editorial_groups):
    article = make_article(title="Le newsletter salvano il giornalismo locale")
    bianca = make_comment(article, author_name="Bianca", body="Il primo commento.")
    dario = make_comment(article, parent=bianca, author_name="Dario", body="Una risposta.")
    make_user(username="moderatrice", password="una-password-lunga", groups=["Moderators"])

    # The reader finds the article from the home page.
    reader = open_page()
    reader.goto("/")
    reader.get_by_role("link", name=article.title).first.click()
    assert reader.get_by_role("heading", level=1).inner_text() == article.title

    # Email forgotten: the page comes back with the error beside the field and the text kept.
    text = "Un commento scritto con cura, che non deve andare perso."
    reader.fill("#id_author_name", "Carla Neri")
    reader.fill("#id_body", text)
    reader.click("#commentform button[type=submit]")
    reader.wait_for_load_state()
    error = reader.locator("#id_author_email-error")
    assert error.is_visible()
    assert error.inner_text().strip()
    assert reader.get_attribute("#id_author_email", "aria-invalid") == "true"
    assert reader.get_attribute("#id_author_email", "aria-describedby") == "id_author_email-error"
    assert reader.input_value("#id_body") == text
    assert reader.input_value("#id_author_name") == "Carla Neri"
    assert not Comment.objects.filter(body=text).exists()

    # Fixed: the comment is stored, held, and its writer sees it waiting.
    reader.fill("#id_author_email", "carla.neri@example.it")
    reader.click("#commentform button[type=submit]")
    reader.wait_for_load_state()
    first = Comment.objects.get(body=text)
    assert first.status == Comment.Status.PENDING
    assert reader.url.endswith(f"#comment-{first.pk}")
    assert "in attesa di moderazione" in reader.inner_text(f"#comment-{first.pk}")

    # A reply through the JavaScript link: the form moves under Bianca's comment.
    reader.click(f"#comment-{bianca.pk} > .comment-body .comment-reply-link")
    assert reader.locator(f"#comment-{bianca.pk} > #respond").count() == 1
    assert reader.evaluate("document.activeElement.id") == "id_author_name"
    post_comment(reader, body="Risposta a Bianca, con JavaScript.")
    with_js = Comment.objects.get(body="Risposta a Bianca, con JavaScript.")
    assert with_js.parent_id == bianca.pk

    # The same reader (same cookies) with JavaScript off replies to Dario through ?replytocom=.
    no_js = open_page(java_script_enabled=False, storage_state=reader.context.storage_state())
    no_js.goto(article.get_absolute_url())
    no_js.click(f"#comment-{dario.pk} .comment-reply-link")
    assert f"replytocom={dario.pk}" in no_js.url
    post_comment(no_js, body="Risposta a Dario, senza JavaScript.")
    without_js = Comment.objects.get(body="Risposta a Dario, senza JavaScript.")
    assert without_js.parent_id == dario.pk
    # Their own held comments are shown to them, in place.
    for reply, parent in [(with_js, bianca), (without_js, dario)]:
        mine = no_js.locator(f"#comment-{parent.pk} > ol.children > #comment-{reply.pk}")
        assert "comment-pending" in mine.get_attribute("class")

    # The moderator logs in through the admin's form and opens the queue from the header.
    moderator = open_page()
    moderator.goto("/admin/")
    moderator.fill("#id_username", "moderatrice")
    moderator.fill("#id_password", "una-password-lunga")
    moderator.click("input[type=submit]")
    queue_link = moderator.locator("a.moderation-queue-link")
    assert queue_link.text_content().strip() == "Commenti in attesa di moderazione: 3"
    queue_link.click()
    for reply in (with_js, without_js):
        moderator.check(f"input[name=_selected_action][value='{reply.pk}']")
    moderator.select_option("select[name=action]", "approve")
    moderator.click("button[name=index]")
    moderator.wait_for_load_state()
    assert "2 commenti approvati" in moderator.inner_text(".messagelist")
    assert moderator.locator("a.moderation-queue-link").text_content().strip().endswith(": 1")
    with_js.refresh_from_db()
    without_js.refresh_from_db()
    assert with_js.status == without_js.status == Comment.Status.APPROVED
    assert with_js.moderated_by.username == "moderatrice"

    # Any reader now sees both replies, each under the comment it answers; the held first
    # comment stays out of sight.
    anonymous = open_page()
    anonymous.goto(article.get_absolute_url())
    under_bianca = anonymous.locator(f"#comment-{bianca.pk} > ol.children > li.comment")
    assert under_bianca.evaluate_all("items => items.map(item => item.id)") == [
        f"comment-{dario.pk}",
        f"comment-{with_js.pk}",
    ]
    under_dario = anonymous.locator(f"#comment-{dario.pk} > ol.children > li.comment")
    assert under_dario.evaluate_all("items => items.map(item => item.id)") == [
        f"comment-{without_js.pk}"
    ]
    for reply in (with_js, without_js):
        assert "comment-pending" not in anonymous.get_attribute(f"#comment-{reply.pk}", "class")
    assert anonymous.locator(f"#comment-{first.pk}").count() == 0
    assert "in attesa di moderazione" not in anonymous.inner_text("#comments")
    assert anonymous.inner_text("#comments-title").startswith("4 commenti")
