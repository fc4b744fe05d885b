from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.sanitizer import article_image_sources
from media import pipeline


def is_our_image_address(src: str) -> bool:
    """Whether an image address is served by this site: relative (the library's files are, by
    default), on SITE_URL's host, or under an absolute MEDIA_URL (a CDN, object storage) -
    what the Content-Security-Policy's img-src lets readers' browsers load."""
    parts = urlsplit(src)
    if not parts.scheme and not parts.netloc:
        return True
    if urlsplit(settings.MEDIA_URL).netloc and src.startswith(settings.MEDIA_URL):
        return True
    site = urlsplit(settings.SITE_URL)
    return parts.scheme in ("http", "https", "") and parts.netloc.lower() == site.netloc.lower()


def remote_image_sources(html: str) -> list[str]:
    """The addresses of a body's images that another site serves, each once, in order."""
    return list(
        dict.fromkeys(s for s in article_image_sources(html) if not is_our_image_address(s))
    )


def validate_no_remote_images(html: str) -> None:
    """A body (article, page, newsletter introduction) shows only images this site serves.

    The policy blocks the others, so readers would see a broken image, and a newsletter's would
    tell the other site who opened it. The form comes back with the text as typed. (The
    WordPress import has its own rule: such images become links unless --keep-remote-images.)
    """
    remote = remote_image_sources(html)
    if remote:
        raise forms.ValidationError(
            ngettext(
                "This image is on another site: %(addresses)s. Readers would not see it. "
                "Upload the file to the media library and insert it from there.",
                "These images are on other sites: %(addresses)s. Readers would not see them. "
                "Upload the files to the media library and insert them from there.",
                len(remote),
            ),
            code="remote_image",
            params={"addresses": ", ".join(remote)},
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleImageField, self).clean(file, initial) for file in files]


class UploadForm(forms.Form):
    """Several images at once; what they share (credit, source) typed once."""

    files = MultipleImageField(
        label=_("Images"),
        help_text=pipeline.UPLOAD_HELP_TEXT,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    credit = forms.CharField(label=_("Credit"), max_length=200, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
