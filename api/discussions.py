"""The one module of the API that reads comments: an article's discussion, page by page.

Pages, orders, placeholders and badges are the site's own (comments.paging, the same selectors
the article page renders); a comment becomes JSON here, from the rows the page shows, which
never hold an email address, an IP address or a user agent (Comment.RENDER_FIELDS).
"""

from django.utils.translation import gettext

from blog import content_version
from comments import article_section, conf, discussion, hours, moderation, paging, tree_cache
from comments.models import Comment, CommentOrder
from core.web_address import is_web_address

ORDERS = tuple(CommentOrder.values)


def version_names(article_id: int) -> list[str]:
    """The core.versions names an article's discussion depends on: the blog's content (the
    article stops being public), its comments, the discussion rules (pages, depth)."""
    return [content_version.NAME, tree_cache.version_name(article_id), conf.DISCUSSION_VERSION]


ARTICLE_FIELDS = ("pk", "comments_enabled", "publish_at", "category_id")  # what state_of reads


def state_of(article) -> tuple[bool, object]:
    """(open now, when it reopens if the comment hours close it): the article page's own rule
    (comments.moderation, comments.hours), for the answer and its validators."""
    rules = discussion.current()
    if not moderation.comments_open_for_good(article, rules=rules):
        return False, None
    reopening = hours.reopens_at(article, rules=rules)
    return reopening is None, reopening


def changes_by_itself(article) -> float | None:
    """When the discussion opens or closes with no save (by age, by the comment hours): the
    article page's own moment, which retires a kept answer as it retires the kept page."""
    return article_section.fresh_until(article)


def discussion_page(article, *, number: int | None, order: str | None, state=None) -> dict:
    """One page of the article's discussion as the site shows it to the public."""
    is_open, reopens_at = state or state_of(article)
    page = paging.comment_page(article, number=number, order=order)
    rows = paging.page_rows(article, page) if page.approved or page.threads else []
    labels = _Labels()
    return {
        "count": page.approved,
        "threads": page.threads,
        "page": page.number,
        "num_pages": page.num_pages,
        "order": page.order,
        "default_order": page.default_order,
        "orders": list(ORDERS),
        "open": is_open,
        "reopens_at": reopens_at,
        "results": [_comment(row, labels) for row in rows],
    }


class _Labels:
    def __init__(self):
        self.removed = gettext("Comment removed")
        self.anonymous = gettext("Anonymous")
        self.edited = gettext("edited")
        self.badges = dict(Comment.Role.choices)


def _comment(row, labels: _Labels) -> dict:
    common = {
        "id": row.id,
        "parent": row.parent_id,
        "level": row.level,
        "created": row.created,
    }
    if row.status != Comment.Status.APPROVED:
        # A placeholder keeps the thread's shape; nothing of what it said or who said it.
        return {**common, "removed": True, "removed_label": labels.removed}
    badge = str(labels.badges[row.author_role]) if row.author_role else None
    return {
        **common,
        "removed": False,
        "author": {
            "name": row.author_name or labels.anonymous,
            # The rule the article page links by, so the API never offers what it would not.
            "url": row.author_url if is_web_address(row.author_url) else None,
            "role": row.author_role or None,
            "badge": badge,
        },
        "body_html": row.body_html,
        "edited": row.edited_at is not None,
        "edited_label": labels.edited if row.edited_at else None,
    }
