"""The discussion rules that decide what happens to a new comment.

check_comment() follows the order of WordPress's wp_allow_comment() / check_comment():

0. the article's own author and moderators (logged in) are trusted: approved;
1. the spam list: a match goes straight to spam;
2. manual approval of every comment: held;
3. N or more links in the text: held;
4. the hold list: held;
5. returning authors, when that rule is on: approved only with an earlier approved comment from
   the same proven person (their account, or an address confirmed by a link sent to it; see
   comments.verification), otherwise held: a typed email proves nothing;
6. otherwise: approved.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from comments import discussion, verification
from comments.models import Comment, DiscussionSettings

# WordPress counts links the same way: an optional href= and an optional scheme before "//".
LINK_RE = re.compile(r"""(href\s*=\s*['"]?)?(https?:)?//""", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


@dataclass(frozen=True)
class Candidate:
    """What a rule may look at: the fields a reader typed, and where they came from."""

    author_name: str
    author_email: str
    author_url: str
    body: str
    ip_address: str | None
    user_agent: str = ""
    proven_email: str = ""  # the address this browser proved (comments.verification), not typed

    def haystacks(self) -> list[str]:
        fields = [self.author_name, self.author_email, self.author_url, self.body]
        fields += [self.ip_address or "", self.user_agent]
        return [field.lower() for field in fields if field]


def _first_match(entries: list[str], candidate: Candidate) -> str | None:
    haystacks = candidate.haystacks()
    return next((e for e in entries if any(e in haystack for haystack in haystacks)), None)


def count_links(text: str) -> int:
    return len(LINK_RE.findall(text or ""))


def is_trusted(user, article) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.has_perm("comments.change_comment"):
        return True
    return article.author.user_id == user.pk


def stored_verdict(candidate: Candidate, *, article, user=None) -> tuple[str, str]:
    """(status, held reason) as a comment stores them: the reason is for moderators, so in the
    site's language rather than the commenter's, and at most 200 characters ("" if approved)."""
    with translation.override(settings.LANGUAGE_CODE):
        verdict = check_comment(candidate, article=article, user=user)
        return verdict.status, str(verdict.reason)[:200]


def check_comment(
    candidate: Candidate, *, article, user=None, rules: DiscussionSettings | None = None
) -> Verdict:
    rules = rules or discussion.current()
    if is_trusted(user, article):
        return Verdict(Comment.Status.APPROVED)
    if spam := _first_match(rules.entries(rules.spam_list), candidate):
        return Verdict(Comment.Status.SPAM, _("spam list: “%s”") % spam)
    if rules.require_approval:
        return Verdict(Comment.Status.PENDING, _("every comment is approved by hand"))
    if rules.hold_link_count and count_links(candidate.body) >= rules.hold_link_count:
        return Verdict(Comment.Status.PENDING, _("%d links or more") % rules.hold_link_count)
    if held := _first_match(rules.entries(rules.hold_list), candidate):
        return Verdict(Comment.Status.PENDING, _("hold list: “%s”") % held)
    if rules.auto_approve_returning and not verification.is_returning_commenter(
        email=candidate.author_email, user=user, proven_email=candidate.proven_email
    ):
        return Verdict(
            Comment.Status.PENDING, _("not a returning commenter with a confirmed address")
        )
    return Verdict(Comment.Status.APPROVED)


def closing_time(article, *, rules: DiscussionSettings | None = None):
    """When the article's comments close by age (None: the rules never close them)."""
    rules = rules or discussion.current()
    if rules.close_after_days:
        return article.publish_at + timedelta(days=rules.close_after_days)
    return None


def comments_open(article, *, rules: DiscussionSettings | None = None) -> bool:
    """Comments are open unless the article closes them or it is older than the setting."""
    if not article.comments_enabled:
        return False
    closes = closing_time(article, rules=rules)
    return closes is None or timezone.now() < closes
