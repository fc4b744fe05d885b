"""Staff writes through the API: personal tokens, and exactly the admin's rights and logs."""

import hashlib
import io
import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from api.models import ApiToken
from api.tokens import token_create
from blog.models import Article, ArticleTransition, Revision
from media.models import Image
from tests.factories import make_article, make_author, make_image_bytes, make_user

pytestmark = pytest.mark.django_db


def api(raw: str | None = None, **extra) -> Client:
    headers = {"Authorization": f"Bearer {raw}"} if raw else {}
    return Client(raise_request_exception=False, headers=headers, **extra)


def send(browser: Client, method: str, path: str, data: dict | None = None):
    return getattr(browser, method)(path, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def author_token(author_user):
    return token_create(user=author_user, name="App")[1]


@pytest.fixture
def editor_token(editor_user):
    return token_create(user=editor_user, name="Script")[1]


def test_a_token_is_kept_only_as_a_hash_with_a_prefix_and_its_last_use(author_user):
    token, raw = token_create(user=author_user, name="App")
    assert raw.startswith(f"rv_{token.prefix}_")
    stored = ApiToken.objects.get()
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert stored.last_used_at is None
    article = make_article(author=author_user.author, status="draft")
    assert api(raw).get(f"/api/v1/admin/articles/{article.pk}/").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("state", ["forged", "revoked", "expired", "inactive", "none"])
def test_only_a_usable_token_authenticates(author_user, state):
    _token, raw = token_create(user=author_user, name="App")
    article = make_article(author=author_user.author, status="draft")
    if state == "forged":
        raw = raw[:-4] + "AAAA"
    elif state == "revoked":
        ApiToken.objects.update(revoked_at=timezone.now())
    elif state == "expired":
        ApiToken.objects.update(expires_at=timezone.now())
    elif state == "inactive":
        author_user.is_active = False
        author_user.save()
    elif state == "none":
        raw = None
    response = api(raw).get(f"/api/v1/admin/articles/{article.pk}/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_logged_in_session_is_no_credential_here(client, editor):
    # A browser's cookies never authenticate a write: no page elsewhere can make one.
    response = client.post(
        "/api/v1/admin/articles/", json.dumps({"title": "X"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Article.objects.exists()


def test_an_author_makes_a_draft_of_their_own_logged_and_kept_as_a_revision(
    author_user, author_token
):
    response = send(
        api(author_token),
        "post",
        "/api/v1/admin/articles/",
        {"title": "Dal telefono", "lead": "Attacco.", "body": "<p>Testo<script>x()</script></p>"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    article = Article.objects.get(pk=body["id"])
    assert article.status == Article.Status.DRAFT
    assert article.author == author_user.author
    assert article.slug == "dal-telefono"
    assert "<script>" not in article.body
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (
        author_user,
        ADDITION,
        str(article.pk),
    )
    assert Revision.objects.filter(object_id=article.pk).count() == 1
    assert body["preview_url"].endswith(article.get_preview_url())


def test_an_author_may_not_set_what_the_admin_does_not_let_them(author_token):
    other = make_author()
    response = send(
        api(author_token), "post", "/api/v1/admin/articles/", {"title": "X", "author": other.pk}
    )
    assert response.status_code == 403
    assert "author" in response.json()["detail"]
    assert not Article.objects.exists()


def test_an_author_changes_only_their_own_drafts(author_user, author_token):
    own = make_article(author=author_user.author, status="draft", title="Mia")
    in_review = make_article(author=author_user.author, status="review")
    someone_elses = make_article(status="draft")
    browser = api(author_token)
    changed = send(browser, "patch", f"/api/v1/admin/articles/{own.pk}/", {"title": "Mia, rivista"})
    assert changed.status_code == 200, changed.content
    own.refresh_from_db()
    assert own.title == "Mia, rivista" and own.status == Article.Status.DRAFT
    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert entry.user == author_user and "Titolo" in entry.get_change_message()
    refused = send(browser, "patch", f"/api/v1/admin/articles/{in_review.pk}/", {"title": "No"})
    assert refused.status_code == 403
    hidden = send(browser, "patch", f"/api/v1/admin/articles/{someone_elses.pk}/", {"title": "No"})
    assert hidden.status_code == 404
    assert browser.get(f"/api/v1/admin/articles/{someone_elses.pk}/").status_code == 404


def test_the_admins_validation_comes_back_by_field(author_user, author_token):
    own = make_article(author=author_user.author, status="draft")
    taken = make_article()
    response = send(
        api(author_token),
        "patch",
        f"/api/v1/admin/articles/{own.pk}/",
        {"slug": taken.slug, "body": '<p><img src="https://altrove.example/x.jpg"></p>'},
    )
    assert response.status_code == 400
    fields = {error["parameter"] for error in response.json()["errors"]}
    assert fields == {"slug", "body"}


def test_an_author_submits_for_review_and_cannot_publish(author_user, author_token):
    own = make_article(author=author_user.author, status="draft")
    browser = api(author_token)
    assert send(browser, "post", f"/api/v1/admin/articles/{own.pk}/publish/").status_code == 403
    submitted = send(browser, "post", f"/api/v1/admin/articles/{own.pk}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "review"
    transition = ArticleTransition.objects.get(article=own)
    assert (transition.to_status, transition.user) == ("review", author_user)
    assert LogEntry.objects.filter(action_flag=CHANGE, user=author_user).count() == 1
    again = send(browser, "post", f"/api/v1/admin/articles/{own.pk}/submit/")
    assert again.status_code in (403, 409)


def test_an_editor_publishes_through_the_publishing_service(editor_user, editor_token):
    writer = make_author()
    browser = api(editor_token)
    created = send(
        browser,
        "post",
        "/api/v1/admin/articles/",
        {"title": "Notizia", "body": "<p>Fatti.</p>", "author": writer.pk},
    )
    assert created.status_code == 201, created.content
    article_id = created.json()["id"]
    assert Client().get(f"/api/v1/articles/{article_id}/").status_code == 404  # a draft
    published = send(browser, "post", f"/api/v1/admin/articles/{article_id}/publish/")
    assert published.status_code == 200, published.content
    transition = ArticleTransition.objects.get(article_id=article_id, to_status="published")
    assert transition.user == editor_user
    assert Client().get(f"/api/v1/articles/{article_id}/").status_code == 200
    assert send(browser, "post", f"/api/v1/admin/articles/{article_id}/publish/").status_code == 409


def upload(browser: Client, content: bytes, name="foto.jpg", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return browser.post(
        "/api/v1/admin/media/",
        {"file": SimpleUploadedFile(name, content, content_type="image/jpeg"), **fields},
    )


def test_an_upload_goes_through_the_media_pipeline(author_user, author_token):
    exif = PILImage.Exif()
    exif[0x010F] = "Canon"  # Make
    response = upload(
        api(author_token), make_image_bytes(size=(1200, 800), exif=exif), alt_text="Una piazza"
    )
    assert response.status_code == 201, response.content
    image = Image.objects.get(pk=response.json()["id"])
    assert image.uploaded_by == author_user and image.alt_text == "Una piazza"
    assert response.json()["renditions"]
    with default_storage.open(image.file.name, "rb") as handle:
        assert not PILImage.open(io.BytesIO(handle.read())).getexif()
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id) == (ADDITION, str(image.pk))


def test_an_upload_that_is_no_image_is_refused_by_the_pipeline(author_token):
    response = upload(api(author_token), b"not an image at all")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "file"
    assert not Image.objects.exists()


def test_staff_without_the_library_permission_cannot_upload():
    nobody = make_user()
    raw = token_create(user=nobody, name="x")[1]
    assert upload(api(raw), make_image_bytes()).status_code == 403
    assert send(api(raw), "post", "/api/v1/admin/articles/", {"title": "X"}).status_code == 403


def test_a_token_is_made_in_the_admin_shown_once_and_revoked_there(client, author_user):
    response = client.post(
        "/admin/api/apitoken/add/", {"name": "Telefono", "expires_at_0": "", "expires_at_1": ""}
    )
    assert response.status_code == 200, response.content
    token = ApiToken.objects.get()
    assert token.user == author_user
    raw = response.context["raw_token"]
    assert raw in response.content.decode()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert "no-store" in response["Cache-Control"]
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in page and raw not in page
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert ApiToken.objects.get().revoked_at is not None
    article = make_article(author=author_user.author, status="draft")
    assert api(raw).get(f"/api/v1/admin/articles/{article.pk}/").status_code == 401


def test_an_author_sees_only_their_own_tokens_in_the_admin(client, author_user):
    other = make_user(groups=["Authors"])
    theirs, _raw = token_create(user=other, name="Altrui")
    assert client.get(f"/admin/api/apitoken/{theirs.pk}/change/").status_code == 302
    assert "Altrui" not in client.get("/admin/api/apitoken/").content.decode()


def test_upload_texts_are_taken_as_the_admin_takes_text(author_token):
    response = upload(api(author_token), make_image_bytes(), caption="Una\x00 piazza\u200b")
    assert response.status_code == 201, response.content
    assert Image.objects.get().caption == "Una piazza"


def cover(browser: Client, article: Article, content: bytes, name="copertina.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return browser.post(
        f"/api/v1/admin/articles/{article.pk}/cover/",
        {"file": SimpleUploadedFile(name, content, content_type="image/jpeg")},
    )


def test_an_author_sets_the_cover_of_their_draft_as_the_admin_does(author_user, author_token):
    draft = make_article(author=author_user.author, status="draft")
    exif = PILImage.Exif()
    exif[0x010F] = "Canon"  # Make
    response = cover(api(author_token), draft, make_image_bytes(size=(1600, 900), exif=exif))
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.cover and response.json()["cover"].endswith(draft.cover.url)
    with draft.cover.open("rb") as handle:
        assert not PILImage.open(io.BytesIO(handle.read())).getexif()
    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert entry.user == author_user and entry.object_id == str(draft.pk)


def test_a_cover_that_is_no_image_or_not_theirs_is_refused(author_user, author_token):
    draft = make_article(author=author_user.author, status="draft")
    refused = cover(api(author_token), draft, b"not an image at all")
    assert refused.status_code == 400
    assert "cover" in json.dumps(refused.json())
    draft.refresh_from_db()
    assert not draft.cover
    someone_elses = make_article(status="draft")
    hidden = cover(api(author_token), someone_elses, make_image_bytes(size=(1600, 900)))
    assert hidden.status_code == 404
