"""Review before publishing: authors submit, editors publish or send back, every step logged."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, ArticleTransition, Revision
from blog.services import (
    article_publish,
    article_send_back,
    article_submit_for_review,
)
from tests.blog.helpers import change_url, form_data_for
from tests.factories import (
    article_admin_form_data,
    make_author,
    make_draft,
    make_user,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_article_changelist")
ADD = reverse("admin:blog_article_add")


@pytest.fixture
def author_user():
    user = make_user(groups=["Authors"], email="anna@example.org")
    make_author(user=user, display_name="Anna Autrice")
    return user


@pytest.fixture
def editor():
    return make_user(groups=["Editors"], email="capo@example.org")


# The services.


def test_review_is_never_public(author_user):
    article = make_draft(author=author_user.author)
    article_submit_for_review(article=article, user=author_user)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_submission_emails_every_editor_after_commit(
    author_user, editor, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_draft(author=author_user.author, title="Il porto di notte")
    with django_capture_on_commit_callbacks(execute=True):
        article_submit_for_review(article=article, user=author_user)
    assert [m.to for m in mailoutbox] == [[editor.email]]
    assert "Il porto di notte" in mailoutbox[0].subject
    assert f"/admin/blog/article/{article.pk}/change/" in mailoutbox[0].body


def test_author_cannot_submit_someone_elses_draft(author_user):
    article = make_draft()
    with pytest.raises(PermissionDenied):
        article_submit_for_review(article=article, user=author_user)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize("group", ["Authors", "Moderators"])
def test_only_editors_publish_or_send_back(author_user, group):
    article = make_draft(author=author_user.author)
    article_submit_for_review(article=article, user=author_user)
    other = make_user(groups=[group])
    with pytest.raises(PermissionDenied):
        article_publish(article=article, user=other)
    with pytest.raises(PermissionDenied):
        article_send_back(article=article, user=other, note="no")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_every_transition_is_logged_with_who_and_note(author_user, editor):
    article = make_draft(author=author_user.author)
    article_submit_for_review(article=article, user=author_user)
    article_send_back(article=article, user=editor, note="Manca la fonte del dato.")
    article_submit_for_review(article=article, user=author_user)
    article_publish(article=article, user=editor)
    log = list(
        ArticleTransition.objects.filter(article=article)
        .order_by("pk")
        .values_list("from_status", "to_status", "user", "note")
    )
    assert log == [
        ("draft", "review", author_user.pk, ""),
        ("review", "draft", editor.pk, "Manca la fonte del dato."),
        ("draft", "review", author_user.pk, ""),
        ("review", "published", editor.pk, ""),
    ]


# The admin.


def test_author_submits_from_the_form_and_can_no_longer_edit(client, author_user, editor):
    article = make_draft(author=author_user.author)
    client.force_login(author_user)
    page = client.get(change_url(article))
    assert b'name="_submit_review"' in page.content
    response = client.post(
        change_url(article), form_data_for(article, title="Nuovo titolo", _submit_review="1")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.title) == (Article.Status.REVIEW, "Nuovo titolo")
    # Locked while in review: a post changes nothing.
    client.post(change_url(article), form_data_for(article, title="Di nascosto"))
    article.refresh_from_db()
    assert article.title == "Nuovo titolo"
    assert b'name="_submit_review"' not in client.get(change_url(article)).content


def messages_of(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def test_submitting_says_the_editors_were_told_when_one_has_an_address(client, author_user, editor):
    article = make_draft(author=author_user.author)
    client.force_login(author_user)

    response = client.post(
        change_url(article), form_data_for(article, _submit_review="1"), follow=True
    )

    assert ("success", "Inviato in revisione: la redazione è stata avvisata.") in messages_of(
        response
    )


def test_submitting_warns_when_no_editor_has_an_address(client, author_user, mailoutbox):
    make_user(groups=["Editors"], email="")
    article = make_draft(author=author_user.author)
    client.force_login(author_user)

    response = client.post(
        change_url(article), form_data_for(article, _submit_review="1"), follow=True
    )

    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    said = messages_of(response)
    [warning] = [text for level, text in said if level == "warning"]
    assert "nessun redattore ha un indirizzo email" in warning
    assert not any("avvisata" in text for level, text in said)
    assert mailoutbox == []


def test_author_can_submit_a_new_article_straight_away(client, author_user):
    client.force_login(author_user)
    response = client.post(ADD, article_admin_form_data(title="Appena scritto", _submit_review="1"))
    assert response.status_code == 302
    article = Article.objects.get(title="Appena scritto")
    assert article.status == Article.Status.REVIEW
    assert article.author == author_user.author


def test_editor_sends_back_with_a_note_the_author_reads(client, author_user, editor):
    article = make_draft(author=author_user.author)
    article_submit_for_review(article=article, user=author_user)
    client.force_login(editor)
    response = client.post(
        change_url(article),
        form_data_for(article, status="draft", review_note="Accorcia l'attacco, per favore."),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    client.force_login(author_user)
    page = client.get(change_url(article)).content.decode()
    assert "Accorcia l&#x27;attacco, per favore." in page


def test_editor_publishes_from_review_through_the_form(client, author_user, editor):
    article = make_draft(author=author_user.author)
    article_submit_for_review(article=article, user=author_user)
    client.force_login(editor)
    response = client.post(change_url(article), form_data_for(article, status="published"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.transitions.first().user == editor


def test_editors_see_the_review_badge_others_do_not(client, author_user, editor):
    article = make_draft(author=author_user.author)
    article_submit_for_review(article=article, user=author_user)
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "?status__exact=review" in page
    assert re.search(r"class=\"review-queue-link\">[^<]*: 1</a>", page)
    client.force_login(make_user(groups=["Moderators"]))
    assert "?status__exact=review" not in client.get(reverse("admin:index")).content.decode()


def test_changelist_filters_by_review(client, author_user, editor):
    waiting = make_draft(author=author_user.author)
    article_submit_for_review(article=waiting, user=author_user)
    make_draft()
    client.force_login(editor)
    response = client.get(CHANGELIST, {"status__exact": "review"})
    assert list(response.context["cl"].result_list) == [waiting]


def test_editor_schedules_an_article_in_review(client, author_user, editor):
    article = make_draft(author=author_user.author)
    article_submit_for_review(article=article, user=author_user)
    client.force_login(editor)
    later = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    data = form_data_for(article, status="published")
    data.update(publish_at_0=later.strftime("%Y-%m-%d"), publish_at_1=later.strftime("%H:%M:%S"))
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert not Article.objects.published().filter(pk=article.pk).exists()  # scheduled
    assert client.get(CHANGELIST, {"status__exact": "published"}).context["cl"].result_count == 1


def test_the_kept_version_has_the_status_the_save_ended_with(client, author_user, editor):
    article = make_draft(author=author_user.author)
    client.force_login(editor)
    client.post(change_url(article), form_data_for(article, status="published"))
    assert Revision.objects.filter(object_id=article.pk).latest("pk").data["status"] == "published"
