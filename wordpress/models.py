"""What an import remembers: which WordPress object became which of ours, and old addresses.

Both live here rather than on the blog and comment models: they exist only because a site came
from WordPress, and a site that never imports one carries no trace of them. And the moves run
from the admin: ImportJob, ExportJob (wordpress.jobs).
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from blog.models import Article, Author, Category, Tag
from comments.models import Comment
from core.models import TimeStampedModel
from media.models import Image
from pages.models import Page

# The object each kind of WordPress record becomes here: a field of WordPressObject each.
TARGET_FIELDS = ("author", "category", "tag", "article", "comment", "page")


def _only(kept: str | None, fields=TARGET_FIELDS) -> models.Q:
    """All target fields empty but `kept` (which may be empty too)."""
    return models.Q(**{f"{name}__isnull": True for name in fields if name != kept})


class WordPressObject(TimeStampedModel):
    """One WordPress record already imported, so a second run updates instead of duplicating.

    The target is emptied (not the row deleted) when the object is deleted here: a later import
    then knows it was removed on purpose and does not bring it back.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", _("author")
        CATEGORY = "category", _("category")
        TAG = "tag", _("tag")
        POST = "post", _("post")
        COMMENT = "comment", _("comment")
        PAGE = "page", _("page")
        MENU_ITEM = "menu_item", _("menu link")

    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_(
            "Where it came from: a WordPress site's address (without http:// or https://), or "
            "disqus:<forum>."
        ),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    wp_id = models.CharField(
        _("WordPress identifier"),
        max_length=200,
        help_text=_("A login for authors, a slug for categories and tags, a number otherwise."),
    )
    digest = models.CharField(
        _("digest of the exported fields"),
        max_length=64,
        blank=True,
        help_text=_("Tells an item changed in WordPress from one exported again unchanged."),
    )
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.SET_NULL, null=True, blank=True
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.SET_NULL, null=True, blank=True
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.SET_NULL, null=True, blank=True
    )
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.SET_NULL, null=True, blank=True
    )
    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # Menu links are found by their id rather than a foreign key, so that these migrations do
    # not depend on the app that holds the menus (wordpress.menus is the one module that knows).
    local_id = models.PositiveBigIntegerField(
        _("identifier here"),
        null=True,
        blank=True,
        help_text=_("For a menu link: the link made here (empty once deleted here)."),
    )

    class Meta:
        ordering = ["source", "kind", "pk"]
        verbose_name = _("imported WordPress object")
        verbose_name_plural = _("imported WordPress objects")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wp_id"], name="wordpress_object_once_per_site"
            ),
            # Only the field of its kind may point somewhere (empty once deleted here).
            models.CheckConstraint(
                condition=reduce(
                    or_,
                    (
                        models.Q(kind=kind) & _only(field) & models.Q(local_id__isnull=True)
                        for kind, field in zip(
                            ["author", "category", "tag", "post", "comment", "page"],
                            TARGET_FIELDS,
                            strict=True,
                        )
                    ),
                )
                | (models.Q(kind="menu_item") & _only(None)),
                name="wordpress_object_target_of_its_kind",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.wp_id}"

    @property
    def target(self):
        if self.kind == self.Kind.MENU_ITEM:
            return self.local_id
        return getattr(self, TARGET_FIELDS[list(self.Kind.values).index(self.kind)])


REDIRECT_FIELDS = ("article", "category", "tag", "author", "page")


class OldPermalink(TimeStampedModel):
    """An address of the WordPress site that now lives elsewhere here (a permanent redirect).

    Followed only where the site itself has nothing at that address (a 404) and for WordPress's
    query-string links on the home page (/?p=123); an article that is not public redirects
    nowhere.
    """

    path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("A path of the old site, such as /2019/05/20/slug/ or /?p=123."),
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, null=True, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.CASCADE, null=True, blank=True
    )
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.CASCADE, null=True, blank=True
    )
    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, null=True, blank=True
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("old WordPress address")
        verbose_name_plural = _("old WordPress addresses")
        constraints = [
            models.CheckConstraint(
                condition=reduce(
                    or_,
                    (
                        models.Q(**{f"{field}__isnull": False}) & _only(field, REDIRECT_FIELDS)
                        for field in REDIRECT_FIELDS
                    ),
                ),
                name="old_permalink_one_target",
            ),
        ]

    def __str__(self):
        return self.path

    @property
    def target(self):
        for field in REDIRECT_FIELDS:
            if getattr(self, f"{field}_id") is not None:
                return getattr(self, field)
        return None


class ImportedFile(TimeStampedModel):
    """A file of the old site's uploads folder, imported once into the media library.

    Keyed on its path below wp-content/uploads/ without WordPress's size suffix
    ("2019/05/foto.jpg" for foto-300x200.jpg too): a second import finds it instead of adding
    it again, and the old address of the file or of any of its sizes redirects to it.
    """

    source = models.CharField(_("WordPress site"), max_length=200)
    path = models.CharField(_("path below uploads"), max_length=500, db_index=True)
    image = models.ForeignKey(
        Image, verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["source", "path"]
        verbose_name = _("imported WordPress file")
        verbose_name_plural = _("imported WordPress files")
        constraints = [
            models.UniqueConstraint(fields=["source", "path"], name="wordpress_file_once_per_site")
        ]

    def __str__(self):
        return self.path


class MovingJob(TimeStampedModel):
    """A move run from the admin by the worker: who asked, where it stands, what it did.

    Its files (what was uploaded, what was exported) live in `folder`, below the private
    MOVING_ROOT (wordpress.job_files), never in the media storage.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        CHECKED = "checked", _("checked: waiting for confirmation")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("files deleted")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    folder = models.CharField(_("private folder"), max_length=64, blank=True, editable=False)
    # What the report counted ({"read": {...}, "tallies": {type: {created: n, ...}},
    # "uploads": {...}}) and its text, as the commands print it.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    report = models.TextField(pgettext_lazy("moving job", "report"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-created"]

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class ImportJob(MovingJob):
    class Kind(models.TextChoices):
        WORDPRESS = "wordpress", _("WordPress export (WXR)")
        DISQUS = "disqus", _("Disqus export (XML)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    media_name = models.CharField(_("zip of uploads"), max_length=255, blank=True)
    map_name = models.CharField(_("map of threads"), max_length=255, blank=True)
    keep_remote_images = models.BooleanField(_("keep images of other sites"), default=False)
    menu_locations = models.JSONField(
        _("menus placed"),
        default=dict,
        blank=True,
        help_text=_("Which WordPress menu (its slug) to show in which place here."),
    )
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_("False while the dry run checks the file; true once the import was asked."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dry_run_summary = models.JSONField(_("dry run summary"), default=dict, blank=True)
    dry_run_report = models.TextField(_("dry run report"), blank=True)

    class Meta(MovingJob.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        permissions = [("run_import", _("Can import WordPress and Disqus exports"))]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.file_name}"

    def get_absolute_url(self):
        return reverse("admin:wordpress_importjob_change", args=[self.pk])


class ExportJob(MovingJob):
    file_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta(MovingJob.Meta):
        verbose_name = _("site export")
        verbose_name_plural = _("site exports")
        permissions = [("run_export", _("Can export the whole site and download it"))]

    def __str__(self):
        when = date_format(localtime(self.created), "DATETIME_FORMAT") if self.created else ""
        return _("Site export of %(date)s") % {"date": when}

    def get_absolute_url(self):
        return reverse("admin:wordpress_exportjob_change", args=[self.pk])
