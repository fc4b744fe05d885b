"""The abstract base every model with timestamps uses, and the local avatar initials."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def initials_of(name: str) -> str:
    """Up to two initials for an avatar drawn locally ("Maria Rossi" -> "MR"), "?" if none."""
    words = [w for w in name.split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
