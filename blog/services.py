"""Writes on articles that carry editorial rules; the admin and commands call these.

Every change of an article's status goes through one of these functions, and each logs an
ArticleTransition (who, when, from, to, note).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blog import conf, notifications, revisions
from blog.models import Article, ArticleTransition, Correction, Revision
from blog.permissions import can_publish, owns


def _move(article: Article, to_status: str, *, user, note: str = "", fields=("status",)) -> None:
    from_status = Article.objects.filter(pk=article.pk).values_list("status", flat=True).first()
    article.status = to_status
    article.save(update_fields=[*fields, "updated"])
    ArticleTransition.objects.create(
        article=article, from_status=from_status or "", to_status=to_status, user=user, note=note
    )


def _require_editor(user) -> None:
    if user is not None and not can_publish(user):
        raise PermissionDenied(_("Only editors may publish or send back articles."))


def article_publish(*, article: Article, user=None, note: str = "") -> bool:
    """Publish a draft or an article in review. Returns False when it was already published.

    As WordPress's "Publish" does: a draft dated in the past goes out dated now (its permalink
    carries today's date); a future date is kept, which schedules it.
    """
    _require_editor(user)
    if article.status == Article.Status.PUBLISHED:
        return False
    with transaction.atomic():
        if article.publish_at <= timezone.now():
            article.publish_at = timezone.now()
        _move(
            article, Article.Status.PUBLISHED, user=user, note=note, fields=("status", "publish_at")
        )
    return True


def article_unpublish(*, article: Article, user=None, note: str = "") -> bool:
    """Take an article back to draft. Returns False when it was a draft already."""
    _require_editor(user)
    if article.status == Article.Status.DRAFT:
        return False
    with transaction.atomic():
        _move(article, Article.Status.DRAFT, user=user, note=note)
    return True


def article_submit_for_review(*, article: Article, user) -> bool:
    """An author hands a draft to the editors; it is theirs to edit no more until it comes back.

    Returns False when the article was not a draft. Editors are told after commit.
    """
    if not (can_publish(user) or owns(user, article)):
        raise PermissionDenied(_("You may submit only your own articles."))
    if article.status != Article.Status.DRAFT:
        return False
    with transaction.atomic():
        _move(article, Article.Status.REVIEW, user=user)
        transaction.on_commit(lambda: notifications.article_submitted(article))
    return True


def article_send_back(*, article: Article, user, note: str = "") -> bool:
    """An editor returns an article in review to its author, with a note the author reads."""
    _require_editor(user)
    if article.status != Article.Status.REVIEW:
        return False
    with transaction.atomic():
        _move(article, Article.Status.DRAFT, user=user, note=note)
    return True


def article_change_status(*, article: Article, status: str, user, note: str = "") -> bool:
    """What the admin's edit form calls when an editor picks another status."""
    if status == article.status:
        return False
    if status == Article.Status.PUBLISHED:
        return article_publish(article=article, user=user, note=note)
    if status == Article.Status.REVIEW:
        return article_submit_for_review(article=article, user=user)
    if article.status == Article.Status.REVIEW:
        return article_send_back(article=article, user=user, note=note)
    return article_unpublish(article=article, user=user, note=note)


# Revisions.


def revision_create(*, obj: models.Model, user=None, comment: str = "") -> Revision:
    """Keep the saved state of an article or page, then prune the oldest beyond the limit."""
    content_type = ContentType.objects.get_for_model(obj)
    with transaction.atomic():
        revision = Revision.objects.create(
            content_type=content_type,
            object_id=obj.pk,
            data=revisions.snapshot(obj),
            user=user if user is not None and user.is_authenticated else None,
            comment=comment,
        )
        keep = max(1, int(conf.get("BLOG_REVISIONS_KEEP")))
        stale = Revision.objects.filter(content_type=content_type, object_id=obj.pk).order_by(
            "-created", "-pk"
        )[keep:]
        Revision.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return revision


def revision_restore(*, revision: Revision, user) -> Revision:
    """Write an old version's content back; the restored state is itself a new revision."""
    obj = revision.content_object
    if obj is None:
        raise ValidationError(_("The article or page of this version no longer exists."))
    with transaction.atomic():
        later = revisions.apply(obj, revision.data)
        obj.full_clean(exclude=["cover"] if isinstance(obj, Article) else None)
        obj.save()
        for name, values in later:
            getattr(obj, name).set(values)
        when = timezone.localtime(revision.created).strftime("%Y-%m-%d %H:%M")
        return revision_create(
            obj=obj, user=user, comment=_("Restored the version of %(when)s") % {"when": when}
        )


# Corrections.


def correction_add(*, article: Article, kind: str, text: str, user) -> Correction:
    """A dated correction or update on a published article; the article's updated date moves."""
    _require_editor(user)
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError(_("Corrections are added to published articles only."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write what was corrected or updated."))
    with transaction.atomic():
        correction = Correction.objects.create(article=article, kind=kind, text=text, user=user)
        article.save(update_fields=["updated"])
    return correction
