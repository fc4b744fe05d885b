"""Personal data by email address, like WordPress's "Export / Erase Personal Data" tools.

Each kind of data stored about a person is one entry in a small registry: a name (the key in the
export), an exporter returning JSON-ready data for an address, and an eraser anonymizing or
removing it and returning how many records it changed. Comments register here; another app
(a newsletter, say) adds its own kind from its AppConfig.ready():

    from comments import privacy

    privacy.register("newsletter", exporter=export_subscriptions, eraser=erase_subscriptions)

comments.services.personal_data_export() / personal_data_erase() run every registered kind, so
the commands and the admin actions pick a new kind up with no change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from comments.cache import bump_article_version
from comments.models import Comment, avatar_colour_for
from core.mail import site_url

Exporter = Callable[[str], object]
Eraser = Callable[[str], int]


@dataclass(frozen=True)
class DataKind:
    name: str
    exporter: Exporter
    eraser: Eraser | None = None


_kinds: dict[str, DataKind] = {}


def register(name: str, *, exporter: Exporter, eraser: Eraser | None = None) -> None:
    """Add (or replace, so a reloaded app does not register twice) a kind of personal data."""
    _kinds[name] = DataKind(name=name, exporter=exporter, eraser=eraser)


def kinds() -> list[DataKind]:
    return list(_kinds.values())


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def comments_of(email: str):
    """Every comment stored under an address, whatever the letter case it was typed in."""
    return Comment.objects.filter(author_email__iexact=email)


def export_comments(email: str) -> list[dict]:
    """The comments of an address grouped by article, in thread order within each article."""
    comments = (
        comments_of(email)
        .select_related("article", "user")
        .prefetch_related("revisions")
        .order_by("article__publish_at", "article_id", "tree_id", "lft")
    )
    groups: dict[int, dict] = {}
    for comment in comments:
        article = comment.article
        group = groups.setdefault(
            article.pk,
            {"article": article.title, "url": site_url(article.get_absolute_url()), "comments": []},
        )
        group["comments"].append(
            {
                "id": comment.pk,
                "url": f"{group['url']}#comment-{comment.pk}",
                "parent_id": comment.parent_id,
                "name": comment.author_name,
                "email": comment.author_email,
                "website": comment.author_url,
                "text": comment.body,
                "status": comment.status,
                "created": iso(comment.created),
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "notify_on_reply": comment.notify_on_reply,
                "moderated_at": iso(comment.moderated_at),
                "user_account": comment.user.get_username() if comment.user else None,
                "edited_at": iso(comment.edited_at),
                "earlier_versions": [
                    {"text": r.body, "replaced_at": iso(r.replaced_at)}
                    for r in comment.revisions.all()
                ],
            }
        )
    return list(groups.values())


def erase_comments(email: str) -> int:
    """Anonymize every comment of an address; the text and the thread stay as they are.

    One UPDATE, so no tree field is ever written: nothing is deleted or moved. It bypasses save()
    and its signals, so the two things they would do happen here: the avatar colour is derived
    again (from the now empty identity, the same for every anonymous comment) and the page cache
    of each affected article is retired, at once and again after commit, as comments.signals does.
    """
    comments = comments_of(email)
    article_ids = set(comments.values_list("article_id", flat=True).distinct())
    count = comments.update(
        author_name="",
        author_email="",
        author_url="",
        ip_address=None,
        user_agent="",
        user=None,
        author_role="",
        notify_on_reply=False,
        # A hold or spam list entry that matched may quote the address or the IP.
        held_reason="",
        avatar_colour=avatar_colour_for(""),
        updated=timezone.now(),
    )
    for article_id in article_ids:
        bump_article_version(article_id)
        transaction.on_commit(lambda article_id=article_id: bump_article_version(article_id))
    return count


def is_empty(export: dict) -> bool:
    """Whether an export from comments.services.personal_data_export() found nothing at all."""
    return not any(export["data"].values())


register("comments", exporter=export_comments, eraser=erase_comments)
