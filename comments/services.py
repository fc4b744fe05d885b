"""Writes that carry the comment rules. Views, the admin, commands and tests all call these."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from blog.models import Article
from comments import (
    conf,
    discussion,
    events,
    flags,
    hours,
    moderation,
    moderation_log,
    notifications,
    suspensions,
    verification,
)
from comments.counts import StatusChange, counts_follow
from comments.identity import commenter_key
from comments.models import Comment, ModerationAction, Suspension, role_of
from comments.tree_cache import bump_article_versions
from core.client_address import network_of, valid_ip
from core.text import clean_text
from core.web_address import is_web_address

# Any constant works: it names the lock that serialises new threads (new tree_ids).
NEW_THREAD_LOCK_KEY = 0x636F6D6D


@dataclass
class CommentRefused(Exception):
    """A post that breaks a rule: the message is for the reader, the status for the response."""

    message: str
    status: int = 400
    field: str | None = None

    def __str__(self):
        return str(self.message)


def thread_lock_for_insert(parent: Comment | None) -> None:
    """Lock what the insert will shift, so concurrent posts cannot corrupt a tree.

    Public: every writer that inserts into a comment tree (the form, the WordPress import)
    calls it inside its transaction, before the insert.

    A reply shifts lft/rght inside its own thread only: lock that thread's root row. A new
    thread takes max(tree_id) + 1: serialise those with a transaction-level advisory lock.
    SQLite needs neither: its IMMEDIATE transactions already admit one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    if parent is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_THREAD_LOCK_KEY])
    else:
        Comment.objects.select_for_update().filter(
            tree_id=parent.tree_id, parent__isnull=True
        ).values_list("pk", flat=True).get()


def _resolve_parent(article: Article, parent_id: int | None) -> Comment | None:
    if parent_id is None:
        return None
    parent = Comment.objects.filter(pk=parent_id).first()
    if parent is None or parent.article_id != article.pk:
        raise CommentRefused(
            _("The comment you are replying to does not exist."), status=400, field="parent"
        )
    return parent


def comment_post(
    *,
    article: Article,
    body: str,
    author_name: str = "",
    author_email: str = "",
    author_url: str = "",
    parent_id: int | None = None,
    user=None,
    ip_address: str | None = None,
    user_agent: str = "",
    notify_on_reply: bool = False,
    proven_email: str = "",
) -> Comment:
    """Post a comment or a reply; the discussion rules decide whether it is published, held
    for moderation or marked as spam (see comments.moderation).

    No refusal depends on data the poster has not proved: the duplicate check only looks at
    comments posted from the same account or, for anonymous readers, the same address.
    """
    user = user if user is not None and user.is_authenticated else None
    ip_address = valid_ip(ip_address)
    # The form already did this; the shell, fixtures and imports come through here too.
    author_name, author_email, author_url = (
        clean_text(value).strip() for value in (author_name, author_email, author_url)
    )
    if user is not None:
        # A logged-in commenter need not type who they are: their account says it.
        account_name, account_email = account_identity(user)
        author_name = author_name or account_name
        author_email = author_email or account_email
    body = clean_text(body, multiline=True).strip()
    check_article_open(article)
    check_body(body)
    check_website(author_url)
    check_not_suspended(
        user=user, author_email=author_email, proven_email=proven_email, ip_address=ip_address
    )
    with transaction.atomic():
        parent = _reply_target(article, parent_id)
        check_not_duplicate(
            article=article, body=body, author_email=author_email, user=user, ip_address=ip_address
        )
        return _insert(
            article=article,
            parent=parent,
            candidate=moderation.Candidate(
                author_name=author_name.strip(),
                author_email=author_email.strip(),
                author_url=author_url.strip(),
                body=body,
                ip_address=ip_address,
                user_agent=clean_text(user_agent)[:500],  # a header: anything at all
                proven_email=proven_email,
            ),
            user=user,
            notify_on_reply=notify_on_reply,
        )


