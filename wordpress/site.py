"""What every part of one import run shares: the site being imported, its mappings, redirects.

Everything imported is remembered in WordPressObject under the site's address (without scheme
or "www.", so an http:// and an https:// export of one site are the same site, and two sites with
the same WordPress ids never overwrite each other).
"""

import hashlib
import json
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.utils.text import slugify

from blog.models import Article, Category, Tag
from pages.models import Page
from wordpress import paths
from wordpress.models import REDIRECT_FIELDS, OldPermalink, WordPressObject
from wordpress.moving import ImportReport, SourceIds
from wordpress.wxr import SUPPORTED_VERSIONS, Channel

DELETED_HERE = "deleted here after an earlier import"


def digest(*values) -> str:
    """A fingerprint of exported fields: a changed item in WordPress has a different one."""
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()


def unique_slug(model, base: str, max_length: int) -> str:
    base = base[:max_length].strip("-") or model._meta.model_name
    candidate, n = base, 2
    while model.objects.filter(slug=candidate).exists():
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate


def our_slug(wordpress_slug: str, *fallbacks: str) -> str:
    """WordPress keeps non-ASCII slugs percent-encoded; ours are ASCII (the URL patterns')."""
    for value in (unquote(wordpress_slug), *fallbacks):
        slug = slugify(value)
        if slug:
            return slug
    return ""


@dataclass
class Site:
    report: ImportReport
    source: str = ""
    base_path: str = "/"

    def read_channel(self, channel: Channel) -> None:
        address = channel.base_blog_url or channel.base_site_url or channel.link
        parts = urlsplit(address)
        host = parts.netloc.lower().removeprefix("www.")
        self.source = (host + parts.path.rstrip("/"))[:200]
        self.base_path = paths.normalized(unquote(parts.path))
        self.report.source = address
        self.report.version = f"WXR {channel.wxr_version}" if channel.wxr_version else ""
        self.ids.source = self.source
        if channel.wxr_version and channel.wxr_version not in SUPPORTED_VERSIONS:
            self.report.warn(f"WXR version {channel.wxr_version} is newer than 1.2: read as 1.2")

    def __post_init__(self):
        self.ids = SourceIds()

    def mapping(self, kind: str, wp_id) -> WordPressObject | None:
        return self.ids.mapping(kind, wp_id)

    def remember(self, kind: str, wp_id, fingerprint: str, **target) -> None:
        self.ids.remember(kind, wp_id, fingerprint, **target)

    def redirect(self, path: str, *, current_url: str | None = None, **target) -> None:
        """Remember an old address of one object: redirect("/?p=7", article_id=12).
        `current_url`, the object's address here when the caller knows it, saves a query."""
        [(field, pk)] = target.items()
        if not paths.storable(path) or pk is None:
            return
        fields = dict.fromkeys(f"{name}_id" for name in REDIRECT_FIELDS) | {field: pk}
        existing = OldPermalink.objects.filter(path=path).first()
        if existing is None:
            if current_url is None:
                current_url = _current_url(field, pk)
            if path != current_url:
                OldPermalink.objects.create(path=path, **fields)
                self.report.count("redirects", "created")
        elif any(getattr(existing, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            self.report.count("redirects", "updated")
        else:
            self.report.count("redirects", "unchanged")


def _current_url(field: str, pk: int) -> str:
    """The object's address here (an old address equal to it needs no redirect)."""
    model = {"article_id": Article, "category_id": Category, "tag_id": Tag, "page_id": Page}.get(
        field
    )
    obj = model.objects.filter(pk=pk).first() if model else None
    return obj.get_absolute_url() if obj is not None else ""
