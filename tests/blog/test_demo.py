import importlib.machinery
import io
import sys
import types

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from blog import demo
from blog.models import Article, Author
from media import pipeline as images
from tests.conftest import media_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_rendition_width")]


def run_load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def model_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_load_demo_publishes_articles_across_several_months():
    run_load_demo()

    published = Article.objects.published()
    assert published.count() >= 8
    months = {(a.publish_at.year, a.publish_at.month) for a in published}
    assert len(months) >= 3
    assert all(a.author.bio and a.category and a.tags.exists() for a in published)


def test_draft_and_scheduled_articles_stay_out_of_published():
    run_load_demo()

    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    drafts = hidden.filter(status=Article.Status.DRAFT)
    scheduled = hidden.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())
    assert drafts.count() == 1
    assert scheduled.count() == 1


def test_flagship_article_reads_like_a_magazine_article(client):
    run_load_demo()

    flagship = Article.objects.published().get(slug=demo.FLAGSHIP_SLUG)
    assert len(flagship.lead) > 100
    assert flagship.body.count("<h2>") >= 3
    assert "<blockquote>" in flagship.body
    assert "<ul>" in flagship.body
    assert 'href="https://' in flagship.body
    assert len(flagship.author.bio) > 200
    assert flagship.cover and flagship.cover_alt and flagship.cover_caption

    page = client.get(flagship.get_absolute_url()).text
    assert escape(flagship.lead) in page
    assert "<blockquote>" in page
    assert escape(flagship.author.bio) in page


def test_authors_get_generated_avatars_and_articles_get_covers():
    run_load_demo()

    authors = Author.objects.all()
    assert 3 <= authors.count() <= 4
    for author in authors:
        with author.avatar.open("rb") as handle, Image.open(handle) as image:
            assert image.format == "PNG"
            assert image.width == image.height
    covered = Article.objects.exclude(cover="")
    assert covered.count() >= 3
    for article in covered:
        assert (article.cover_width, article.cover_height) == (1600, 900)
        assert article.cover.name.endswith(".jpg")
        assert article.cover_alt and article.cover_caption
        storage = article.cover.storage
        assert storage.exists(images.rendition_name(article.cover.name, 480))


def test_running_twice_duplicates_nothing(settings):
    settings.DEBUG = True
    run_load_demo()
    counts, files = model_counts(), media_files(settings)

    second = demo.load()

    assert model_counts() == counts
    assert media_files(settings) == files
    assert set(second.values()) == {0}


def test_second_run_restores_text_but_keeps_publication_dates():
    run_load_demo()
    flagship = Article.objects.get(slug=demo.FLAGSHIP_SLUG)
    published_at, cover_name = flagship.publish_at, flagship.cover.name
    Article.objects.filter(pk=flagship.pk).update(title="Titolo cambiato")

    run_load_demo()

    flagship.refresh_from_db()
    assert flagship.title == "Il futuro del giornalismo digitale"
    assert flagship.publish_at == published_at
    assert flagship.cover.name == cover_name


def test_every_published_article_page_renders(client):
    run_load_demo()

    for article in Article.objects.published():
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200, article.slug
        assert escape(article.title) in response.content.decode()


def test_demo_staff_accounts_are_created_when_debug_is_on(settings):
    settings.DEBUG = True

    output = run_load_demo()

    editor = User.objects.get(username="redazione")
    author = User.objects.get(username="autore")
    assert editor.is_staff and editor.check_password("demo-password-123")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert list(author.groups.values_list("name", flat=True)) == ["Authors"]
    assert author.author.articles.exists()
    assert "demo-password-123" in output


def test_every_demo_staff_account_has_an_address_and_moderators_have_one(settings):
    settings.DEBUG = True

    output = run_load_demo()

    accounts = {
        user.username: (user.email, [group.name for group in user.groups.all()])
        for user in User.objects.prefetch_related("groups")
    }
    assert accounts == {
        "redazione": ("redazione@rivista.example", ["Editors"]),
        "autore": ("autore@rivista.example", ["Authors"]),
        "moderazione": ("moderazione@rivista.example", ["Moderators"]),
    }
    assert User.objects.get(username="moderazione").check_password("demo-password-123")
    assert "moderazione (Moderators)" in output


def test_an_account_from_an_earlier_demo_gets_its_address_and_keeps_a_changed_one(settings):
    settings.DEBUG = True
    User.objects.create_user(username="redazione", password="x", is_staff=True)
    User.objects.create_user(
        username="autore", email="mia@posta.example", password="x", is_staff=True
    )

    run_load_demo()

    assert User.objects.get(username="redazione").email == "redazione@rivista.example"
    assert User.objects.get(username="autore").email == "mia@posta.example"


def test_no_demo_accounts_when_debug_is_off(settings):
    settings.DEBUG = False

    output = run_load_demo()

    assert not User.objects.exists()
    assert "demo-password-123" not in output


def test_command_runs_the_comments_demo_loader_after_the_articles(monkeypatch):
    seen = []

    def load(stdout=None):
        seen.append(Article.objects.filter(slug=demo.FLAGSHIP_SLUG).exists())
        return {"comments": 17}

    fake = types.ModuleType("comments.demo")
    fake.__spec__ = importlib.machinery.ModuleSpec("comments.demo", loader=None)
    fake.load = load
    monkeypatch.setitem(sys.modules, "comments.demo", fake)

    output = run_load_demo()

    assert seen == [True]
    assert "17 comments" in output
