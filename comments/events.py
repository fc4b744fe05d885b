"""What happens to comments that other apps may act on, without comments knowing them.

`comments_approved` is sent once the transaction that made comments visible commits, with
`comments`: the Comment instances that became approved (from any other status). Every way a
comment becomes approved sends it through `approved_after_commit`: posted and approved at once
(comments.services), one approval or many (the admin's and the desk's bulk actions), an edit the
rules approve (comments.editing). The fediverse sends our site's replies to its comments back
from here.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

comments_approved = Signal()


def approved_after_commit(comments: Iterable) -> None:
    """Send comments_approved for these comments after commit (at once outside a transaction)."""
    approved = list(comments)
    if approved:
        transaction.on_commit(
            lambda: comments_approved.send(sender=approved[0].__class__, comments=approved)
        )