def comment_post_remote(
    *,
    article: Article,
    body: str,
    author_name: str,
    author_url: str = "",
    parent_id: int | None = None,
    actor: str = "",
) -> Comment:
    """A reply written on another server and delivered to us signed (the fediverse app has
    checked its signature and that the sender is not blocked): no email, no IP address.

    `actor` is the id of the actor that signed it: the commenter, for their record, standing
    and suspensions (comments.identity). The same rules as any comment (article open, body,
    a suspended actor refused, spam list, standing, manual approval, depth, replies to approved
    comments only), and an actor with no approved comment yet is held whatever the rules
    (comments.moderation). It carries the fediverse badge.
    """
    actor_key = commenter_key(user_id=None, email="", actor=actor) if actor else ""
    author_name = clean_text(author_name).strip()[:100]
    author_url = clean_text(author_url).strip()
    if len(author_url) > 200 or not is_web_address(author_url):
        author_url = ""
    body = clean_text(body, multiline=True).strip()
    check_article_open(article)
    check_body(body)
    if actor_key and suspensions.suspension_check(actor_key=actor_key).refuse:
        raise CommentRefused(suspensions.REFUSAL, status=403)
    with transaction.atomic():
        parent = _reply_target(article, parent_id)
        return _insert(
            article=article,
            parent=parent,
            candidate=moderation.Candidate(
                author_name=author_name,
                author_email="",
                author_url=author_url,
                body=body,
                ip_address=None,
                actor_key=actor_key,
            ),
            user=None,
            notify_on_reply=False,
            remote=True,
        )


def check_article_open(article: Article) -> None:
    """Refuse a post to an article readers cannot see or whose comments are closed."""
    if not Article.objects.published().filter(pk=article.pk).exists():
        raise CommentRefused(_("This article is not available."), status=404)
    if not moderation.comments_open_for_good(article):
        raise CommentRefused(_("Comments are closed on this article."), status=403)
    reopening = hours.reopens_at(article)
    if reopening is not None:
        # Closed for the night or the day: the form keeps the text and says when to post it.
        raise CommentRefused(hours.closed_message(reopening), status=403)


def check_not_suspended(
    *, user, author_email: str, proven_email: str, ip_address: str | None
) -> None:
    """A suspended commenter's post is refused, neutrally, when the refusal says nothing they
    have not proved (comments.suspensions); the form keeps their text."""
    check = suspensions.suspension_check(
        user=user, email=author_email, proven_email=proven_email, ip_address=ip_address
    )
    if check.refuse:
        raise CommentRefused(suspensions.REFUSAL, status=403)


def check_body(body: str) -> None:
    if not body:
        raise CommentRefused(_("Write a comment before posting."), status=400, field="body")


def check_website(author_url: str) -> None:
    if author_url and not is_web_address(author_url):
        raise CommentRefused(
            _("Enter a web address starting with http:// or https://."),
            status=400,
            field="author_url",
        )


def check_not_duplicate(
    *, article: Article, body: str, author_email: str, user, ip_address: str | None
) -> None:
    """The same text by the same address on the same article, from the same poster.

    Keyed on what the poster proved (their account, else their IP address) as well as the
    email: a stranger typing someone else's address and text never matches, so the answer
    cannot confirm who wrote a comment.
    """
    if not conf.get("COMMENTS_DUPLICATE_CHECK"):
        return
    same = Comment.objects.for_article(article).filter(
        author_email__iexact=author_email.strip(), body=body
    )
    if user is not None:
        same = same.filter(user=user)
    elif ip_address is not None:
        same = same.filter(user__isnull=True, ip_address=ip_address)
    else:
        same = same.filter(user__isnull=True, ip_address__isnull=True)
    if same.exists():
        raise CommentRefused(
            _("Duplicate comment: it looks as though you have already said that."),
            status=409,
            field="body",
        )


def _reply_target(article: Article, parent_id: int | None) -> Comment | None:
    """The comment a reply attaches to (the deepest allowed ancestor), checked before locking."""
    parent = _resolve_parent(article, parent_id)
    if parent is None:
        return None
    _check_can_reply(parent)
    return _deepest_allowed(parent)


