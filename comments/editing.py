"""Correcting your own comment: from the browser that posted it, within the discussion's window.

The browser is the proof of authorship (most commenters have no account): a comment posted from
it is remembered in its session with the article it belongs to. A client without a session (the
API) gets an edit token instead when it posts (`edit_token`), a keyed hash of the comment that
only this site can make, and shows it to edit. The window runs from when the
comment was posted (the server's clock, not the session's). An edit passes the discussion rules
again, exactly as a new comment would, so an edit can send a comment back to moderation or to
spam; the text it replaced is kept as a CommentRevision for moderators, and readers see
"edited" beside the date.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from comments import discussion, events, moderation, notifications, session_lists
from comments.counts import StatusChange, counts_follow
from comments.models import Comment, CommentRevision

SESSION_KEY = "comments_editable"
KEEP_PER_ARTICLE = 20
EDIT_TOKEN_SALT = "comments.edit-token"  # noqa: S105 - a salt, not a secret


@dataclass
class EditRefused(Exception):
    message: str
    status: int = 403

    def __str__(self):
        return str(self.message)


def window() -> timedelta:
    return timedelta(minutes=discussion.current().edit_window_minutes)


def remember_posted(request, comment: Comment) -> None:
    """Note in this browser's session that it posted `comment` (only while editing is on)."""
    if not window():
        return
    session_lists.add(request, SESSION_KEY, comment.article_id, comment.pk, keep=KEEP_PER_ARTICLE)
    getattr(request, "comments_editable", {}).pop(comment.article_id, None)


def posted_here(request, article_id: int) -> frozenset:
    return session_lists.ids(request, SESSION_KEY, article_id)


def editable_ids(request, article_id: int) -> frozenset:
    """The comments on this article this browser may still edit (one query, only for browsers
    that posted here, once a request: the view and the comment section both ask)."""
    posted = posted_here(request, article_id)
    if not posted:
        return frozenset()
    memo = request.__dict__.setdefault("comments_editable", {})
    if article_id not in memo:
        memo[article_id] = _editable(request, article_id, posted)
    return memo[article_id]


def _editable(request, article_id: int, posted: frozenset) -> frozenset:
    edit_window = window()
    if not edit_window:
        return frozenset()
    since = timezone.now() - edit_window
    editable = frozenset(
        Comment.objects.filter(pk__in=list(posted), created__gte=since)
        .exclude(status=Comment.Status.SPAM)
        .values_list("pk", flat=True)
    )
    if not editable:
        # Past the window: forget them, so the page is the shared one again, with no query.
        session_lists.replace(request, SESSION_KEY, article_id, frozenset())
    return editable


def edit_token(comment: Comment) -> str:
    """The proof of authorship a client without a session keeps: made for this comment (its
    id and the moment it was posted) with the site's secret key."""
    value = f"{comment.pk}:{comment.created.isoformat()}"
    return salted_hmac(EDIT_TOKEN_SALT, value, algorithm="sha256").hexdigest()


def check_can_edit(request, comment: Comment, *, token: str | None = None) -> None:
    """Raise EditRefused with the reason a reader can act on. Authorship is proved by the
    session of the browser that posted, or, when `token` is given, by that edit token alone."""
    if not window():
        raise EditRefused(_("Comments cannot be edited on this site."))
    if token is not None:
        if not constant_time_compare(token, edit_token(comment)):
            raise EditRefused(_("This edit token was not given for this comment."))
    elif comment.pk not in posted_here(request, comment.article_id):
        raise EditRefused(_("You can only edit a comment from the browser you posted it with."))
    if comment.status == Comment.Status.SPAM or (
        comment.status == Comment.Status.REJECTED and comment.moderated_at is not None
    ):
        raise EditRefused(_("This comment was removed by a moderator and cannot be edited."))
    if timezone.now() - comment.created > window():
        minutes = discussion.current().edit_window_minutes
        raise EditRefused(
            _("The time to edit this comment is over: comments can be edited for %d minutes.")
            % minutes
        )


def comment_edit(*, comment: Comment, body: str, user=None, proven_email: str = "") -> Comment:
    """Replace a comment's text, keep the old one for moderators, apply the rules again."""
    body = body.strip()
    if not body:
        raise EditRefused(_("Write a comment before posting."), status=400)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if body == comment.body:
            return comment
        user = user if user is not None and user.is_authenticated else comment.user
        candidate = moderation.Candidate(
            author_name=comment.author_name,
            author_email=comment.author_email,
            author_url=comment.author_url,
            body=body,
            ip_address=comment.ip_address,
            user_agent=comment.user_agent,
            proven_email=proven_email,
            actor_key=comment.commenter if comment.author_role == Comment.Role.FEDIVERSE else "",
        )
        status, held_reason, held_rule = moderation.stored_verdict(
            candidate, article=comment.article, user=user
        )
        if (
            comment.author_role == Comment.Role.FEDIVERSE
            and status == Comment.Status.APPROVED
            and comment.status != Comment.Status.APPROVED
        ):
            # A held reply from the fediverse waits for its moderator, edited or not.
            status, held_reason, held_rule = comment.status, comment.held_reason, comment.held_rule
        CommentRevision.objects.create(comment=comment, body=comment.body, status=comment.status)
        before = comment.status
        was_approved = before == Comment.Status.APPROVED
        comment.body = body
        comment.edited_at = timezone.now()
        comment.status, comment.held_reason, comment.held_rule = status, held_reason, held_rule
        comment.save(
            update_fields=[
                "body", "body_html", "avatar_colour", "edited_at", "status", "held_reason",
                "held_rule", "updated",
            ]
        )  # fmt: skip
        counts_follow([StatusChange(comment.article_id, comment.tree_id, before, status)])
        if comment.status == Comment.Status.PENDING and was_approved:
            transaction.on_commit(lambda: notifications.comment_held(comment))
        if comment.status == Comment.Status.APPROVED and not was_approved:
            events.approved_after_commit([comment])
    return comment
