"""The newsletter's background tasks (run by `manage.py worker`; see newsletter.delivery)."""

import logging

from django.conf import settings
from django.dispatch import receiver
from django.tasks import task
from django.utils import translation

from core.signals import worker_started
from newsletter import delivery

logger = logging.getLogger(__name__)


# Notes written on issues and deliveries are in the site's language, whatever the worker's.


@task
def start_issue(issue_id: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return delivery.start_issue(issue_id)


@task
def deliver_batch(issue_id: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return delivery.deliver_batch(issue_id)


@receiver(worker_started, dispatch_uid="newsletter.resume_sending")
def _resume_on_worker_start(sender, **kwargs):
    resumed = delivery.resume_sending()
    if resumed:
        logger.info("Resumed %s newsletter issues", resumed)
