"""Background work of the comments app, for django.tasks (the worker runs them)."""

from django.tasks import task

from comments import following


@task
def send_digests() -> int:
    """The daily digests for followers of a discussion (schedule it once a day)."""
    return following.digests_send()
