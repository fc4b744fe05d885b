"""The discussion settings in the admin: one row, and a change holds from the next request."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from tests.factories import find_elements, make_article, make_comment, post_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_discussionsettings_changelist")
CHANGE = reverse("admin:comments_discussionsettings_change", args=[DiscussionSettings.SINGLETON_PK])
ENGLISH = {"accept-language": "en"}


def settings_form_data(**changes) -> dict:
    """POST data for the settings form: the saved row (or the defaults), with `changes`."""
    current = (
        DiscussionSettings.objects.filter(pk=DiscussionSettings.SINGLETON_PK).first()
        or DiscussionSettings.from_django_settings()
    )
    values = {
        field.name: getattr(current, field.name)
        for field in DiscussionSettings._meta.fields
        if field.editable and not field.primary_key and field.name != "updated"
    }
    values.update(changes)
    data = {}
    for name, value in values.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


def save_settings(client, **changes):
    return client.post(CHANGE, settings_form_data(**changes))


def reply_links(html: str) -> set[int]:
    return {
        int(dict(link.attributes)["data-comment-id"])
        for link in find_elements(html, "a", class_="comment-reply-link")
    }


def test_first_visit_creates_the_settings_from_django_settings(editor_client, settings):
    settings.COMMENTS_MAX_DEPTH = 7
    settings.COMMENTS_HOLD_LIST = "casinò"
    assert not DiscussionSettings.objects.exists()

    response = editor_client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"] == CHANGE
    saved = DiscussionSettings.objects.get()
    assert saved.pk == DiscussionSettings.SINGLETON_PK
    assert (saved.max_depth, saved.hold_list) == (7, "casinò")
    form = editor_client.get(CHANGE).text
    (depth,) = find_elements(form, "input", name="max_depth")
    assert dict(depth.attributes)["value"] == "7"


def test_later_visits_open_the_saved_settings(editor_client, settings):
    editor_client.get(CHANGELIST)
    save_settings(editor_client, max_depth=3)
    settings.COMMENTS_MAX_DEPTH = 8

    assert editor_client.get(CHANGELIST)["Location"] == CHANGE
    assert DiscussionSettings.objects.get().max_depth == 3


def test_opening_the_form_directly_creates_the_row_too(editor_client):
    assert editor_client.get(CHANGE).status_code == 200
    assert DiscussionSettings.objects.count() == 1


def test_any_other_id_leads_to_the_one_settings_page(editor_client):
    url = reverse("admin:comments_discussionsettings_change", args=[2])
    assert editor_client.get(url)["Location"] == CHANGE


def test_settings_can_be_neither_added_nor_deleted(editor_client):
    form = editor_client.get(CHANGE).text
    assert "_addanother" not in form and "_continue" not in form
    assert reverse("admin:comments_discussionsettings_delete", args=[1]) not in form
    assert editor_client.get(reverse("admin:comments_discussionsettings_add")).status_code == 403
    delete_url = reverse("admin:comments_discussionsettings_delete", args=[1])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert DiscussionSettings.objects.count() == 1


def test_form_is_grouped_like_wordpress_discussion_settings(editor_client):
    form = editor_client.get(CHANGE, headers=ENGLISH).text
    headings = [
        str(h.children[0]).strip() for h in find_elements(form, "h2", class_="fieldset-heading")
    ]
    assert headings == [
        "Before a comment appears",
        "Comment moderation",
        "Spam",
        "Other comment settings",
        "Email notifications",
        "Comment pages",
        "Editing",
        "Reports from readers",
        "Commenters' standing",
        "Comment hours",
    ]


def test_saving_returns_to_the_form_with_a_confirmation(editor_client):
    response = editor_client.get(CHANGE)
    response = save_settings(editor_client, hold_link_count=4)
    assert response["Location"] == CHANGE
    assert DiscussionSettings.objects.get().hold_link_count == 4
    page = editor_client.get(CHANGE, headers=ENGLISH)
    assert "Impostazioni salvate." in [str(m) for m in page.context["messages"]]


def test_maximum_depth_outside_one_to_ten_is_refused_with_a_message(editor_client):
    editor_client.get(CHANGE)
    response = save_settings(editor_client, max_depth=11)
    assert response.status_code == 200
    assert find_elements(response.text, "ul", class_="errorlist")
    assert DiscussionSettings.objects.get().max_depth == 5


def test_turning_manual_approval_off_publishes_the_next_comment(editor_client):
    article = make_article()
    reader = Client()
    reader.post(reverse("comments:post", args=[article.pk]), post_form_data(article))
    assert Comment.objects.get().status == Comment.Status.PENDING  # The rules are now cached.

    save_settings(editor_client, require_approval=False)

    body = "Pubblicato subito, senza attesa."
    reader.post(reverse("comments:post", args=[article.pk]), post_form_data(article, body=body))
    assert Comment.objects.get(body=body).status == Comment.Status.APPROVED
    assert body in Client().get(article.get_absolute_url()).text


def test_turning_manual_approval_on_holds_the_next_comment(editor_client):
    editor_client.get(CHANGE)
    save_settings(editor_client, require_approval=False)
    article = make_article()
    reader = Client()
    reader.post(reverse("comments:post", args=[article.pk]), post_form_data(article))
    assert Comment.objects.get().status == Comment.Status.APPROVED

    save_settings(editor_client, require_approval=True)

    body = "Questo aspetta un moderatore."
    reader.post(reverse("comments:post", args=[article.pk]), post_form_data(article, body=body))
    assert Comment.objects.get(body=body).status == Comment.Status.PENDING
    assert body not in Client().get(article.get_absolute_url()).text


def test_lowering_the_maximum_depth_changes_the_page_and_new_replies(editor_client):
    article = make_article()
    root = make_comment(article)
    reply = make_comment(article, parent=root)
    html = Client().get(article.get_absolute_url()).text  # Rendered and cached at depth 5.
    assert reply_links(html) == {root.pk, reply.pk}

    save_settings(editor_client, max_depth=2)

    html = Client().get(article.get_absolute_url()).text
    assert reply_links(html) == {root.pk}
    reader = Client()
    reader.post(
        reverse("comments:post", args=[article.pk]),
        post_form_data(article, parent=reply.pk, body="Una risposta troppo profonda."),
    )
    forged = Comment.objects.get(body="Una risposta troppo profonda.")
    assert forged.parent_id == root.pk  # Attached to the deepest allowed ancestor.
