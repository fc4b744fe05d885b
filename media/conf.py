"""The media app's defaults, in one place; settings.py overrides, it does not restate.

MEDIA_EMBED_PROVIDERS in settings adds providers to (or replaces by name) the defaults here.
This module reads no Django settings at import time: config/settings.py imports it to build the
Content-Security-Policy's frame-src from the same list the pages use.
"""

from django.conf import settings

# Each provider: its name for readers, the addresses it recognises (a regular expression with
# named groups), the player address built from those groups, the origin the player is served
# from (the only origin CSP frame-src lets in) and the player's shape (a CSS class: video is
# 16:9, audio a tall player, audio-short a one-track bar). Players on privacy-enhanced hosts where
# one exists: youtube-nocookie.com, Vimeo's do-not-track.
DEFAULT_EMBED_PROVIDERS = {
    "youtube": {
        "name": "YouTube",
        "patterns": [
            r"^https?://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#]*&)?v=(?P<id>[\w-]{11})",
            r"^https?://(?:www\.|m\.)?youtube\.com/(?:shorts|embed|live)/(?P<id>[\w-]{11})",
            r"^https?://youtu\.be/(?P<id>[\w-]{11})",
        ],
        "player": "https://www.youtube-nocookie.com/embed/{id}?autoplay=1",
        "origin": "https://www.youtube-nocookie.com",
        "shape": "video",
    },
    "vimeo": {
        "name": "Vimeo",
        "patterns": [
            r"^https?://(?:www\.)?vimeo\.com/(?:channels/[\w-]+/)?(?P<id>\d+)",
            r"^https?://player\.vimeo\.com/video/(?P<id>\d+)",
        ],
        "player": "https://player.vimeo.com/video/{id}?dnt=1&autoplay=1",
        "origin": "https://player.vimeo.com",
        "shape": "video",
    },
    "dailymotion": {
        "name": "Dailymotion",
        "patterns": [
            r"^https?://(?:www\.)?dailymotion\.com/(?:embed/)?video/(?P<id>[a-zA-Z0-9]+)",
            r"^https?://dai\.ly/(?P<id>[a-zA-Z0-9]+)",
        ],
        "player": "https://www.dailymotion.com/embed/video/{id}?autoplay=1",
        "origin": "https://www.dailymotion.com",
        "shape": "video",
    },
    "spotify": {
        "name": "Spotify",
        "patterns": [
            r"^https?://open\.spotify\.com/(?:intl-[\w-]+/)?"
            r"(?P<kind>track|album|playlist|episode|show|artist)/(?P<id>[a-zA-Z0-9]+)",
        ],
        "player": "https://open.spotify.com/embed/{kind}/{id}",
        "origin": "https://open.spotify.com",
        "shape": "audio",
    },
    "soundcloud": {
        "name": "SoundCloud",
        "patterns": [
            r"^https?://(?:www\.|m\.)?soundcloud\.com/(?P<path>[\w-]+/[\w-]+(?:/[\w-]+)?)/?$"
        ],
        "player": "https://w.soundcloud.com/player/?url=https%3A//soundcloud.com/{path}&auto_play=true",
        "origin": "https://w.soundcloud.com",
        "shape": "audio-short",
    },
}

DEFAULTS = {
    # What an upload may be, and the widths of the renditions served with srcset.
    "IMAGE_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    "IMAGE_MAX_PIXELS": 40_000_000,
    "IMAGE_RENDITION_WIDTHS": (480, 960, 1440),
    # Uploads are refused while the media folder's disk has less than this left (plus room).
    "IMAGE_MIN_FREE_BYTES": 50 * 1024 * 1024,
    "MEDIA_EMBED_PROVIDERS": {},
    # The sizes attribute of a body image, by its alignment (the article column is 46rem).
    "MEDIA_IMAGE_SIZES": {
        "normal": "(min-width: 48rem) 46rem, 100vw",
        "wide": "(min-width: 64rem) 62rem, 100vw",
        "left": "(min-width: 48rem) 22rem, 100vw",
        "right": "(min-width: 48rem) 22rem, 100vw",
        "gallery": "(min-width: 48rem) 15rem, 50vw",
    },
    "MEDIA_CHOOSER_PAGE_SIZE": 30,
    # The most frames an animated GIF may have (25 s at 20 frames a second). Every frame is
    # decoded and re-encoded while the upload's request waits, so they are counted first, from
    # the file's structure: 30,000 tiny frames once held a worker for 8 s; refused now in 0.02 s.
    "IMAGE_MAX_FRAMES": 500,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def embed_providers(extra: dict | None = None) -> dict:
    """The default providers with the site's own added (a provider set to None is removed)."""
    providers = dict(DEFAULT_EMBED_PROVIDERS)
    for key, provider in (extra or {}).items():
        if provider is None:
            providers.pop(key, None)
        else:
            providers[key] = provider
    return providers


def frame_origins(extra: dict | None = None) -> list[str]:
    """The player origins of every allowed provider: the CSP frame-src list."""
    return sorted({provider["origin"] for provider in embed_providers(extra).values()})
