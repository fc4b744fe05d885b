"""Comment hours per section: when a category's discussions close for the night or the weekend.

The site-wide hours are in the discussion settings (DiscussionSettings.closed_from and the rest);
a section's row replaces them for its articles. comments.hours reads both.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


def closed_from_field():
    return models.TimeField(
        _("discussions close at"),
        null=True,
        blank=True,
        help_text=_("For example 23:00, in the site's time zone. Empty: they never close by hour."),
    )


def closed_until_field():
    return models.TimeField(
        _("and reopen at"), null=True, blank=True, help_text=_("For example 07:00.")
    )


def closed_days_field():
    return models.CharField(
        _("closed all day on"),
        max_length=13,
        blank=True,
        help_text=_("Days (in the site's time zone) when discussions stay closed."),
    )


def days_of(text: str) -> frozenset[int]:
    """The ISO weekdays (1 Monday … 7 Sunday) stored as "6,7"."""
    return frozenset(int(day) for day in text.split(",") if day.strip().isdigit())


def validate_hours(row) -> None:
    """Both times or neither, and never every day of the week."""
    if (row.closed_from is None) != (row.closed_until is None):
        raise ValidationError(
            {"closed_until": _("Give both the closing and the reopening time, or neither.")}
        )
    if len(days_of(row.closed_days)) >= len(WEEKDAYS):
        raise ValidationError(
            {"closed_days": _("Discussions must be open on at least one day of the week.")}
        )


class SectionHours(models.Model):
    """A section's own comment hours, in place of the site's."""

    category = models.OneToOneField(
        "blog.Category",
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    closed_from = closed_from_field()
    closed_until = closed_until_field()
    closed_days = closed_days_field()

    class Meta:
        ordering = ["category_id"]
        verbose_name = _("comment hours of a section")
        verbose_name_plural = _("comment hours of sections")

    def __str__(self):
        return str(self.category)

    def clean(self):
        validate_hours(self)
