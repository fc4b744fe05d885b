"""Signals other apps listen to, so core never imports them."""

from django.dispatch import Signal

# Sent by `manage.py worker` before it takes its first task: the moment to enqueue again the
# work a killed worker left behind (core.tasks, newsletter.delivery).
worker_started = Signal()
