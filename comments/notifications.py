"""Email notifications about comments. Called by comments.services after commit.

Four messages, each sent to one recipient at a time (never a list of people in To or Cc), in the
site's language whatever the language of the request that triggered them:

- held: the moderators (active users with an address who may change comments) whose section
  desk covers the article's section, or who have none (comments.section_desks);
- reported: the moderators, about a reported comment that reports may not take off the page;
- approved: the article's author, unless the comment is theirs;
- approved reply: the author of the parent comment, if they asked to be told about replies, with
  a signed one-click unsubscribe link (List-Unsubscribe, RFC 8058); at most
  COMMENTS_REPLY_MAILS_PER_MAILBOX a day per mailbox (`+tag`s and case folded), since the opt-in
  is a box anybody may tick beside anybody's address;
- picked: the commenter whose comment the editors picked (comments.picks), if they asked to be
  told about replies (the same opt-in, the same unsubscribe link, the same daily cap).

No message names a commenter's email address or IP. A failure is logged and swallowed: the
comment is already committed, and the request that posted or approved it must not fail.
"""

import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from comments import conf, discussion, following, mail, section_desks
from comments.models import Comment
from comments.unsubscribe import make_token
from core import ratelimit
from core.mail import addresses_with_permission, site_url

logger = logging.getLogger(__name__)

MODERATE_PERMISSION = "comments.change_comment"
REDACTED = "[…]"
REPLY_MAILBOX_CAP = ratelimit.PerMailbox(
    "comments-reply", conf, "COMMENTS_REPLY_MAILS_PER_MAILBOX", "COMMENTS_MAILBOX_WINDOW"
)


def comment_held(comment: Comment) -> None:
    """Tell the moderators a comment waits for them."""
    try:
        if not discussion.current().notify_moderators:
            return
        messages = _held_messages(comment)
    except Exception:
        logger.exception(
            "Could not prepare the held-comment notifications for comment %s", comment.pk
        )
        return
    _send(messages, comment)


def comment_reported(comment: Comment, *, reason: str) -> None:
    """Tell the moderators that readers reported a comment that stays on the page (by staff,
    the article's author or a commenter in good standing: comments.flags) and waits for them."""
    try:
        if not discussion.current().notify_moderators:
            return
        queue = reverse("admin:comments_comment_changelist") + "?reported=open"
        with translation.override(settings.LANGUAGE_CODE):
            context = _context(
                comment,
                reason=reason,
                queue_url=site_url(queue),
                change_url=site_url(reverse("admin:comments_comment_change", args=[comment.pk])),
                comment_url=site_url(comment.get_absolute_url()),
            )
            messages = [
                mail.render_message("reported", to, context) for to in moderator_addresses()
            ]
    except Exception:
        logger.exception("Could not prepare the report notifications for comment %s", comment.pk)
        return
    _send(messages, comment)


def comment_approved(comment: Comment) -> None:
    """Tell the article's author, and the commenter replied to if they opted in."""
    try:
        messages = []
        reply = _reply_message(comment)
        if reply is not None:
            messages.append(reply)
        already_told = {
            mail.normal_email(address) for message in messages for address in message.to
        }
        author = _author_message(comment, already_told=already_told)
        if author is not None:
            messages.append(author)
    except Exception:
        logger.exception("Could not prepare the approval notifications for comment %s", comment.pk)
        return
    _send(messages, comment)
    following.followers_notify(comment)


def comment_picked(comment: Comment) -> None:
    """Tell the commenter the editors picked their comment, if they asked for notices."""
    try:
        message = _picked_message(comment)
    except Exception:
        logger.exception("Could not prepare the pick notification for comment %s", comment.pk)
        return
    _send([message] if message is not None else [], comment)


