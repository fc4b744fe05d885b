"""The comments' part of the personal-data tools (the registry is core.privacy).

CommentsConfig.ready() registers the "comments" kind: its exporter groups a person's comments by
article, its eraser anonymizes them without tearing any thread.
"""

from django.db.models import Q
from django.utils import timezone

from comments.models import Comment, ModerationAction, Suspension, avatar_colour_for
from comments.tree_cache import bump_article_versions
from core.mail import site_url
from core.privacy import iso


def comments_of(email: str):
    """Every comment stored under an address, whatever the letter case it was typed in."""
    return Comment.objects.filter(author_email__iexact=email)


def count_comments(email: str) -> int:
    """How many comments erasing the address anonymizes (the export groups them by article)."""
    return comments_of(email).count()


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
    return anonymize_comments(comments_of(email))


def anonymize_comments(comments) -> int:
    """Anonymize the given comments (a queryset) as erasing a person does. Public: the
    fediverse app erases a remote author's replies through it."""
    article_ids = set(comments.values_list("article_id", flat=True).distinct())
    keys = set(comments.exclude(commenter="").values_list("commenter", flat=True).distinct())
    comment_ids = list(comments.values_list("pk", flat=True))  # before the filter stops matching
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
        # Their record goes with them: the key was derived from the address or the account.
        commenter="",
        avatar_colour=avatar_colour_for(""),
        updated=timezone.now(),
    )
    # The moderators' log keeps what was done, no longer to whom.
    ModerationAction.objects.filter(commenter__in=keys).update(commenter="")
    # A suspension stays in force (its key is a keyed hash, kept against abuse) but no longer
    # names them: its label keeps only the comment it came from.
    suspensions = Suspension.objects.filter(Q(commenter__in=keys) | Q(comment_id__in=comment_ids))
    for pk, comment_id in suspensions.values_list("pk", "comment_id"):
        Suspension.objects.filter(pk=pk).update(label=f"#{comment_id}" if comment_id else "#")
    bump_article_versions(*article_ids)
    return count
