"""The comments app's models, a module per concern: the comment with its earlier versions and
readers' reports on it (comment.py), the discussion settings, the followers, the commenters'
addresses, the moderators' desk (its log and suspensions), the kept size of each discussion.
Imported here so Django finds them and `from comments.models import Comment` reads as it always
did."""

from comments.models.addresses import CommenterAddress
from comments.models.comment import (
    AVATAR_COLOURS,
    TREE_ANNOTATIONS,
    Comment,
    CommentFlag,
    CommentManager,
    CommentQuerySet,
    CommentRevision,
    as_given,
    avatar_colour_for,
    role_of,
)
from comments.models.counts import DiscussionCount
from comments.models.desk import ModerationAction, SectionDesk, Suspension
from comments.models.discussion import CommentOrder, DefaultPage, DiscussionSettings
from comments.models.following import DiscussionFollower
from comments.models.hours import SectionHours

__all__ = [
    "AVATAR_COLOURS",
    "TREE_ANNOTATIONS",
    "Comment",
    "CommentFlag",
    "CommentManager",
    "CommentOrder",
    "CommentQuerySet",
    "CommentRevision",
    "CommenterAddress",
    "DefaultPage",
    "DiscussionCount",
    "DiscussionFollower",
    "DiscussionSettings",
    "ModerationAction",
    "SectionDesk",
    "SectionHours",
    "Suspension",
    "as_given",
    "avatar_colour_for",
    "role_of",
]
