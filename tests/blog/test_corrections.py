"""Corrections: dated notes by Editors, on the page, in JSON-LD, in feeds, on one list."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from blog.models import Correction
from blog.services import correction_add
from tests.factories import make_article, make_draft, make_user

pytestmark = pytest.mark.django_db


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_correction_shows_in_a_marked_box_and_moves_the_updated_date(client, editor_user):
    article = make_article()
    before = article.updated
    correction_add(
        article=article,
        kind="correction",
        text="Il porto è di Genova, non Savona.",
        user=editor_user,
    )
    article.refresh_from_db()
    assert article.updated > before
    html = client.get(article.get_absolute_url()).text
    box = html.split('class="corrections"')[1].split("</aside>")[0]
    assert "Rettifica" in box and "Il porto è di Genova, non Savona." in box


def test_correction_is_in_the_structured_data(client, editor_user):
    article = make_article()
    correction_add(
        article=article, kind="update", text="Aggiunte le cifre del 2025.", user=editor_user
    )
    data = json_ld(client.get(article.get_absolute_url()).text)
    assert data["correction"][0]["@type"] == "CorrectionComment"
    assert "Aggiunte le cifre del 2025." in data["correction"][0]["text"]
    article.refresh_from_db()
    assert data["dateModified"] == timezone.localtime(article.updated).isoformat()
    assert data["dateModified"] > data["datePublished"]


def test_article_without_corrections_has_no_box_and_no_field(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).text
    assert 'class="corrections"' not in html
    assert "correction" not in json_ld(html)


def test_correction_travels_in_the_feed(client, editor_user):
    article = make_article()
    correction_add(
        article=article, kind="correction", text="Nome corretto: Bianchi.", user=editor_user
    )
    feed = client.get(reverse("blog:feed")).text
    assert "Nome corretto: Bianchi." in feed


def test_corrections_page_lists_only_published_articles(client, editor_user):
    public = make_article(title="Pubblico")
    correction_add(article=public, kind="correction", text="Visibile.", user=editor_user)
    hidden = make_article(title="Ritirato")
    correction_add(article=hidden, kind="correction", text="Invisibile.", user=editor_user)
    hidden.status = "draft"
    hidden.save()
    page = client.get(reverse("blog:corrections")).text
    assert "Visibile." in page and "Invisibile." not in page


def test_corrections_only_on_published_articles(editor_user):
    with pytest.raises(ValidationError):
        correction_add(article=make_draft(), kind="correction", text="x", user=editor_user)


@pytest.mark.parametrize("group", ["Authors", "Moderators"])
def test_only_editors_add_corrections(group):
    with pytest.raises(PermissionDenied):
        correction_add(
            article=make_article(), kind="correction", text="x", user=make_user(groups=[group])
        )
    assert not Correction.objects.exists()


def test_editor_adds_a_correction_in_the_admin(client, editor_user):
    article = make_article()
    client.force_login(editor_user)
    add = reverse("admin:blog_correction_add")
    assert (
        f"{add}?article={article.pk}"
        in client.get(reverse("admin:blog_article_change", args=[article.pk])).text
    )
    response = client.post(add, {"article": article.pk, "kind": "update", "text": "Nuovi dati."})
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.article, correction.user) == (article, editor_user)


def test_admin_refuses_a_correction_on_a_draft_with_a_message(client, editor_user):
    draft = make_draft()
    client.force_login(editor_user)
    response = client.post(
        reverse("admin:blog_correction_add"), {"article": draft.pk, "kind": "update", "text": "x"}
    )
    assert response.status_code == 200
    assert "article" in response.context["adminform"].form.errors


def test_a_published_articles_change_form_stays_a_change_form(client, editor_user):
    """The correction link must not turn the page into an "add" form (breadcrumbs, buttons)."""
    article = make_article()
    client.force_login(editor_user)

    response = client.get(reverse("admin:blog_article_change", args=[article.pk]))

    assert response.context["add"] is False
    assert response.context["change"] is True