def _insert(
    *,
    article: Article,
    parent: Comment | None,
    candidate,
    user,
    notify_on_reply: bool,
    remote: bool = False,
) -> Comment:
    """The locked section: lock what the insert shifts, re-check the parent, moderate, save."""
    # A node's level never changes on insert, only lft/rght do: lock now, and mptt re-reads
    # the parent's lft/rght (refresh_target) under the lock when it inserts.
    thread_lock_for_insert(parent)
    if parent is not None:
        # Moderation may have removed or hidden the parent while we waited for the lock.
        parent = Comment.objects.filter(pk=parent.pk).first()
        if parent is None:
            raise CommentRefused(
                _("The comment you are replying to does not exist."), status=400, field="parent"
            )
        _check_can_reply(parent)

    status, held_reason, held_rule = moderation.stored_verdict(
        candidate, article=article, user=user
    )
    if remote and not candidate.actor_key and status == Comment.Status.APPROVED:
        # A reply no actor answers for has no record to earn trust with: a moderator decides.
        status, held_rule = Comment.Status.PENDING, Comment.Rule.MANUAL
        with translation.override(settings.LANGUAGE_CODE):
            held_reason = str(_("reply from the fediverse"))
    comment = Comment(
        article=article,
        parent=parent,
        author_name=candidate.author_name,
        author_email=candidate.author_email,
        author_url=candidate.author_url,
        body=candidate.body,
        user=user,
        ip_address=candidate.ip_address,
        user_agent=candidate.user_agent,
        notify_on_reply=notify_on_reply,
        status=status,
        held_reason=held_reason,
        held_rule=held_rule,
        author_role=Comment.Role.FEDIVERSE if remote else role_of(user, article),
        commenter=candidate.actor_key,  # kept by save() for a fediverse reply, else derived
    )
    comment.save()
    counts_follow([StatusChange(article.pk, comment.tree_id, None, comment.status)])
    if comment.status == Comment.Status.PENDING:
        transaction.on_commit(lambda: notifications.comment_held(comment))
        transaction.on_commit(
            lambda: verification.address_confirmation_request(
                comment=comment, proven_email=candidate.proven_email
            )
        )
    elif comment.status == Comment.Status.APPROVED:
        transaction.on_commit(lambda: notifications.comment_approved(comment))
        events.approved_after_commit([comment])
    return comment


def account_identity(user) -> tuple[str, str]:
    """The name and address a logged-in user comments under: their author profile's name, else
    their full name, else their username; the account's email."""
    profile = getattr(user, "author", None)
    name = (profile.display_name if profile else "") or user.get_full_name() or user.get_username()
    return name[:100], user.email or ""


def _check_can_reply(parent: Comment) -> None:
    if parent.status != Comment.Status.APPROVED:
        raise CommentRefused(
            _("You cannot reply to a comment that is not approved."), status=403, field="parent"
        )


def _deepest_allowed(parent: Comment) -> Comment | None:
    """A reply below the maximum depth is attached to the deepest ancestor that may have one.

    With a maximum depth of 1 there are no replies: it becomes a new thread, as in WordPress.
    """
    deepest_parent_level = conf.deepest_parent_level(discussion.max_depth())
    if deepest_parent_level < 0:
        return None
    if parent.level <= deepest_parent_level:
        return parent
    return parent.get_ancestors().get(level=deepest_parent_level)


def comment_set_status(*, comment: Comment, status: str, moderator=None, note: str = "") -> Comment:
    """Moderate one comment; the page caches of its article follow (signals), and a first
    approval sends the notifications after commit. `note` goes into the moderators' log (the
    queue's undo says so)."""
    with transaction.atomic():
        # The status as stored, under the row's lock: two moderators acting at once count once.
        before = (
            Comment.objects.select_for_update()
            .filter(pk=comment.pk)
            .values_list("status", flat=True)
            .first()
        ) or comment.status
        # Notifications go out when a held comment is approved (WordPress's unapproved ->
        # approved), not again when a comment comes back from spam or the bin.
        approving = status == Comment.Status.APPROVED and before == Comment.Status.PENDING
        moderation_log.status_change_log(
            comments=[comment], status=status, moderator=moderator,
            previous={comment.pk: before}, note=note,
        )  # fmt: skip
        comment.status = status
        comment.moderated_by = moderator
        comment.moderated_at = timezone.now()
        comment.save(update_fields=["status", "moderated_by", "moderated_at", "updated"])
        counts_follow([StatusChange(comment.article_id, comment.tree_id, before, status)])
        flags.flags_resolve(comment_ids=[comment.pk], status=status)
        if approving:
            transaction.on_commit(lambda: notifications.comment_approved(comment))
        if status == Comment.Status.APPROVED and before != Comment.Status.APPROVED:
            events.approved_after_commit([comment])
    return comment


