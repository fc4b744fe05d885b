"""The editorial desk: Editors run everything, Authors write their own drafts."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from tests.blog.helpers import change_url, form_data_for
from tests.factories import (
    article_admin_form_data,
    find_elements,
    make_article,
    make_author,
    make_category,
    make_draft,
    make_scheduled,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_article_changelist")
ADD = reverse("admin:blog_article_add")


def changelist_articles(response):
    return set(response.context["cl"].result_list)


def action_choices(response):
    action_form = response.context["action_form"]
    if action_form is None:  # no action at all is available
        return set()
    return {value for value, _label in action_form.fields["action"].choices}


def run_action(client, action, articles):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [a.pk for a in articles], "index": 0}
    )


# Groups.


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("codename", flat=True))


def test_editors_group_has_every_blog_permission_and_publish():
    expected = {
        f"{action}_{model}"
        for model in ("article", "author", "category", "tag", "promo")
        for action in ("add", "change", "delete", "view")
    } | {"publish_article"}
    assert expected <= codenames("Editors")


def test_authors_group_can_write_but_not_publish_or_delete():
    perms = codenames("Authors")
    assert {"add_article", "change_article", "view_article", "view_tag", "view_category"} <= perms
    assert "publish_article" not in perms
    assert "delete_article" not in perms
    assert "change_author" not in perms
    assert "change_category" not in perms


# Editors.


def test_editor_lists_every_authors_articles(client, editor):
    mine, theirs = make_draft(), make_article()
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert changelist_articles(response) == {mine, theirs}


def test_editor_can_change_anyones_article(client, editor):
    article = make_article(title="Titolo vecchio")
    assert client.get(change_url(article)).status_code == 200

    response = client.post(change_url(article), form_data_for(article, title="Titolo nuovo"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title == "Titolo nuovo"


def test_editor_can_publish_by_saving_the_form(client, editor):
    draft = make_draft()
    response = client.post(change_url(draft), form_data_for(draft, status="published"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED


def test_publishing_a_past_dated_draft_from_the_form_dates_it_now(client, editor):
    last_year = timezone.now() - datetime.timedelta(days=365)
    draft = make_draft(publish_at=last_year)
    before = timezone.now()

    response = client.post(change_url(draft), form_data_for(draft, status="published"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.publish_at >= before - datetime.timedelta(seconds=1)  # like the bulk action


def test_unpublishing_from_the_form_keeps_the_other_edits(client, editor):
    article = make_article()

    response = client.post(
        change_url(article), form_data_for(article, status="draft", title="Ritirato")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.title) == (Article.Status.DRAFT, "Ritirato")


def test_editor_is_offered_the_publish_actions(client, editor):
    make_draft()
    response = client.get(CHANGELIST)
    assert {"publish", "unpublish"} <= action_choices(response)


def test_publish_action_publishes_the_selected_drafts(client, editor):
    first, second, untouched = make_draft(), make_draft(), make_draft()

    response = run_action(client, "publish", [first, second])

    assert response.status_code == 302
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Article.Status.PUBLISHED
    assert statuses[untouched.pk] == Article.Status.DRAFT


def test_unpublish_action_turns_articles_back_into_drafts(client, editor):
    first, untouched = make_article(), make_article()

    response = run_action(client, "unpublish", [first])

    assert response.status_code == 302
    first.refresh_from_db()
    untouched.refresh_from_db()
    assert first.status == Article.Status.DRAFT
    assert untouched.status == Article.Status.PUBLISHED
    assert client.get(first.get_absolute_url()).status_code == 404


# Authors.


def test_author_sees_only_their_own_articles(client, author_user):
    own = make_draft(author=author_user.author)
    make_draft(title="Di un altro")
    make_article(title="Pubblicato da un altro")

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert changelist_articles(response) == {own}
    assert "Di un altro" not in response.text


def test_author_cannot_open_someone_elses_article(client, author_user):
    other = make_draft(title="Bozza altrui")

    response = client.get(change_url(other))

    # Django's admin answers "does not exist" with a redirect to the index (or 403/404).
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"] == reverse("admin:index")
    assert "Bozza altrui" not in response.text


def test_author_cannot_change_someone_elses_article_by_post(client, author_user):
    other = make_draft(title="Bozza altrui")
    response = client.post(change_url(other), form_data_for(other, title="Dirottato"))
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.title == "Bozza altrui"


def test_author_can_change_their_own_draft(client, author_user):
    own = make_draft(author=author_user.author, title="Prima stesura")
    data = form_data_for(own, title="Seconda stesura")
    del data["author"], data["status"]  # read-only for authors

    response = client.post(change_url(own), data)

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Seconda stesura"
    assert own.status == Article.Status.DRAFT


def test_author_is_not_offered_the_publish_actions(client, author_user):
    make_draft(author=author_user.author)
    response = client.get(CHANGELIST)
    choices = action_choices(response)
    assert "publish" not in choices
    assert "unpublish" not in choices


def test_author_cannot_run_the_publish_action_by_hand(client, author_user):
    own = make_draft(author=author_user.author)
    run_action(client, "publish", [own])
    own.refresh_from_db()
    assert own.status == Article.Status.DRAFT


def test_author_saving_status_published_leaves_a_draft(client, author_user):
    own = make_draft(author=author_user.author, title="Vorrei pubblicare")

    response = client.post(
        change_url(own), form_data_for(own, status="published", title="Vorrei pubblicare!")
    )

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Vorrei pubblicare!"  # the save went through...
    assert own.status == Article.Status.DRAFT  # ...as a draft
    assert not Article.objects.published().filter(pk=own.pk).exists()


def test_author_cannot_change_their_published_article(client, author_user):
    published = make_article(author=author_user.author, title="Già uscito")

    page = client.get(change_url(published))
    response = client.post(
        change_url(published), form_data_for(published, title="Riscritto", status="draft")
    )

    assert page.status_code == 200  # they may read it...
    assert not page.context["has_change_permission"]  # ...read-only
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Già uscito"
    assert published.status == Article.Status.PUBLISHED


def test_author_cannot_change_their_scheduled_article(client, author_user):
    scheduled = make_scheduled(author=author_user.author, title="In uscita")
    response = client.post(change_url(scheduled), form_data_for(scheduled, title="Cambiato"))
    assert response.status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.title == "In uscita"


def test_author_creates_a_draft_attributed_to_them(client, author_user):
    someone_else = make_author()
    data = article_admin_form_data(
        title="Il mio primo pezzo",
        slug="il-mio-primo-pezzo",
        status="published",
        author=someone_else,  # read-only for authors: ignored
    )

    response = client.post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="il-mio-primo-pezzo")
    assert article.author == author_user.author
    assert article.status == Article.Status.DRAFT


def test_author_cannot_delete_articles(client, author_user):
    own = make_draft(author=author_user.author)
    response = client.post(reverse("admin:blog_article_delete", args=[own.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=own.pk).exists()


def test_staff_without_an_author_profile_cannot_add_articles(client):
    user = make_user(groups=["Authors"])
    client.force_login(user)
    assert client.get(ADD).status_code == 403


# Admin features.


@pytest.mark.parametrize("field_path", ["status", "publish_at", "author", "category"])
def test_changelist_filters_by(client, editor, field_path):
    make_article(category=make_category())
    make_draft(category=make_category())
    response = client.get(CHANGELIST)
    assert field_path in [spec.field_path for spec in response.context["cl"].filter_specs]


def test_changelist_status_filter_works(client, editor):
    draft, published = make_draft(), make_article()
    response = client.get(CHANGELIST, {"status__exact": "draft"})
    assert changelist_articles(response) == {draft}
    assert published not in changelist_articles(response)


def test_changelist_author_and_category_filters_work(client, editor):
    category = make_category()
    target = make_article(category=category)
    make_article()
    by_author = client.get(CHANGELIST, {"author__id__exact": target.author_id})
    by_category = client.get(CHANGELIST, {"category__id__exact": category.pk})
    assert changelist_articles(by_author) == {target}
    assert changelist_articles(by_category) == {target}


def test_changelist_search(client, editor):
    found = make_article(title="Il carnevale di Viareggio")
    make_article(title="La sagra del tartufo")
    response = client.get(CHANGELIST, {"q": "carnevale"})
    assert changelist_articles(response) == {found}


def test_changelist_search_looks_into_the_body(client, editor):
    found = make_article(body="<p>Un ornitorinco allo zoo.</p>")
    make_article()
    response = client.get(CHANGELIST, {"q": "ornitorinco"})
    assert changelist_articles(response) == {found}


def test_changelist_has_a_date_hierarchy_on_publish_at(client, editor):
    make_article()
    response = client.get(CHANGELIST)
    assert response.context["cl"].date_hierarchy == "publish_at"
    assert "publish_at__year=" in response.text


def test_slug_is_prepopulated_from_title(client, editor):
    response = client.get(ADD)
    prepopulated = {
        field["field"].name: [dep.name for dep in field["dependencies"]]
        for field in response.context["adminform"].prepopulated_fields
    }
    assert prepopulated == {"slug": ["title"]}
    assert "prepopulate" in response.text


def test_author_and_tags_use_autocomplete_widgets(client, editor):
    response = client.get(ADD)
    for field in ("author", "tags"):
        (widget,) = find_elements(response.text, "select", id=f"id_{field}")
        assert "admin-autocomplete" in dict(widget.attributes)["class"]
        assert dict(widget.attributes)["data-ajax--url"] == reverse("admin:autocomplete")


def test_tag_autocomplete_answers_json(client, editor):
    make_tag(name="Xilofono")
    make_tag(name="Pianoforte")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "blog", "model_name": "article", "field_name": "tags", "term": "x"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert [r["text"] for r in response.json()["results"]] == ["Xilofono"]


def test_author_autocomplete_answers_json(client, editor):
    make_author(display_name="Zeno Cosini")
    make_author(display_name="Mattia Pascal")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "blog", "model_name": "article", "field_name": "author", "term": "zeno"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Zeno Cosini"]


def test_changelist_links_drafts_to_preview_and_published_to_the_site(client, editor):
    draft = make_draft()
    scheduled = make_scheduled()
    published = make_article()
    html = client.get(CHANGELIST).text
    assert f'href="{draft.get_preview_url()}"' in html
    assert f'href="{scheduled.get_preview_url()}"' in html
    assert f'href="{published.get_absolute_url()}"' in html
    assert f'href="{published.get_preview_url()}"' not in html
    assert f'href="{draft.get_absolute_url()}"' not in html


def test_change_page_of_published_article_has_view_on_site(client, editor):
    published = make_article()
    html = client.get(change_url(published)).text
    links = find_elements(html, "a", class_="viewsitelink")
    assert [dict(a.attributes)["href"] for a in links] == [published.get_absolute_url()]


def test_change_page_of_draft_links_to_the_preview_not_the_site(client, editor):
    draft = make_draft()
    html = client.get(change_url(draft)).text
    links = find_elements(html, "a", class_="viewsitelink")
    assert [dict(a.attributes)["href"] for a in links] == [draft.get_preview_url()]


def test_body_uses_the_prose_editor_widget(client, editor):
    html = client.get(ADD).text
    assert "django_prose_editor/editor.js" in html
    assert "django_prose_editor/editor.css" in html
    assert "django_prose_editor/overrides.css" in html  # the admin flavour of the widget
    (body,) = find_elements(html, "textarea", name="body")
    assert any(name.startswith("data-django-prose-editor") for name, _ in body.attributes)


def test_admin_add_form_sanitizes_the_body(client, editor):
    data = article_admin_form_data(
        author=make_author(),
        slug="corpo-pulito",
        body=(
            '<p onclick="steal()">Ciao</p><script>alert(1)</script>'
            '<a href="javascript:alert(2)">link</a><a href=" JaVaScRiPt:alert(3)">due</a>'
            '<img src="x" onerror="alert(4)">'
        ),
    )

    response = client.post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    body = Article.objects.get(slug="corpo-pulito").body.lower()
    assert "<script" not in body
    assert "onclick" not in body and "onerror" not in body
    assert "javascript" not in body
    assert "<p>ciao</p>" in body


def test_editor_can_add_a_published_article_for_any_author(client, editor):
    writer = make_author()
    tag = make_tag()
    data = article_admin_form_data(
        author=writer, slug="pubblicato-subito", status="published", tags=[str(tag.pk)]
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.published().get(slug="pubblicato-subito")
    assert article.author == writer
    assert list(article.tags.all()) == [tag]
