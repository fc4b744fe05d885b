"""The article editor's media buttons: their configuration, merged into the editor's extensions.

The JavaScript (media/static/media/editor/media-library.js, loaded through
DJANGO_PROSE_EDITOR_EXTENSIONS) writes only what core.sanitizer keeps: a figure around an
<img data-media-id>, a <figure data-gallery>, a <figure data-embed> holding a link.
"""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from media import conf

LABELS = {
    "image": _("Image from the library"),
    "gallery": _("Gallery"),
    "embed": _("Video or audio (embed)"),
    "search": _("Search the library"),
    "upload": _("Upload new images"),
    "uploading": _("Uploading…"),
    "more": _("More images"),
    "none": _("No image found."),
    "alt": _("Alternative text (required)"),
    "altHelp": _("Describe the image for readers who cannot see it."),
    "caption": _("Caption"),
    "credit": _("Credit"),
    "align": _("Alignment"),
    "alignNormal": _("Normal"),
    "alignWide": _("Wide"),
    "alignLeft": _("Left"),
    "alignRight": _("Right"),
    "insert": _("Insert"),
    "update": _("Update"),
    "cancel": _("Cancel"),
    "close": _("Close"),
    "back": _("Back"),
    "selected": _("selected"),
    "insertGallery": _("Insert the gallery"),
    "pickTwo": _("Choose at least two images."),
    "url": _("Address of the video or audio (YouTube, Vimeo, Spotify, SoundCloud, Dailymotion)"),
    "title": _("Title shown before the reader plays it"),
    "notAllowed": _("This address is not from an allowed provider."),
    "galleryOf": _("Gallery of %(count)s images"),
    "embedOf": _("Embed: %(title)s"),
    "failed": _("The request failed; try again."),
}


def _providers() -> list[dict]:
    # Python's named groups, written the JavaScript way (the editor only checks the address).
    return [
        {
            "key": key,
            "name": provider["name"],
            "patterns": [p.replace("(?P<", "(?<") for p in provider["patterns"]],
        }
        for key, provider in conf.embed_providers(conf.get("MEDIA_EMBED_PROVIDERS")).items()
    ]


def extensions() -> dict:
    """The prose-editor extensions and their options, to merge into an editor's config."""
    common = {
        "chooserUrl": reverse_lazy("admin:media_chooser"),
        "uploadUrl": reverse_lazy("admin:media_upload"),
        "labels": LABELS,
    }
    return {
        "MediaImage": common,
        "MediaGallery": common,
        "MediaEmbed": {"labels": LABELS, "providers": _providers()},
    }
