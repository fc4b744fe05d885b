"""Comment settings, read in one place.

Technical knobs (rate limits, form timing, cache lifetimes) come from Django settings. The rules
moderators tune live in the DiscussionSettings row, defaulting to Django settings until someone
saves it; comments.discussion serves it from the cache.
"""

from django.conf import settings
from django.core.cache import cache

from core import versions

DEFAULTS = {
    # Discussion settings (defaults for the admin-editable row).
    "COMMENTS_REQUIRE_APPROVAL": True,
    "COMMENTS_AUTO_APPROVE_RETURNING": False,
    "COMMENTS_HOLD_LINK_COUNT": 2,
    "COMMENTS_HOLD_LIST": "",
    "COMMENTS_SPAM_LIST": "",
    "COMMENTS_CLOSE_AFTER_DAYS": None,
    "COMMENTS_MAX_DEPTH": 5,
    "COMMENTS_ALLOW_ANONYMOUS": False,
    "COMMENTS_NOTIFY_MODERATORS": True,
    "COMMENTS_NOTIFY_AUTHORS": True,
    "COMMENTS_PAGE_COMMENTS": True,
    "COMMENTS_THREADS_PER_PAGE": 50,
    "COMMENTS_DEFAULT_PAGE": "first",
    "COMMENTS_DEFAULT_ORDER": "oldest",
    "COMMENTS_EDIT_WINDOW_MINUTES": 10,
    "COMMENTS_FLAG_THRESHOLD": 3,
    # A commenter's standing (comments.selectors): +1 per approved comment, -1 per rejected or
    # spam. Below the low mark every comment is held; from the high mark an account or a proven
    # address skips manual approval and is protected from report-hiding.
    "COMMENTS_STANDING_LOW": 0,
    "COMMENTS_STANDING_HIGH": 5,
    # Comment hours (comments.hours): discussions close from COMMENTS_CLOSED_FROM to
    # COMMENTS_CLOSED_UNTIL (datetime.time, in TIME_ZONE; None: never by hour) and all day on
    # COMMENTS_CLOSED_DAYS ("6,7": Saturday and Sunday), and reopen by themselves.
    "COMMENTS_CLOSED_FROM": None,
    "COMMENTS_CLOSED_UNTIL": None,
    "COMMENTS_CLOSED_DAYS": "",
    # Section desks (comments.desk): the hour (in TIME_ZONE) of the daily count of comments
    # waiting in other sections, sent to moderators with a desk.
    "COMMENTS_DESK_COUNT_HOUR": 8,
    # Technical settings.
    "COMMENTS_MIN_SECONDS": 3,
    "COMMENTS_MAX_FORM_AGE": 2 * 24 * 3600,
    "COMMENTS_RATE_LIMIT": 5,
    "COMMENTS_RATE_WINDOW": 60,
    "COMMENTS_FLAG_RATE_LIMIT": 10,  # reports per address and hour
    "COMMENTS_FLAG_MIN_SECONDS": 2,
    # Reports from readers: a comment by a commenter in good standing (COMMENTS_STANDING_HIGH)
    # goes to the moderators instead of off the page; a reader (account or network) with this
    # many dismissed reports, more than acted on, stops counting.
    "COMMENTS_FLAG_DISMISSED_LIMIT": 3,
    # Mail that public forms make us send. Per client address: follow requests per window, and
    # address confirmations a client's held comments may send per window. Per mailbox (case
    # folded, `+tag` dropped, across the whole site, whoever asks), per COMMENTS_MAILBOX_WINDOW:
    # follow confirmations, address confirmations, reply notices. Past a cap nothing is sent and
    # the answer is the same.
    "COMMENTS_FOLLOW_RATE_LIMIT": 5,
    "COMMENTS_FOLLOW_RATE_WINDOW": 10 * 60,
    "COMMENTS_PROOF_MAILS_PER_CLIENT": 5,
    "COMMENTS_PROOF_CLIENT_WINDOW": 3600,
    "COMMENTS_FOLLOW_MAILS_PER_MAILBOX": 3,
    "COMMENTS_PROOF_MAILS_PER_MAILBOX": 3,
    "COMMENTS_REPLY_MAILS_PER_MAILBOX": 10,
    "COMMENTS_MAILBOX_WINDOW": 24 * 3600,
    # Editors' picks shown in the band above an article's discussion (comments.selectors).
    "COMMENTS_PICKS_SHOWN": 5,
    "COMMENTS_DUPLICATE_CHECK": True,
    "COMMENTS_REMEMBER_AGE": 365 * 24 * 3600,
    "COMMENTS_TREE_CACHE_SECONDS": 24 * 3600,
    "COMMENTS_IP_RETENTION_DAYS": 90,
}
MAX_DEPTH_LIMIT = 10
DISCUSSION_CACHE_KEY = "comments:discussion-settings"


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def deepest_parent_level(max_depth: int) -> int:
    """The deepest level a reply may hang from (levels count from 0); below 0: no replies."""
    return max_depth - 2


def clamp_depth(value) -> int:
    return max(1, min(MAX_DEPTH_LIMIT, int(value)))


# The core.versions name moved whenever the discussion settings change: pages kept whole
# (core.page_cache) depend on it, since the rules change every comment section.
DISCUSSION_VERSION = "comments:discussion"


def forget_discussion() -> None:
    cache.delete(DISCUSSION_CACHE_KEY)
    versions.bump(DISCUSSION_VERSION)
