"""The discussion rules that decide what happens to a new comment.

check_comment() follows the order of WordPress's wp_allow_comment() / check_comment():

0. the article's own author and moderators (logged in) are trusted: approved;
1. the spam list: a match goes straight to spam;
2. standing below the discussion's low mark (comments.selectors): held, "new or unreliable";
3. manual approval of every comment: held, unless the commenter is trusted by standing (at
   least the high mark, with an account or this browser's proven address);
4. N or more links in the text: held;
5. the hold list: held;
6. returning authors, when that rule is on: approved only with an earlier approved comment from
   the same proven person (their account, or an address confirmed by a link sent to it; see
   comments.verification; a reply from the fediverse: the actor that signed it), otherwise
   held: a typed email proves nothing. Trusted by standing passes too;
7. a reply from the fediverse by an actor with no approved comment yet: held;
8. otherwise: approved.

A reply from the fediverse (Candidate.actor_key) goes through the same rules as any comment,
its signed actor counting as a proven commenter: its standing, its suspensions, its record.

Every verdict names its rule (Comment.Rule) and says what matched; both are stored with the
comment, in the site's language, for the moderators' queue.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from comments import discussion, hours, selectors, suspensions, verification
from comments.identity import commenter_key
from comments.models import Comment, DiscussionSettings

# WordPress counts links the same way: an optional href= and an optional scheme before "//".
Rule = Comment.Rule
LINK_RE = re.compile(r"""(href\s*=\s*['"]?)?(https?:)?//""", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""
    rule: str = Comment.Rule.NONE


class StoredVerdict(NamedTuple):
    """A verdict as a comment stores it: status, held_reason, held_rule."""

    status: str
    reason: str
    rule: str


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
    # A reply from the fediverse: the key of the actor that signed it (comments.identity), as
    # proved as an account. Its standing, suspensions and record are the actor's.
    actor_key: str = ""

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


def stored_verdict(candidate: Candidate, *, article, user=None) -> StoredVerdict:
    """(status, held reason, rule) as a comment stores them: the reason is for moderators, so in
    the site's language rather than the commenter's, and at most 200 characters ("" if
    approved)."""
    with translation.override(settings.LANGUAGE_CODE):
        verdict = check_comment(candidate, article=article, user=user)
        return StoredVerdict(verdict.status, str(verdict.reason)[:200], verdict.rule)


@dataclass(frozen=True)
class Standing:
    """Where the candidate stands with the rules: below the low mark, or trusted by standing."""

    low: bool = False
    trusted: bool = False


def standing_for(candidate: Candidate, *, user, rules: DiscussionSettings) -> Standing:
    """The commenter's standing (one aggregate query) against the discussion's marks. Trust
    needs proof: an account, or the address this browser proved; a typed one only ever counts
    against its owner's record, never for it."""
    authenticated = user is not None and user.is_authenticated
    key = candidate.actor_key or commenter_key(
        user_id=user.pk if authenticated else None, email=candidate.author_email
    )
    score = selectors.commenter_standing(key)
    email = candidate.author_email.strip().lower()
    proven = (
        authenticated
        or bool(candidate.actor_key)
        or (bool(email) and email == candidate.proven_email.strip().lower())
    )
    return Standing(low=score < rules.standing_low, trusted=proven and score >= rules.standing_high)


def check_comment(
    candidate: Candidate, *, article, user=None, rules: DiscussionSettings | None = None
) -> Verdict:
    rules = rules or discussion.current()
    if is_trusted(user, article):
        return Verdict(Comment.Status.APPROVED)
    if _suspended_quietly(candidate, user=user):
        return Verdict(Comment.Status.SPAM, _("suspended commenter"), Rule.SUSPENDED)
    if spam := _first_match(rules.entries(rules.spam_list), candidate):
        return Verdict(Comment.Status.SPAM, _("word in the spam list: “%s”") % spam, Rule.SPAM_LIST)
    standing = standing_for(candidate, user=user, rules=rules)
    if standing.low:
        return Verdict(Comment.Status.PENDING, _("new or unreliable commenter"), Rule.STANDING)
    if rules.require_approval and not standing.trusted:
        return Verdict(Comment.Status.PENDING, _("every comment is approved by hand"), Rule.MANUAL)
    verdict = _content_verdict(candidate, user=user, rules=rules, standing=standing)
    if (
        verdict.status == Comment.Status.APPROVED
        and candidate.actor_key
        and not selectors.has_approved_comment(candidate.actor_key)
    ):
        # An actor we have never published waits for a moderator, whatever the rules.
        return Verdict(
            Comment.Status.PENDING,
            _("first reply from this fediverse account"),
            Rule.NOT_RETURNING,
        )
    return verdict


def _suspended_quietly(candidate: Candidate, *, user) -> bool:
    """A suspended commenter known only by a typed address: taken, straight to spam (a refusal
    would tell whoever typed the address something about its owner; comments.suspensions)."""
    check = suspensions.suspension_check(
        user=user, email=candidate.author_email, proven_email=candidate.proven_email,
        ip_address=candidate.ip_address, actor_key=candidate.actor_key,
    )  # fmt: skip
    return check.silent or check.refuse


def _content_verdict(candidate: Candidate, *, user, rules, standing: Standing) -> Verdict:
    """The rules that look at what was written, then at who is returning."""
    links = count_links(candidate.body)
    if rules.hold_link_count and links >= rules.hold_link_count:
        return Verdict(Comment.Status.PENDING, _("%d links") % links, Rule.LINKS)
    if held := _first_match(rules.entries(rules.hold_list), candidate):
        return Verdict(
            Comment.Status.PENDING, _("word in the hold list: “%s”") % held, Rule.HOLD_LIST
        )
    if rules.auto_approve_returning and not standing.trusted and not _returning(candidate, user):
        return Verdict(
            Comment.Status.PENDING,
            _("not a returning commenter with a confirmed address"),
            Rule.NOT_RETURNING,
        )
    return Verdict(Comment.Status.APPROVED)


def _returning(candidate: Candidate, user) -> bool:
    """An earlier approved comment from the same proven commenter: the fediverse actor that
    signed this one, else the account or the address this browser proved."""
    if candidate.actor_key:
        return selectors.has_approved_comment(candidate.actor_key)
    return verification.is_returning_commenter(
        email=candidate.author_email, user=user, proven_email=candidate.proven_email
    )


def closing_time(article, *, rules: DiscussionSettings | None = None):
    """When the article's comments close by age (None: the rules never close them)."""
    rules = rules or discussion.current()
    if rules.close_after_days:
        return article.publish_at + timedelta(days=rules.close_after_days)
    return None


def comments_open_for_good(article, *, rules: DiscussionSettings | None = None) -> bool:
    """Comments are open unless the article closes them or it is older than the setting
    (whatever the hour: see comments_open)."""
    if not article.comments_enabled:
        return False
    closes = closing_time(article, rules=rules)
    return closes is None or timezone.now() < closes


def comments_open(article, *, rules: DiscussionSettings | None = None) -> bool:
    """Comments are open now: open for good, and not at an hour that closes them
    (comments.hours)."""
    rules = rules or discussion.current()
    return comments_open_for_good(article, rules=rules) and (
        hours.reopens_at(article, rules=rules) is None
    )
