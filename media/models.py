"""The media library: images uploaded once and used anywhere by their id.

An article body refers to an image by its id (<img data-media-id="12">), so replacing or
re-cropping the file changes it everywhere. Where each image is used is recorded in ImageUse,
whose PROTECT keeps a used image from being deleted.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from media import conf, pipeline


class Image(models.Model):
    file = models.ImageField(
        _("file"),
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[pipeline.validate_image_upload],
        help_text=pipeline.UPLOAD_HELP_TEXT,
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("For finding it in the library.")
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        help_text=_(
            "Describes the image for readers who cannot see it. Required to insert it in an "
            "article."
        ),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("Photographer or agency.")
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the image comes from (an address, an archive, an import)."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    renditions = models.JSONField(
        _("renditions"), default=list, blank=True, editable=False, help_text=_("WebP widths.")
    )
    checksum = models.CharField(
        _("checksum of the original file"), max_length=64, blank=True, editable=False
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        indexes = [
            models.Index(fields=["uploaded_at"], name="media_image_uploaded_idx"),
            models.Index(fields=["checksum"], name="media_image_checksum_idx"),
        ]
        permissions = [("manage_library", _("Can change and delete anyone's images"))]

    def __str__(self):
        return self.title or PurePosixPath(self.file.name).name or f"#{self.pk}"

    def save(self, *args, **kwargs):
        new_file = bool(self.file) and not getattr(self.file, "_committed", True)
        replaced = (
            Image.objects.filter(pk=self.pk).values_list("file", flat=True).first()
            if new_file and self.pk
            else None
        )
        pipeline.prepare_upload(self.file)
        super().save(*args, **kwargs)
        if replaced and replaced != self.file.name:
            # A replaced file: the old one and its renditions go once the change is committed.
            old = [replaced] + [pipeline.rendition_name(replaced, w) for w in self.renditions]
            storage = self.file.storage
            transaction.on_commit(lambda: [storage.delete(name) for name in old])
            self.renditions = []
        if new_file or not self.renditions:
            widths = [] if pipeline.is_animated(self.file) else pipeline.make_renditions(self.file)
            if widths != self.renditions:
                self.renditions = widths
                Image.objects.filter(pk=self.pk).update(renditions=widths)

    def rendition_url(self, width: int) -> str:
        return self.file.storage.url(pipeline.rendition_name(self.file.name, width))

    def stored_names(self) -> list[str]:
        """Every file this image has in storage: the original and its renditions."""
        return [self.file.name] + [
            pipeline.rendition_name(self.file.name, w) for w in conf.get("IMAGE_RENDITION_WIDTHS")
        ]

    def thumbnail_url(self) -> str:
        return self.rendition_url(self.renditions[0]) if self.renditions else self.file.url


class ImageUse(models.Model):
    """One image used by one object (an article, a page): what deleting the image would break."""

    image = models.ForeignKey(
        Image, verbose_name=_("image"), on_delete=models.PROTECT, related_name="uses"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("used in"), max_length=300)

    class Meta:
        ordering = ["label", "pk"]
        verbose_name = _("image use")
        verbose_name_plural = _("image uses")
        constraints = [
            models.UniqueConstraint(
                fields=["image", "content_type", "object_id"], name="media_image_use_once"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="media_use_object_idx")]

    def __str__(self):
        return self.label

    def admin_url(self) -> str:
        from django.urls import NoReverseMatch, reverse

        opts = self.content_type
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model}_change", args=[self.object_id])
        except NoReverseMatch:
            return ""