def _picked_message(comment: Comment) -> EmailMessage | None:
    # Read afresh: the commenter may have unsubscribed, or the pick been undone, meanwhile.
    comment = Comment.objects.select_related("article").filter(pk=comment.pk).first()
    if comment is None or not comment.notify_on_reply or not comment.author_email:
        return None
    if comment.status != Comment.Status.APPROVED or comment.picked_at is None:
        return None
    if not REPLY_MAILBOX_CAP.allow(comment.author_email):
        return None
    unsubscribe = site_url(reverse("comments:unsubscribe", args=[make_token(comment)]))
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(
            comment,
            comment_url=site_url(comment.get_absolute_url()),
            unsubscribe_url=unsubscribe,
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        return mail.render_message("picked", comment.author_email, context, headers=headers)


def moderator_addresses() -> list[str]:
    """Active users with an address who may moderate comments (group, own permission or
    superuser), each address once."""
    return addresses_with_permission(MODERATE_PERMISSION)


def _held_messages(comment: Comment) -> list[EmailMessage]:
    article = comment.article
    queue = (
        reverse("admin:comments_comment_changelist") + f"?status__exact={Comment.Status.PENDING}"
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(
            comment,
            reason=_redact(comment.held_reason, comment),
            queue_url=site_url(queue),
            change_url=site_url(reverse("admin:comments_comment_change", args=[comment.pk])),
            article_url=site_url(article.get_absolute_url()),
        )
        # Moderators with a section desk are told about their sections only (comments.
        # section_desks); the others' comments reach them as a daily count.
        recipients = section_desks.held_addresses(article.category_id)
        return [mail.render_message("held", to, context) for to in recipients]


def _author_message(comment: Comment, *, already_told: set[str]) -> EmailMessage | None:
    if not discussion.current().notify_authors:
        return None
    author_user = comment.article.author.user
    if author_user is None or not author_user.is_active or not author_user.email:
        return None
    if comment.user_id is not None and comment.user_id == author_user.pk:
        return None
    if mail.normal_email(author_user.email) in already_told | {
        mail.normal_email(comment.author_email)
    }:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(comment, comment_url=site_url(comment.get_absolute_url()))
        return mail.render_message("approved_author", author_user.email, context)


def _reply_message(comment: Comment) -> EmailMessage | None:
    if comment.parent_id is None:
        return None
    # Read afresh: the parent may have unsubscribed since this comment was loaded.
    parent = Comment.objects.filter(pk=comment.parent_id).first()
    if parent is None or not parent.notify_on_reply or not parent.author_email:
        return None
    if parent.status != Comment.Status.APPROVED:
        return None  # Nobody is pulled back to a comment moderators took down.
    if mail.normal_email(parent.author_email) == mail.normal_email(comment.author_email):
        return None
    if parent.user_id is not None and parent.user_id == comment.user_id:
        return None
    if not REPLY_MAILBOX_CAP.allow(parent.author_email):
        return None
    unsubscribe = site_url(reverse("comments:unsubscribe", args=[make_token(parent)]))
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(
            comment,
            comment_url=site_url(comment.get_absolute_url()),
            parent_excerpt=Truncator(parent.body).chars(300),
            unsubscribe_url=unsubscribe,
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        return mail.render_message("reply", parent.author_email, context, headers=headers)


def _context(comment: Comment, **extra) -> dict:
    """What every message may show: never the commenter's address or IP."""
    return {
        "site_name": settings.SITE_NAME,
        "article_title": comment.article.title,
        "commenter": comment.display_name,
        "text": comment.body,
        **extra,
    }


def _send(messages: list[EmailMessage], comment: Comment) -> None:
    for message in messages:
        try:
            message.send(using=mail.MAILER)
        except Exception:
            # Addresses stay out of the log as well.
            logger.exception("Could not send a notification about comment %s", comment.pk)


def _redact(text: str, comment: Comment) -> str:
    """A hold-list entry may be the commenter's whole address or IP: keep those out."""
    for secret in (comment.author_email, comment.ip_address):
        if secret:
            text = re.sub(re.escape(secret), REDACTED, text, flags=re.IGNORECASE)
    return text
