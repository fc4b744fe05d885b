"""Who may do what to an article: the one place the Editors/Authors rules are written.

Editors hold blog.publish_article and may do everything. Authors may write and change their own
articles while they are drafts (like WordPress contributors): they can never publish, and a
published article of theirs is read-only to them.
"""

from blog.models import Article

PUBLISH_PERMISSION = "blog.publish_article"


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def owns(user, article: Article) -> bool:
    return article.author_id is not None and article.author.user_id == user.pk


def can_edit_article(user, article: Article, *, for_viewing: bool = False) -> bool:
    if not user.is_active or not user.is_staff:
        return False
    if can_publish(user):
        return True
    if not owns(user, article):
        return False
    if for_viewing:
        return user.has_perm("blog.view_article") or user.has_perm("blog.change_article")
    return user.has_perm("blog.change_article") and article.status == Article.Status.DRAFT
