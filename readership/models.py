"""Daily rows the worker folds the beacon's counts into. Nothing here is about a person."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    """What one page (an article, a page, a listing) or the whole site (kind "site") got in
    one day: views, distinct visitors, and how far readers scrolled (the deepest quarter each
    reached)."""

    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("object id"), default=0)
    views = models.PositiveIntegerField(_("views"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    read_quarter = models.PositiveIntegerField(_("read a quarter"), default=0)
    read_half = models.PositiveIntegerField(_("read half"), default=0)
    read_three_quarters = models.PositiveIntegerField(_("read three quarters"), default=0)
    read_all = models.PositiveIntegerField(_("read to the end"), default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        ordering = ["-day", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "object_id"], name="readership_one_count_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["kind", "object_id", "day"], name="readership_object_days"),
            # The dashboard's periods: a kind's rows of a range of days, read from the index
            # alone on PostgreSQL (the most read articles of 30 days add up 30 x articles rows).
            models.Index(
                fields=["kind", "day"],
                include=["object_id", "views", "visitors"],
                name="readership_kind_days",
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.kind} {self.object_id}: {self.views}"


class DailyReferrer(models.Model):
    """Views a day that came from another site, by its domain (never the full address)."""

    day = models.DateField(_("day"))
    domain = models.CharField(_("domain"), max_length=253)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("daily referrer")
        verbose_name_plural = _("daily referrers")
        ordering = ["-day", "-views"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "domain"], name="readership_one_referrer_per_day"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.domain}: {self.views}"


class DailySearchTerm(models.Model):
    """How often a term was searched on the site in a day."""

    day = models.DateField(_("day"))
    term = models.CharField(_("term"), max_length=100)
    searches = models.PositiveIntegerField(_("searches"), default=0)

    class Meta:
        verbose_name = _("daily search term")
        verbose_name_plural = _("daily search terms")
        ordering = ["-day", "-searches"]
        constraints = [
            models.UniqueConstraint(fields=["day", "term"], name="readership_one_term_per_day")
        ]

    def __str__(self):
        return f"{self.day} {self.term}: {self.searches}"


class FoldMark(models.Model):
    """The number of the last event folded, written in the same transaction as the counts: a
    fold killed before its commit leaves both as they were, and the next one does it again."""

    name = models.CharField(_("name"), max_length=20, primary_key=True)
    last_event = models.PositiveBigIntegerField(_("last event folded"), default=0)

    class Meta:
        verbose_name = _("fold mark")
        verbose_name_plural = _("fold marks")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}: {self.last_event}"
