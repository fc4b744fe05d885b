"""What authors and editors write through the API, with a personal token (api.tokens): drafts,
review, publishing, the media library.

The token stands for its user, and the user may do here exactly what the admin lets them do,
because the admin decides: `ArticleAdmin` and `ImageAdmin` give the permissions (an author sees
and changes only their own drafts, only editors publish), the form (its fields for this user,
its validation: the body's sanitizer and remote-image rule, unique slugs), and the saving, which
keeps a revision and hands a status change to blog.services; every write is logged as the admin
logs it (LogEntry). Only the Authorization header authenticates: no session, no cookie, so no
page on another site can make a browser write here.
"""

from datetime import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import FileField, SplitDateTimeField
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from api import present, problems, tokens
from api.schemas import MediaOut, Problem
from blog.models import Article
from blog.services import article_publish, article_submit_for_review, revision_create
from core.text import clean_text
from media import services as media_services
from media.models import Image


class StaffToken(HttpBearer):
    """`Authorization: Bearer rv_…`: the request acts as the token's user, and only as them."""

    def authenticate(self, request: HttpRequest, token: str):
        found = tokens.token_authenticate(token)
        if found is None:
            return None
        request.user = found.user  # the admin's checks read request.user
        return found


router = Router(auth=StaffToken(), tags=["staff"])
REFUSALS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 415: Problem}


class ArticleIn(Schema):
    """Any of the admin's fields this user may change; leave out what stays as it is."""

    title: str | None = None
    slug: str | None = Field(None, description="Made from the title when a new draft has none.")
    lead: str | None = None
    body: str | None = Field(None, description="HTML; sanitized as the admin's editor's is.")
    publish_at: datetime | None = None
    author: int | None = Field(None, description="Editors only.")
    category: int | None = None
    tags: list[int] | None = None
    cover_alt: str | None = None
    cover_caption: str | None = None
    comments_enabled: bool | None = None
    seo_title: str | None = None
    seo_description: str | None = None


class StaffArticle(Schema):
    id: int
    title: str
    slug: str
    lead: str
    body: str
    status: str
    publish_at: datetime
    author: int
    category: int | None
    tags: list[int]
    cover: str | None = Field(description="The cover image's address, if it has one.")
    cover_alt: str
    cover_caption: str
    comments_enabled: bool
    seo_title: str
    seo_description: str
    preview_url: str
    updated: datetime


ARTICLE_FIELDS = (
    "id", "title", "slug", "lead", "body", "status", "publish_at", "cover_alt", "cover_caption",
    "comments_enabled", "seo_title", "seo_description", "updated",
)  # fmt: skip


def _article_admin() -> admin.ModelAdmin:
    return admin.site.get_model_admin(Article)


def _staff_article(request: HttpRequest, article: Article) -> dict:
    return {
        **{name: getattr(article, name) for name in ARTICLE_FIELDS},
        "author": article.author_id,
        "category": article.category_id,
        "tags": sorted(article.tags.values_list("pk", flat=True)),
        "cover": request.build_absolute_uri(article.cover.url) if article.cover else None,
        "preview_url": request.build_absolute_uri(article.get_preview_url()),
    }


def _article_or_404(request: HttpRequest, article_id: int) -> Article:
    """The article if the admin would show it to this user (authors: their own)."""
    model_admin = _article_admin()
    article = model_admin.get_object(request, str(article_id))
    if article is None or not model_admin.has_view_or_change_permission(request, article):
        raise Http404
    return article


def _form_data(form, changes: dict) -> dict:
    """The admin form's data: the article as it is, with the client's changes over it."""
    data = {}
    for name, field in form.fields.items():
        value = changes[name] if name in changes else form[name].value()
        if isinstance(field, FileField):
            continue  # the cover stays as it is
        if isinstance(field, SplitDateTimeField):
            local = timezone.localtime(value) if isinstance(value, datetime) else None
            data[f"{name}_0"] = local.date().isoformat() if local else ""
            data[f"{name}_1"] = local.time().isoformat() if local else ""
        elif isinstance(value, (bool, list)):
            data[name] = value
        else:
            data[name] = "" if value is None else value
    return data


def _save(request: HttpRequest, article: Article | None, changes: dict, files=None):
    """Create or change an article as the admin's change form does, or a refusal; `files`
    are uploads the form takes as the admin's would (the cover)."""
    model_admin = _article_admin()
    adding = article is None
    form_class = model_admin.get_form(request, article, change=not adding)
    unwritable = sorted((set(changes) | set(files or {})) - set(form_class.base_fields))
    if unwritable:
        message = gettext("You may not change these fields: %(fields)s.") % {
            "fields": ", ".join(unwritable)
        }
        return problems.refused(request, 403, message)
    if adding and not changes.get("slug") and changes.get("title"):
        changes["slug"] = slugify(changes["title"])[:220]
    instance = article if article is not None else Article()
    form = form_class(
        _form_data(form_class(instance=instance), changes), files or {}, instance=instance
    )
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
        general = errors.pop("__all__", [])
        message = general[0] if general else gettext("Some fields are not valid.")
        return problems.refused(request, 400, message, fields=errors)
    with transaction.atomic():
        saved = model_admin.save_form(request, form, change=not adding)
        model_admin.save_model(request, saved, form, not adding)
        model_admin.save_related(request, form, [], not adding)  # revision, status services
        message = model_admin.construct_change_message(request, form, [], adding)
        if adding:
            model_admin.log_addition(request, saved, message)
        else:
            model_admin.log_change(request, saved, message)
    saved.refresh_from_db()
    return saved