def comment_pick(*, comment: Comment, moderator, picked: bool = True) -> bool:
    """Mark `comment` as one of the editors' picks ("Scelti dalla redazione"), or unmark it.

    Only an approved comment can be picked. Logged in the moderators' log; the article's pages
    retire as for any moderation (its comment version moves); the first time a comment is
    picked its commenter is told after commit, if they asked for notices. Returns whether
    anything changed (picking a picked comment changes nothing and says nothing).
    """
    with transaction.atomic():
        row = (
            Comment.objects.select_for_update()
            .filter(pk=comment.pk)
            .values_list("status", "picked_at")
            .first()
        )
        if row is None:
            raise CommentRefused(_("This comment no longer exists."), status=404)
        status, picked_at = row
        if picked and status != Comment.Status.APPROVED:
            raise CommentRefused(_("Only approved comments can be picked."), status=409)
        if (picked_at is not None) == picked:
            comment.picked_at = picked_at
            return False
        kind = ModerationAction.Kind.PICKED if picked else ModerationAction.Kind.UNPICKED
        first_pick = (
            picked
            and not ModerationAction.objects.filter(
                comment_id=comment.pk, kind=ModerationAction.Kind.PICKED
            ).exists()
        )
        comment.picked_at = timezone.now() if picked else None
        Comment.objects.filter(pk=comment.pk).update(picked_at=comment.picked_at)
        moderation_log.actions_log(
            comments=[comment], kind=kind, moderator=moderator, previous={comment.pk: status}
        )
        bump_article_versions(comment.article_id)
        if first_pick:
            transaction.on_commit(lambda: notifications.comment_picked(comment))
    return True


def comments_set_status(*, comments, status: str, moderator=None) -> int:
    """Moderate many comments at once (the admin's bulk actions): one UPDATE, one version bump
    for the articles touched, and after commit the notifications of each first approval and
    comments.events.comments_approved, as comment_set_status sends them. Tree fields are never
    written. Returns how many changed."""
    with transaction.atomic():
        targets = list(
            comments.exclude(status=status)
            .select_for_update(of=("self",))
            .select_related("article")
            .order_by("tree_id", "lft")
        )
        if not targets:
            return 0
        now = timezone.now()
        Comment.objects.filter(pk__in=[comment.pk for comment in targets]).update(
            status=status, moderated_by=moderator, moderated_at=now, updated=now
        )
        flags.flags_resolve(comment_ids=[comment.pk for comment in targets], status=status)
        moderation_log.status_change_log(
            comments=targets, status=status, moderator=moderator,
            previous={comment.pk: comment.status for comment in targets},
        )  # fmt: skip
        bump_article_versions(*{comment.article_id for comment in targets})
        counts_follow(
            StatusChange(comment.article_id, comment.tree_id, comment.status, status)
            for comment in targets
        )
        approved = []
        for comment in targets:
            if status == Comment.Status.APPROVED and comment.status == Comment.Status.PENDING:
                approved.append(comment)
            comment.status, comment.moderated_by, comment.moderated_at = status, moderator, now
        if approved:
            transaction.on_commit(lambda: [notifications.comment_approved(c) for c in approved])
        if status == Comment.Status.APPROVED:
            # As comment_set_status: the apps that act on an approval hear of every one of them.
            events.approved_after_commit(targets)
    return len(targets)


