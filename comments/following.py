"""Following a discussion by email without commenting: double opt-in, per article, each new
comment or a daily digest, one-click unsubscribe.

Nothing a visitor sees depends on whether an address already follows: asking again sends a new
confirmation (at most one a day per address and article, and at most
COMMENTS_FOLLOW_MAILS_PER_MAILBOX a day per mailbox over the whole site, `+tag`s and case
folded) and shows the same "check your inbox" page. Confirmation links expire after a week;
unsubscribe links never do. Messages go one recipient at a time and name nobody's address.
Those who ticked "notify me of replies" when commenting keep that separate behaviour
(comments.notifications).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from comments import conf, mail
from comments.models import Comment, DiscussionFollower
from core import ratelimit
from core.mail import site_url
from core.privacy import iso

logger = logging.getLogger(__name__)

CONFIRM_SALT = "comments.follow.confirm"
UNSUBSCRIBE_SALT = "comments.follow.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)
ASK_AGAIN_AFTER = timedelta(days=1)
DIGEST_MAX_COMMENTS = 50
MAILBOX_CAP = ratelimit.PerMailbox(
    "comments-follow", conf, "COMMENTS_FOLLOW_MAILS_PER_MAILBOX", "COMMENTS_MAILBOX_WINDOW"
)


def confirm_token(follower: DiscussionFollower, frequency: str) -> str:
    return signing.dumps([follower.pk, frequency], salt=CONFIRM_SALT)


def unsubscribe_token(follower: DiscussionFollower) -> str:
    return signing.dumps(follower.pk, salt=UNSUBSCRIBE_SALT)


def _follower(pk) -> DiscussionFollower | None:
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return DiscussionFollower.objects.select_related("article").filter(pk=pk).first()


def read_confirm_token(token: str) -> tuple[DiscussionFollower | None, str]:
    """The follower a confirmation link was sent to, and the frequency it asked for."""
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None, ""
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], str)):
        return None, ""
    return _follower(value[0]), value[1]


def read_unsubscribe_token(token: str) -> DiscussionFollower | None:
    try:
        return _follower(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except signing.BadSignature:
        return None


def follower_request(*, article, email: str, frequency: str) -> bool:
    """Ask to follow `article`: (re)send the confirmation link. Returns whether one was sent.

    A confirmed follower changing the frequency is asked to confirm again, so nobody can change
    someone else's subscription by typing their address.
    """
    email = mail.normal_email(email)
    with transaction.atomic():
        follower, created = DiscussionFollower.objects.select_for_update().get_or_create(
            article=article, email=email, defaults={"frequency": frequency}
        )
        now = timezone.now()
        if not created and now - follower.created < ASK_AGAIN_AFTER:
            return False
        if not created:
            follower.created = now
            follower.save(update_fields=["created"])
    if not MAILBOX_CAP.allow(email):
        logger.info("Follow confirmation for follower %s not sent: mailbox cap", follower.pk)
        return False
    link = site_url(reverse("comments:follow-confirm", args=[confirm_token(follower, frequency)]))
    return _send(
        "follow_confirm",
        follower,
        {"confirm_url": link, "days": CONFIRM_MAX_AGE.days, "daily": frequency == "daily"},
    )


def follower_confirm(*, follower: DiscussionFollower, frequency: str) -> DiscussionFollower:
    if frequency not in DiscussionFollower.Frequency.values:
        frequency = follower.frequency
    follower.frequency = frequency
    follower.confirmed_at = follower.confirmed_at or timezone.now()
    follower.digest_sent_at = follower.digest_sent_at or follower.confirmed_at
    follower.save(update_fields=["frequency", "confirmed_at", "digest_sent_at"])
    return follower


def follower_unsubscribe(*, follower: DiscussionFollower) -> None:
    follower.delete()


def confirmed_followers(article, frequency: str):
    return DiscussionFollower.objects.filter(
        article=article, frequency=frequency, confirmed_at__isnull=False
    )


def followers_notify(comment: Comment) -> int:
    """Tell immediate followers about a newly approved comment (after commit). Returns how many
    messages went out; failures are logged, never raised."""
    try:
        commenter = mail.normal_email(comment.author_email)
        followers = list(
            confirmed_followers(comment.article, DiscussionFollower.Frequency.IMMEDIATE).exclude(
                email=commenter
            )
        )
        for follower in followers:
            follower.article = comment.article  # read by each message: no query per follower
        context = {
            "commenter": comment.display_name,
            "text": comment.body,
            "comment_url": site_url(comment.get_absolute_url()),
        }
        return sum(_send("follow_comment", follower, context) for follower in followers)
    except Exception:
        logger.exception("Could not notify the followers about comment %s", comment.pk)
        return 0


def followers_tell_correction(correction) -> int:
    """Tell every confirmed follower of an article (immediate and daily alike: a correction is
    news about what they read) that it was corrected or updated. Returns how many messages went
    out; failures are logged, never raised."""
    try:
        context = {
            "kind": correction.get_kind_display(),
            "text": correction.text,
            "correction_url": site_url(correction.get_absolute_url()),
        }
        followers = DiscussionFollower.objects.filter(
            article_id=correction.article_id, confirmed_at__isnull=False
        ).select_related("article")
        return sum(_send("follow_correction", follower, context) for follower in followers)
    except Exception:
        logger.exception("Could not tell the followers about correction %s", correction.pk)
        return 0


def correction_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """Signal receiver (connected in CommentsConfig.ready()): a new correction is told to the
    article's followers after commit."""
    if created and not raw:
        transaction.on_commit(lambda: followers_tell_correction(instance))


