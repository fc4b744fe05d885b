"""Every save of an article is a version: listed, compared, restored, pruned."""

import pytest
from django.urls import reverse

from blog.models import Article, Revision
from blog.services import revision_create, revision_restore
from tests.blog.helpers import form_data_for
from tests.factories import (
    make_author,
    make_draft,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db


def urls(article):
    return {
        name: reverse(f"admin:blog_article_{name}", args=[article.pk])
        for name in ("change", "versions", "versions_compare")
    }


def post_edit(client, article, **fields):
    response = client.post(urls(article)["change"], form_data_for(article, **fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def versions_of(article):
    return list(Revision.objects.filter(object_id=article.pk).order_by("created", "pk"))


def test_each_admin_save_is_kept_with_who(client, editor):
    article = make_draft()
    post_edit(client, article, title="Prima")
    post_edit(client, article, title="Seconda")
    kept = versions_of(article)
    assert [v.data["title"] for v in kept] == ["Prima", "Seconda"]
    assert {v.user for v in kept} == {editor}


def test_versions_page_lists_them(client, editor):
    article = make_draft()
    post_edit(client, article, title="Prima")
    post_edit(client, article, title="Seconda")
    page = client.get(urls(article)["versions"]).content.decode()
    assert "Prima" in page and "Seconda" in page
    assert urls(article)["versions"] in client.get(urls(article)["change"]).content.decode()


def test_compare_shows_a_readable_diff_of_changed_fields(client, editor):
    article = make_draft()
    tag = make_tag(name="Porti")
    post_edit(client, article, title="Il molo", body="<p>Il molo è <b>lungo</b>.</p>")
    post_edit(
        client,
        article,
        title="Il molo vecchio",
        body="<p>Il molo è corto.</p><p>Nuovo paragrafo</p>",
        tags=[tag.pk],
    )
    old, new = versions_of(article)
    response = client.get(urls(article)["versions_compare"], {"old": old.pk, "new": new.pk})
    page = response.content.decode()
    assert "<ins> vecchio</ins>" in page
    assert "<del>lungo</del>" in page and "<ins>corto</ins>" in page
    assert "<b>" not in page.split("version-diff")[1]  # the body is compared as text
    assert "Porti" in page  # tags by name
    changed = {row.name for row in response.context["changed"]}
    assert changed == {"title", "body", "tags"}


def test_a_checkbox_reads_yes_or_no_in_the_diff(client, editor):
    article = make_draft()
    post_edit(client, article, comments_enabled="on")
    data = form_data_for(article)
    data.pop("comments_enabled", None)
    assert client.post(urls(article)["change"], data).status_code == 302
    old, new = versions_of(article)
    assert (old.data["comments_enabled"], new.data["comments_enabled"]) == (True, False)

    response = client.get(
        urls(article)["versions_compare"],
        {"old": old.pk, "new": new.pk},
        headers={"accept-language": "it"},
    )

    [row] = [row for row in response.context["changed"] if row.name == "comments_enabled"]
    assert str(row.html) == "<del>Sì</del><ins>No</ins>"
    diff = response.content.decode().split("version-diff")[1]
    assert "True" not in diff and "False" not in diff


def test_diff_escapes_what_was_typed(client, editor):
    article = make_draft()
    post_edit(client, article, title="a")
    post_edit(client, article, title="<script>alert(1)</script>")
    old, new = versions_of(article)
    page = client.get(urls(article)["versions_compare"], {"old": old.pk, "new": new.pk})
    assert b"<script>alert(1)" not in page.content


def test_compare_with_a_bad_choice_explains_instead_of_failing(client, editor):
    article = make_draft()
    response = client.get(urls(article)["versions_compare"], {"old": "x", "new": "999999"})
    assert response.status_code == 302


def test_restore_brings_the_content_back_as_a_new_version(client, editor):
    article = make_draft()
    tag = make_tag()
    post_edit(client, article, title="Buono", body="<p>Testo buono.</p>", tags=[tag.pk])
    post_edit(client, article, title="Rovinato", body="<p>Oops.</p>")
    good = versions_of(article)[0]
    restore = reverse("admin:blog_article_versions_restore", args=[article.pk, good.pk])
    assert client.get(restore).status_code == 405  # never on GET
    response = client.post(restore)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("Buono", "<p>Testo buono.</p>")
    assert list(article.tags.all()) == [tag]
    kept = versions_of(article)
    assert len(kept) == 3 and kept[-1].data["title"] == "Buono"
    assert kept[-1].comment


def test_restore_does_not_publish(editor):
    article = make_draft()
    old = revision_create(obj=article, user=editor)
    old.data["status"] = "published"
    old.save()
    revision_restore(revision=old, user=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_versions_are_pruned_to_the_setting(settings, editor):
    settings.BLOG_REVISIONS_KEEP = 3
    article = make_draft()
    for n in range(5):
        article.title = f"Versione {n}"
        article.save()
        revision_create(obj=article, user=editor)
    assert [v.data["title"] for v in versions_of(article)] == [
        "Versione 2",
        "Versione 3",
        "Versione 4",
    ]


def test_author_sees_versions_of_own_draft_only(client):
    user = make_user(groups=["Authors"])
    mine = make_draft(author=make_author(user=user))
    other = make_draft()
    for article in (mine, other):
        revision_create(obj=article)
    client.force_login(user)
    assert client.get(urls(mine)["versions"]).status_code == 200
    assert client.get(urls(other)["versions"]).status_code == 404
    revision = versions_of(other)[0]
    restore = reverse("admin:blog_article_versions_restore", args=[other.pk, revision.pk])
    assert client.post(restore).status_code == 404


def test_moderator_cannot_see_versions(client):
    article = make_draft()
    client.force_login(make_user(groups=["Moderators"]))
    response = client.get(urls(article)["versions"])
    assert response.status_code in (302, 403, 404)