def comment_ips_clear(*, older_than_days: int | None = None, batch_size: int = 5_000) -> int:
    """Forget the IP address and user agent of comments older than the retention period.

    Meant to run daily (manage.py clear_old_ips). The default is COMMENTS_IP_RETENTION_DAYS.
    Returns how many comments still had one of them. Works in batches of `batch_size`, each its
    own short transaction (a first run over years of comments never holds one long lock), and
    reads only the rows that still hold data, through a partial index (comment_holds_ip_idx):
    a daily run touches one day of comments, not the whole table.
    """
    if older_than_days is None:
        older_than_days = conf.get("COMMENTS_IP_RETENTION_DAYS")
    if older_than_days < 0:
        raise ValueError("The retention period cannot be negative.")
    cutoff = timezone.now() - timedelta(days=older_than_days)
    holding = Comment.objects.filter(
        Q(ip_address__isnull=False) | ~Q(user_agent=""), created__lt=cutoff
    )
    cleared = 0
    while True:
        with transaction.atomic():
            batch = list(holding.order_by("created").values_list("pk", flat=True)[:batch_size])
            if batch:
                cleared += Comment.objects.filter(pk__in=batch).update(
                    ip_address=None, user_agent=""
                )
        if len(batch) < batch_size:
            return cleared


class DeleteOutcome(StrEnum):
    DELETED = "deleted"
    PLACEHOLDER = "placeholder"


def comment_delete(*, comment: Comment, moderator=None) -> str:
    """Delete a comment nobody has replied to; keep one with replies as a placeholder.

    Deleting a comment with replies would tear a hole in its thread (Comment.parent is RESTRICT
    for that reason), so it is rejected instead, through comment_set_status: readers see
    "Comment removed" in its place with the replies below it, moderators still see its text.
    A spam or rejected comment with replies is already a placeholder and stays as it is.

    Deleting closes a gap in the thread, so it takes the same lock as a reply (the thread's root
    row) and reads the comment again under it: a reply posted meanwhile is seen, not orphaned.
    Returns DeleteOutcome.DELETED or DeleteOutcome.PLACEHOLDER.
    """
    with transaction.atomic():
        try:
            thread_lock_for_insert(comment)
            comment.refresh_from_db(fields=["status", "tree_id", "lft", "rght", "level"])
        except Comment.DoesNotExist:
            return DeleteOutcome.DELETED  # Someone deleted it meanwhile.
        if comment.is_leaf_node():
            change = StatusChange(comment.article_id, comment.tree_id, comment.status, None)
            moderation_log.actions_log(
                comments=[comment], kind=ModerationAction.Kind.DELETED, moderator=moderator,
                previous={comment.pk: comment.status},
            )  # fmt: skip
            comment.delete()
            counts_follow([change])
            return DeleteOutcome.DELETED
        if comment.status in (Comment.Status.APPROVED, Comment.Status.PENDING):
            comment_set_status(comment=comment, status=Comment.Status.REJECTED, moderator=moderator)
    return DeleteOutcome.PLACEHOLDER


def commenters_suspend(
    *,
    comments,
    reason: str,
    ends_at,
    moderator,
    include_network: bool = False,
    spam_pending: bool = False,
) -> list[Suspension]:
    """Suspend the commenters who wrote `comments` (one suspension per commenter, or per network
    when it has no key), logging it; optionally send their pending comments to spam."""

    with transaction.atomic():
        chosen: dict[str, Comment] = {}
        for comment in comments.select_related("user").order_by("-created", "-pk"):
            network = (network_of(comment.ip_address) or "") if include_network else ""
            if comment.commenter or network:
                chosen.setdefault(comment.commenter or f"net:{network}", comment)
        made = []
        for comment in chosen.values():
            network = (network_of(comment.ip_address) or "") if include_network else ""
            made.append(
                Suspension.objects.create(
                    commenter=comment.commenter,
                    ip_network=network,
                    label=suspensions.label_for(comment),
                    comment=comment,
                    reason=reason[:300],
                    ends_at=ends_at,
                    created_by=moderator,
                )
            )
            moderation_log.actions_log(
                comments=[comment], kind=ModerationAction.Kind.SUSPENDED, moderator=moderator,
                note=reason,
            )  # fmt: skip
        if spam_pending:
            suspended_pending_to_spam(suspensions=made, moderator=moderator)
    return made


def suspended_pending_to_spam(*, suspensions, moderator) -> int:
    """Every pending comment of the suspended commenters goes to spam, in one action (logged
    per comment by the moderation service)."""
    keys = {s.commenter for s in suspensions if s.commenter}
    if not keys:
        return 0
    pending = Comment.objects.by_commenter(*keys).filter(status=Comment.Status.PENDING)
    return comments_set_status(comments=pending, status=Comment.Status.SPAM, moderator=moderator)
