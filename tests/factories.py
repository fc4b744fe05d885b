"""Small builders for test objects: explicit, with just enough defaults."""

import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.utils import timezone

from blog.models import Article, Author, Category, Tag

_seq = itertools.count(1)


def make_user(*, username=None, groups=(), is_staff=True, password="pw", **extra) -> User:  # noqa: S107
    username = username or f"user{next(_seq)}"
    user = User.objects.create_user(
        username=username, password=password, is_staff=is_staff, **extra
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_author(*, user=None, display_name=None, **extra) -> Author:
    n = next(_seq)
    display_name = display_name or f"Autore {n}"
    return Author.objects.create(
        user=user, display_name=display_name, slug=extra.pop("slug", f"autore-{n}"), **extra
    )


def make_category(**extra) -> Category:
    n = next(_seq)
    return Category.objects.create(
        name=extra.pop("name", f"Categoria {n}"), slug=extra.pop("slug", f"categoria-{n}"), **extra
    )


def make_tag(**extra) -> Tag:
    n = next(_seq)
    return Tag.objects.create(
        name=extra.pop("name", f"Tag {n}"), slug=extra.pop("slug", f"tag-{n}"), **extra
    )


def make_article(*, status=Article.Status.PUBLISHED, publish_at=None, author=None, **extra):
    n = next(_seq)
    if publish_at is None:
        publish_at = timezone.now() - datetime.timedelta(days=1)
    tags = extra.pop("tags", ())
    article = Article.objects.create(
        title=extra.pop("title", f"Articolo {n}"),
        slug=extra.pop("slug", f"articolo-{n}"),
        author=author or make_author(),
        status=status,
        publish_at=publish_at,
        body=extra.pop("body", "<p>Testo dell'articolo.</p>"),
        **extra,
    )
    if tags:
        article.tags.set(tags)
    return article


def make_draft(**extra) -> Article:
    return make_article(status=Article.Status.DRAFT, **extra)


def make_scheduled(**extra) -> Article:
    return make_article(publish_at=timezone.now() + datetime.timedelta(days=3), **extra)


# Helpers for uploads, admin forms and HTML assertions (imports kept local: append-only module).


def make_image_bytes(
    fmt="JPEG", size=(640, 480), *, mode="RGB", exif=None, noise=False, color=(200, 40, 40)
) -> bytes:
    """A real image encoded by Pillow in memory; `noise` makes it incompressible."""
    import io
    import os

    from PIL import Image

    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).convert(mode)
    else:
        image = Image.new(mode, size, color if mode == "RGB" else None)
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_bomb(width, height) -> bytes:
    """A tiny PNG that declares (and really decompresses to) width x height 1-bit pixels."""
    import struct
    import zlib

    def chunk(kind, data):
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def make_upload(name="cover.jpg", content=None, content_type="image/jpeg", **image_options):
    """An uploaded file for a form or a model field (an image unless `content` is given)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if content is None:
        content = make_image_bytes(**image_options)
    return SimpleUploadedFile(name, content, content_type=content_type)


def article_admin_form_data(*, author=None, **fields) -> dict:
    """POST data for the article add/change form in the admin, with valid defaults."""
    n = next(_seq)
    publish_at = fields.pop("publish_at", timezone.now() - datetime.timedelta(hours=1))
    local = timezone.localtime(publish_at)
    data = {
        "title": f"Articolo dal pannello {n}",
        "slug": f"articolo-dal-pannello-{n}",
        "lead": "",
        "body": "<p>Testo.</p>",
        "status": Article.Status.DRAFT,
        "publish_at_0": local.strftime("%Y-%m-%d"),
        "publish_at_1": local.strftime("%H:%M:%S"),
        "category": "",
        "cover_alt": "",
        "cover_caption": "",
        "comments_enabled": "on",
        "seo_title": "",
        "seo_description": "",
    }
    if author is not None:
        data["author"] = str(author.pk)
    data.update(fields)
    return data


def find_elements(html: str, tag: str, **attrs) -> list:
    """Elements named `tag` whose attributes include `attrs` (class_ for class), in order."""
    from django.test.html import Element, parse_html

    wanted = {key.rstrip("_"): value for key, value in attrs.items()}
    found = []

    def walk(node):
        if not isinstance(node, Element):
            return
        node_attrs = dict(node.attributes)
        if node.name == tag and all(
            value in (node_attrs.get(key) or "").split()
            if key == "class"
            else node_attrs.get(key) == value
            for key, value in wanted.items()
        ):
            found.append(node)
        for child in node.children:
            walk(child)

    walk(parse_html(html))
    return found


def make_comment(article, *, parent=None, status="approved", body=None, **extra):
    """A comment posted through the real service, then moderated to `status`."""
    from comments.models import Comment
    from comments.services import comment_post, comment_set_status

    n = next(_seq)
    comment = comment_post(
        article=article,
        parent_id=parent.pk if parent is not None else None,
        body=body or f"Commento numero {n}.",
        author_name=extra.pop("author_name", f"Lettore {n}"),
        author_email=extra.pop("author_email", f"lettore{n}@example.com"),
        **extra,
    )
    if status != Comment.Status.PENDING:
        comment_set_status(comment=comment, status=status)
    return comment


def post_form_data(article, *, age_seconds=60, **overrides) -> dict:
    """Valid POST data for the comment form of `article`, as a reader's browser sends it.

    The signed timestamp is made `age_seconds` old, so the "too fast" check passes without
    touching the setting; override any field (or `timestamp`) to test a refusal.
    """
    import time

    import time_machine

    from comments.forms import signed_timestamp

    n = next(_seq)
    with time_machine.travel(time.time() - age_seconds, tick=False):
        timestamp = signed_timestamp(article.pk)
    data = {
        "author_name": f"Lettrice {n}",
        "author_email": f"lettrice{n}@example.com",
        "author_url": "",
        "body": f"Un commento di prova, numero {n}.",
        "parent": "",
        "timestamp": timestamp,
        "website_confirm": "",
    }
    data.update(overrides)
    return data


def make_library_image(*, size=(1600, 1000), fmt="JPEG", name=None, user=None, **fields):
    """A media-library image through the one pipeline (renditions made)."""
    from media.services import image_create

    name = name or f"foto-{next(_seq)}.{'jpg' if fmt == 'JPEG' else fmt.lower()}"
    fields.setdefault("alt_text", "Una foto di prova")
    return image_create(file=make_upload(name, fmt=fmt, size=size), uploaded_by=user, **fields)


# A browser as a real server sees it: CSRF checked, errors answered (not raised). The cookie
# holds a CSRF secret and forms send the same secret back, as Django accepts.
CSRF_SECRET = "m4ilfl00dTestSecret0123456789abc"


def csrf_browser(ip: str = "198.51.100.10", **headers):
    """A `Client` that checks CSRF like production; post with `csrf_post_data(data)`."""
    from django.conf import settings
    from django.test import Client

    browser = Client(
        enforce_csrf_checks=True, raise_request_exception=False, REMOTE_ADDR=ip, **headers
    )
    browser.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return browser


def csrf_post_data(data: dict) -> dict:
    return {**data, "csrfmiddlewaretoken": CSRF_SECRET}