def digests_send(*, now=None) -> int:
    """One digest per confirmed daily follower with approved comments since the last one.
    Meant to run daily (manage.py send_discussion_digests, or the task in comments.tasks)."""
    now = now or timezone.now()
    sent = 0
    daily = DiscussionFollower.objects.filter(
        frequency=DiscussionFollower.Frequency.DAILY, confirmed_at__isnull=False
    ).select_related("article")
    for follower in daily:
        since = follower.digest_sent_at or follower.confirmed_at
        comments = list(
            Comment.objects.public()
            .filter(article=follower.article, created__gt=since, created__lte=now)
            .exclude(author_email__iexact=follower.email)
            .order_by("created")[:DIGEST_MAX_COMMENTS]
        )
        if not comments:
            continue
        context = {
            "comments": [
                {
                    "commenter": c.display_name,
                    "excerpt": Truncator(c.body).chars(300),
                    "url": site_url(c.get_absolute_url()),
                }
                for c in comments
            ],
            "count": len(comments),
        }
        if _send("follow_digest", follower, context):
            DiscussionFollower.objects.filter(pk=follower.pk).update(digest_sent_at=now)
            sent += 1
    return sent


def _send(kind: str, follower: DiscussionFollower, extra: dict) -> bool:
    article = follower.article
    unsubscribe = site_url(
        reverse("comments:follow-unsubscribe", args=[unsubscribe_token(follower)])
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "site_name": settings.SITE_NAME,
            "article_title": article.title,
            "article_url": site_url(article.get_absolute_url() + "#comments"),
            "unsubscribe_url": unsubscribe,
            **extra,
        }
        headers = (
            {}
            if kind == "follow_confirm"
            else {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        )
        message = mail.render_message(kind, follower.email, context, headers=headers)
    try:
        message.send(using=mail.MAILER)
    except Exception:
        logger.exception("Could not send %s to follower %s", kind, follower.pk)
        return False
    return True


def export_follows(email: str) -> list[dict]:
    return [
        {
            "article": f.article.title,
            "url": site_url(f.article.get_absolute_url()),
            "frequency": f.frequency,
            "asked_at": iso(f.created),
            "confirmed_at": iso(f.confirmed_at),
        }
        for f in DiscussionFollower.objects.filter(email=mail.normal_email(email)).select_related(
            "article"
        )
    ]


def erase_follows(email: str) -> int:
    return DiscussionFollower.objects.filter(email=mail.normal_email(email)).delete()[0]
