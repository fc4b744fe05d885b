"""Who may moderate: Moderators and Editors; not Authors, not anonymous visitors."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from comments.editing import comment_edit
from comments.flags import comment_flag
from comments.models import Comment, ModerationAction, SectionDesk, SectionHours, Suspension
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_comment,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")
SETTINGS = reverse("admin:comments_discussionsettings_changelist")


def logged_in(*groups) -> Client:
    client = Client()
    client.force_login(make_user(groups=groups))
    return client


@pytest.fixture
def held():
    return make_comment(make_article(), body="Un commento in attesa.", status="pending")


def approve(client, comment):
    return client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk]})


def blog_admin_pages() -> list[str]:
    from blog.models import Promo

    article = make_article()
    promo = Promo.objects.create(text="Abbonati", cta_label="Abbonati", link="https://example.com/")
    pages = []
    for name, obj in [
        ("article", article),
        ("author", make_author()),
        ("category", make_category()),
        ("tag", make_tag()),
        ("promo", promo),
    ]:
        pages += [
            reverse(f"admin:blog_{name}_changelist"),
            reverse(f"admin:blog_{name}_add"),
            reverse(f"admin:blog_{name}_change", args=[obj.pk]),
        ]
    return pages


# Moderators: the comments, nothing else.


def test_moderator_is_refused_every_blog_admin_page():
    client = logged_in("Moderators")
    for url in blog_admin_pages():
        assert client.get(url).status_code == 403, url


def test_moderator_is_refused_the_discussion_settings():
    client = logged_in("Moderators")
    assert client.get(SETTINGS).status_code == 403
    assert (
        client.get(reverse("admin:comments_discussionsettings_change", args=[1])).status_code == 403
    )


def test_moderator_is_refused_every_admin_list_but_the_comments_and_suspensions():
    client = logged_in("Moderators")
    assert client.get(reverse("admin:comments_suspension_changelist")).status_code == 200
    assert client.get(reverse("admin:comments_moderationaction_changelist")).status_code == 200
    # They read who looks after which section and the sections' hours (Editors set them).
    assert client.get(reverse("admin:comments_sectiondesk_changelist")).status_code == 200
    assert client.get(reverse("admin:comments_sectionhours_changelist")).status_code == 200
    for model in admin.site._registry:
        if model in (Comment, Suspension, ModerationAction, SectionDesk, SectionHours):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 403, url


def test_moderator_uses_the_queue_and_its_actions(held):
    client = logged_in("Moderators")
    assert client.get(QUEUE).status_code == 200
    assert client.get(reverse("admin:comments_comment_change", args=[held.pk])).status_code == 200

    assert approve(client, held).status_code == 302

    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


def test_moderator_cannot_edit_articles_through_a_post():
    article = make_article(title="Titolo originale")
    client = logged_in("Moderators")
    url = reverse("admin:blog_article_change", args=[article.pk])
    assert client.post(url, {"title": "Titolo cambiato"}).status_code == 403
    article.refresh_from_db()
    assert article.title == "Titolo originale"


# Authors: their articles, no comments.


def test_author_cannot_open_the_queue_or_a_comment(held):
    client = logged_in("Authors")
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("admin:comments_comment_change", args=[held.pk])).status_code == 403
    assert client.get(reverse("admin:comments_comment_delete", args=[held.pk])).status_code == 403


def test_author_cannot_moderate(held):
    client = logged_in("Authors")
    assert approve(client, held).status_code == 403
    deleting = client.post(
        QUEUE, {"action": "delete_selected", "_selected_action": [held.pk], "post": "yes"}
    )
    assert deleting.status_code == 403
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING
    assert held.moderated_by is None


def test_author_cannot_moderate_the_comments_on_their_own_article():
    user = make_user(groups=["Authors"])
    article = make_article(author=make_author(user=user))
    comment = make_comment(article, status="pending")
    client = Client()
    client.force_login(user)
    assert approve(client, comment).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_author_is_refused_the_discussion_settings():
    assert logged_in("Authors").get(SETTINGS).status_code == 403


# Anonymous visitors reach none of it.


def test_anonymous_visitor_is_sent_to_the_admin_login(client, held):
    login = reverse("admin:login")
    for url in [
        QUEUE,
        reverse("admin:comments_comment_change", args=[held.pk]),
        reverse("admin:comments_comment_delete", args=[held.pk]),
        SETTINGS,
        reverse("admin:blog_article_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url

    response = approve(client, held)
    assert response.status_code == 302
    assert response["Location"].startswith(login)
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


# Editors run the magazine: they moderate and set the discussion rules.


def test_editor_moderates(held):
    client = logged_in("Editors")
    assert approve(client, held).status_code == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


def test_editor_edits_the_discussion_settings():
    client = logged_in("Editors")
    response = client.get(SETTINGS, follow=True)
    assert response.status_code == 200
    assert 'name="max_depth"' in response.text


# What moderators moderate with: readers' reports and the versions an edit replaced.


@pytest.fixture
def reported_and_edited():
    """An approved comment its author edited twice, then reported by two readers."""
    comment = make_comment(make_article(), body="Prima stesura del commento.")
    comment_edit(comment=comment, body="Seconda stesura del commento.")
    comment_edit(comment=comment, body="Testo attuale del commento.")
    comment_flag(comment=comment, reason="abuse", ip_address="198.51.100.1")
    comment_flag(
        comment=comment, reason="other", text="Insulta un altro lettore.", ip_address="203.0.113.9"
    )
    return comment


def moderation_page(client, page: str, comment) -> str:
    url = QUEUE if page == "queue" else reverse("admin:comments_comment_change", args=[comment.pk])
    response = client.get(url, headers={"accept-language": "en"})
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("page", ["comment", "queue"])
@pytest.mark.parametrize("group", ["Moderators", "Editors"])
def test_moderators_and_editors_read_reports_and_earlier_versions(group, page, reported_and_edited):
    html = moderation_page(logged_in(group), page, reported_and_edited)

    assert "Abusive or hateful" in html
    assert "Something else" in html and "Insulta un altro lettore." in html
    assert "Prima stesura del commento." in html
    assert "Seconda stesura del commento." in html


def test_the_queue_shows_earlier_versions_and_reasons_without_a_query_per_comment(
    reported_and_edited,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in("Moderators")
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    for _ in range(4):
        comment = make_comment(reported_and_edited.article)
        comment_edit(comment=comment, body="Corretto.")
        comment_flag(comment=comment, reason="spam", ip_address="192.0.2.7")
    with CaptureQueriesContext(connection) as five:
        client.get(QUEUE)
    assert len(five) == len(one)


def test_the_records_stay_read_only_for_moderators(reported_and_edited):
    client = logged_in("Moderators")
    html = client.get(reverse("admin:comments_comment_change", args=[reported_and_edited.pk])).text
    assert 'name="flags-0-reason"' not in html
    assert 'name="revisions-0-body"' not in html
    assert 'name="flags-TOTAL_FORMS"' in html  # the inline is there, with nothing to submit


def test_authors_still_read_neither_reports_nor_earlier_versions(reported_and_edited):
    client = logged_in("Authors")
    for url in [QUEUE, reverse("admin:comments_comment_change", args=[reported_and_edited.pk])]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Insulta un altro lettore." not in response.text
        assert "Prima stesura del commento." not in response.text


def test_the_queue_shows_the_latest_earlier_versions_and_counts_the_rest():
    comment = make_comment(make_article(), body="Versione 0.")
    for n in range(1, 6):
        comment_edit(comment=comment, body=f"Versione {n}.")
    html = logged_in("Moderators").get(QUEUE).text  # Italian, the site's language
    assert all(f"Versione {n}." in html for n in (2, 3, 4, 5))  # the current text and 3 before
    assert "Versione 0." not in html and "Versione 1." not in html
    assert "e altre 2" in html