@router.get("/admin/articles/{int:article_id}/", response={200: StaffArticle, **REFUSALS})
def staff_article(request: HttpRequest, article_id: int):
    """An article as its editor sees it in the admin (a draft too)."""
    return _staff_article(request, _article_or_404(request, article_id))


@router.post("/admin/articles/", response={201: StaffArticle, **REFUSALS})
def staff_article_create(request: HttpRequest, data: ArticleIn):
    """A new draft, as the admin's "Add article" makes it (an author's is theirs)."""
    if not _article_admin().has_add_permission(request):
        raise PermissionDenied
    saved = _save(request, None, data.dict(exclude_unset=True))
    if isinstance(saved, HttpResponse):
        return saved
    return Status(201, _staff_article(request, saved))


@router.patch("/admin/articles/{int:article_id}/", response={200: StaffArticle, **REFUSALS})
def staff_article_update(request: HttpRequest, article_id: int, data: ArticleIn):
    """Change what the admin lets this user change (an author: their own drafts)."""
    article = _article_or_404(request, article_id)
    if not _article_admin().has_change_permission(request, article):
        raise PermissionDenied
    saved = _save(request, article, data.dict(exclude_unset=True))
    if isinstance(saved, HttpResponse):
        return saved
    return _staff_article(request, saved)


@router.post(
    "/admin/articles/{int:article_id}/cover/",
    response={200: StaffArticle, **REFUSALS, 413: Problem},
)
def staff_article_cover(request: HttpRequest, article_id: int, file: File[UploadedFile]):
    """A new cover image for the article (multipart), checked and processed as the admin's cover
    field does it; its alternative text and caption are the article's own fields."""
    article = _article_or_404(request, article_id)
    if not _article_admin().has_change_permission(request, article):
        raise PermissionDenied
    saved = _save(request, article, {}, files={"cover": file})
    if isinstance(saved, HttpResponse):
        return saved
    return _staff_article(request, saved)


def _status_logged(request: HttpRequest, article: Article) -> None:
    """As the admin's change form leaves it: a revision and a LogEntry naming the status."""
    revision_create(obj=article, user=request.user)
    label = capfirst(Article._meta.get_field("status").verbose_name)
    _article_admin().log_change(request, article, [{"changed": {"fields": [str(label)]}}])


@router.post("/admin/articles/{int:article_id}/submit/", response={200: StaffArticle, **REFUSALS})
def staff_article_submit(request: HttpRequest, article_id: int):
    """Hand a draft to the editors (blog.services.article_submit_for_review)."""
    article = _article_or_404(request, article_id)
    with transaction.atomic():
        if not article_submit_for_review(article=article, user=request.user):
            message = gettext("Only a draft can be submitted for review.")
            return problems.refused(request, 409, message)
        _status_logged(request, article)
    return _staff_article(request, article)


@router.post("/admin/articles/{int:article_id}/publish/", response={200: StaffArticle, **REFUSALS})
def staff_article_publish(request: HttpRequest, article_id: int):
    """Editors only: publish now, or at a future `publish_at` (blog.services.article_publish)."""
    article = _article_or_404(request, article_id)
    model_admin = _article_admin()
    if not (
        model_admin.has_publish_permission(request)
        and model_admin.has_change_permission(request, article)
    ):
        raise PermissionDenied
    with transaction.atomic():
        if not article_publish(article=article, user=request.user):
            return problems.refused(request, 409, gettext("This article is already published."))
        _status_logged(request, article)
    return _staff_article(request, article)


@router.post("/admin/media/", response={201: MediaOut, **REFUSALS, 413: Problem})
def staff_media_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    title: Form[str] = "",
    alt_text: Form[str] = "",
    caption: Form[str] = "",
    credit: Form[str] = "",
    source: Form[str] = "",
):
    """An image into the library (multipart), through its one pipeline: validated, metadata
    stripped, renditions made."""
    image_admin = admin.site.get_model_admin(Image)
    if not image_admin.has_add_permission(request):
        raise PermissionDenied
    # As the admin's forms take text: nothing invisible (a NUL byte no database stores).
    texts = {
        name: clean_text(value).strip()
        for name, value in (
            ("title", title), ("alt_text", alt_text), ("caption", caption), ("credit", credit),
            ("source", source),
        )
    }  # fmt: skip
    try:
        image = media_services.image_create(file=file, uploaded_by=request.user, **texts)
    except ValidationError as error:
        return problems.refused(
            request, 400, " ".join(error.messages), fields={"file": error.messages}
        )
    image_admin.log_addition(request, image, [{"added": {}}])
    return Status(201, present.image(request, image))
