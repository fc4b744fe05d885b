"""export_site, then import_wordpress of what it wrote into an emptied database: the same site.

What WordPress's format cannot carry, and so is not compared after the round trip:
- an article "in review" is "pending" in WordPress, which import_wordpress takes as a draft;
- a scheduled article is "future" there, which imports as published at the same (future) date;
- the SEO title (_yoast_wpseo_title is written, import_wordpress reads only the description);
- a page's template and its "privacy policy" flag (theme and site options, not in a WXR);
- a library image's credit, source and upload date (an attachment has a date, but the import
  dates the library copy by the import and records the old address as its source); a
  gallery's alignment (it comes back wide);
- a menu entry pointing at an author (WordPress menus have none): a custom link to the author's
  page; the order numbers of menu entries (WordPress numbers a menu's entries 1, 2, 3…; the order
  of entries under one parent is kept);
- authors without a user account keep their slug and name, but a bio and a website are not in a
  wp:author; comments' user accounts (WordPress user ids are not ours);
- ids: everything gets new ids here (bodies are compared with image ids read as the same image).
All of these are in site.json.
"""

import io
import json
import re
import stat
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from blog.models import Article, Author, Category, Tag
from comments.models import Comment
from comments.services import comment_set_status
from media.models import Image, ImageUse
from pages.models import Menu, MenuItem, Page
from tests.factories import (
    make_article,
    make_author,
    make_comment,
    make_library_image,
    make_upload,
    make_user,
)
from tests.wordpress.conftest import run_import
from wordpress.models import ImportedFile, OldPermalink, WordPressObject
from wordpress.wxr import WxrItem, read

pytestmark = pytest.mark.django_db

EMBED = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def figure(image: Image, alt: str) -> str:
    return (
        f'<figure data-align="wide"><img data-media-id="{image.pk}" src="{image.file.url}" '
        f'alt="{alt}"><figcaption>Il lago</figcaption></figure>'
    )


@pytest.fixture
def site():
    """A small magazine with everything the export carries."""
    user = make_user(username="giulia", email="giulia@example.com")
    user.first_name, user.last_name = "Giulia", "Rossi"
    user.save()
    giulia = make_author(user=user, display_name="Giulia Rossi", slug="giulia")
    other = make_author(display_name="Marco Bianchi", slug="marco")
    culture = Category.objects.create(name="Cultura", slug="cultura", description="Arte e libri")
    books = Category.objects.create(name="Libri", slug="libri", parent=culture)
    poetry = Tag.objects.create(name="Poesia", slug="poesia")
    novel = Tag.objects.create(name="Romanzo", slug="romanzo")
    lake = make_library_image(
        size=(900, 600), title="Lago", alt_text="Un lago", caption="Il lago di Como"
    )
    hills = make_library_image(size=(800, 500), title="Colline", alt_text="Colline")
    woods = make_library_image(size=(700, 400), title="Bosco", alt_text="Un bosco")
    body = (
        '<p>Primo paragrafo con <a href="/chi-siamo/">un link</a>.</p>'
        + figure(lake, "Un lago")
        + f'<figure data-gallery="{hills.pk},{woods.pk}" data-align="wide">'
        + "<figcaption>Il viaggio</figcaption></figure>"
        + f'<figure data-embed="youtube"><a href="{EMBED}">Il video</a></figure>'
        + "<p>Fine.</p>"
    )
    first = make_article(
        title="Un lago & due colline", slug="un-lago", author=giulia, category=books,
        tags=[poetry, novel], lead="Il lago visto da vicino.", body=body,
        seo_description="Un lago.", cover=make_upload("copertina.jpg"), cover_alt="La copertina",
        cover_caption="Foto di Giulia",
    )  # fmt: skip
    draft = make_article(
        title="Bozza", slug="bozza", author=other, status=Article.Status.DRAFT,
        category=culture, comments_enabled=False,
    )  # fmt: skip
    root = make_comment(first, body="Bello! <b>davvero</b> & più", author_name="Anna")
    reply = make_comment(first, parent=root, body="Grazie.")
    make_comment(first, parent=reply, body="Spam qui", status="spam")
    comment_set_status(comment=reply, status=Comment.Status.PENDING)
    removed = make_comment(first, body="Da togliere")
    make_comment(first, parent=removed, body="Risposta a un commento tolto")
    # Withdrawn by its author: only its place in the thread is left.
    Comment.objects.filter(pk=removed.pk).update(
        body="", body_html="", author_name="", author_email="", ip_address=None
    )
    make_comment(first, body="Fuori tema", status="rejected", author_email="x@example.com")
    about = Page.objects.create(
        title="Chi siamo", slug="chi-siamo", status=Page.Status.PUBLISHED, order=1,
        body=figure(woods, "Un bosco"), seo_description="La redazione",
    )  # fmt: skip
    team = Page.objects.create(title="La squadra", slug="squadra", parent=about, order=2)
    header = Menu.objects.create(location=Menu.Location.HEADER)
    footer = Menu.objects.create(location=Menu.Location.FOOTER)
    top = MenuItem.objects.create(menu=header, page=about, label="Noi", order=1)
    MenuItem.objects.create(menu=header, parent=top, page=team, label="", order=1)
    MenuItem.objects.create(menu=header, category=books, label="Libri", order=2)
    MenuItem.objects.create(menu=header, tag=poetry, label="Poesie", order=3)
    MenuItem.objects.create(menu=footer, url="https://example.org/", label="Amici", order=1)
    return {"first": first, "draft": draft, "about": about, "team": team, "images": 3}


def export(path) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_site", str(path), stdout=out, stderr=err)
    return out.getvalue()


def empty_the_site() -> None:
    """An empty database for the import (users stay: they are not content)."""
    MenuItem.objects.all().delete()
    Menu.objects.all().delete()
    Article.objects.all().delete()  # with their comments
    for page in Page.objects.order_by("-path"):
        page.delete()
    ImageUse.objects.all().delete()
    ImportedFile.objects.all().delete()
    Image.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    Author.objects.all().delete()
    WordPressObject.objects.all().delete()
    OldPermalink.objects.all().delete()


_MEDIA_ID = re.compile(r'data-media-id="(\d+)" src="[^"]*"')
_GALLERY = re.compile(r'data-gallery="([\d,]+)"')


def body_by_image(body: str) -> str:
    """A body with each library image named by its title instead of its id and address, and
    without the line breaks the import puts between blocks."""

    def title(pk: str) -> str:
        return Image.objects.get(pk=int(pk)).title or Image.objects.get(pk=int(pk)).alt_text

    body = re.sub(r">\s+<", "><", body.strip())
    body = _MEDIA_ID.sub(lambda m: f'data-media="{title(m.group(1))}"', body)
    return _GALLERY.sub(lambda m: "gallery=" + "+".join(map(title, m.group(1).split(","))), body)


def menu_tree(menu: Menu) -> list:
    """A menu's entries as nested lists of (label, target, children), in their order (the
    order numbers themselves are WordPress's positions after the trip)."""
    children = {}
    for item in menu.items.order_by("order", "pk").select_related("page", "category", "tag"):
        children.setdefault(item.parent_id, []).append(item)

    def entries(parent_pk):
        return [
            (
                item.label,
                (
                    item.page and item.page.path,
                    item.category and item.category.slug,
                    item.tag and item.tag.slug,
                    item.url,
                ),
                entries(item.pk),
            )
            for item in children.get(parent_pk, [])
        ]

    return entries(None)


def snapshot() -> dict:
    """Everything the round trip must keep, without ids."""
    articles = {}
    for a in Article.objects.select_related("author", "category"):
        comments = {
            c.body: (
                c.parent.body if c.parent_id else None, c.status, c.author_name,
                c.author_email, timezone.localtime(c.created).replace(microsecond=0),
            )
            for c in a.comments.select_related("parent")
        }  # fmt: skip
        articles[a.slug] = {
            "title": a.title, "author": a.author.slug, "display": a.author.display_name,
            "category": a.category.slug if a.category else None,
            "category_parent": a.category.parent.slug if a.category and a.category.parent else None,
            "tags": sorted(a.tags.values_list("slug", flat=True)), "lead": a.lead,
            "body": body_by_image(a.body), "status": a.status,
            "publish_at": a.publish_at.replace(microsecond=0),
            "comments_enabled": a.comments_enabled, "seo_description": a.seo_description,
            "cover": bool(a.cover), "cover_alt": a.cover_alt, "cover_caption": a.cover_caption,
            "cover_size": (a.cover_width, a.cover_height), "comments": comments,
        }  # fmt: skip
    pages = {
        p.path: (p.title, body_by_image(p.body), p.status, p.order, p.seo_description)
        for p in Page.objects.all()
    }
    menus = {menu.location: menu_tree(menu) for menu in Menu.objects.all()}
    media = sorted((i.title, i.alt_text, i.caption, i.width, i.height) for i in Image.objects.all())
    return {"articles": articles, "pages": pages, "menus": menus, "media": media}


def test_round_trip_through_wordpress_format(site, tmp_path):
    before = snapshot()
    out = tmp_path / "export"
    summary = export(out)
    assert "articles" in summary and (out / "wordpress.xml").is_file()

    empty_the_site()
    assert not Article.objects.exists() and not Image.objects.exists()
    run_import(out / "wordpress.xml", "--media-dir", str(out / "uploads"))

    after = snapshot()
    assert after["articles"].keys() == before["articles"].keys()
    for slug, fields in before["articles"].items():
        for name, value in fields.items():
            assert after["articles"][slug][name] == value, (slug, name)
    assert after["pages"] == before["pages"]
    assert after["menus"] == before["menus"]
    assert after["media"] == before["media"]


def test_the_files_layout_and_privacy(site, tmp_path):
    out = tmp_path / "export"
    export(out)
    uploads = sorted(
        p.relative_to(out / "uploads").as_posix() for p in (out / "uploads").rglob("*.*")
    )
    month = timezone.localtime(Image.objects.first().uploaded_at).strftime("%Y/%m")
    assert len(uploads) == 4  # three library images and one cover, originals only
    assert all(re.fullmatch(r"\d{4}/\d{2}/[^/]+", path) for path in uploads)
    assert any(path.startswith(month + "/") for path in uploads)
    for name in ("wordpress.xml", "site.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600
    document = json.loads((out / "site.json").read_text())
    assert [a["slug"] for a in document["articles"]] == ["un-lago", "bozza"]
    assert document["authors"][0]["email"] == "giulia@example.com"
    emails = {c["author_email"] for c in document["articles"][0]["comments"]}
    assert "x@example.com" in emails
    assert {m["location"] for m in document["menus"]} == {"header", "footer"}
    assert len(document["media"]) == 3 and document["media"][0]["file"] in uploads


def test_the_wxr_is_what_wordpress_writes(site, tmp_path):
    out = tmp_path / "export"
    export(out)
    with (out / "wordpress.xml").open("rb") as handle:
        records = list(read(handle, name="wordpress.xml"))
    channel, items = records[0], [r for r in records if isinstance(r, WxrItem)]
    assert channel.wxr_version == "1.2"
    by_type = {}
    for item in items:
        by_type.setdefault(item.post_type, []).append(item)
    assert len(by_type["attachment"]) == 4 and len(by_type["nav_menu_item"]) == 5
    post = next(i for i in by_type["post"] if i.slug == "un-lago")
    assert post.status == "publish" and post.excerpt == "Il lago visto da vicino."
    assert 'src="http://' in post.content and "data-media-id" not in post.content
    assert 'href="/chi-siamo/"' in post.content  # links to our pages as they were
    assert "<!-- wp:gallery" in post.content and "<!-- wp:embed" in post.content
    assert {c.approved for c in post.comments} == {"1", "0", "spam", "trash"}
    assert sum(1 for c in post.comments if c.email) == len(post.comments) - 1  # one withdrawn
    cover = next(a for a in by_type["attachment"] if a.parent_id == post.post_id)
    assert post.meta["_thumbnail_id"] == str(cover.post_id)
    draft = next(i for i in by_type["post"] if i.slug == "bozza")
    assert draft.status == "draft" and draft.comment_status == "closed"
    ids = [i.post_id for i in items]
    assert len(ids) == len(set(ids))  # one id sequence, as in WordPress


def test_refuses_a_served_or_used_folder(settings, tmp_path):
    with pytest.raises(CommandError, match="MEDIA_ROOT"):
        export(tmp_path / "media" / "export")
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("x")
    with pytest.raises(CommandError, match="not an empty folder"):
        export(used)


def test_progress_counter_summary_and_scheduled_status(site, tmp_path, monkeypatch):
    monkeypatch.setattr("wordpress.moving.PROGRESS_EVERY", 2)
    make_article(title="Futuro", slug="futuro", publish_at=timezone.now() + timedelta(days=3))
    out, err = io.StringIO(), io.StringIO()
    call_command("export_site", str(tmp_path / "x"), stdout=out, stderr=err)
    assert "items" in err.getvalue() and "read" in err.getvalue()  # the shared counter
    summary = out.getvalue()
    assert re.search(r"^articles\s+3\b", summary, re.MULTILINE)
    assert re.search(r"^comments\s+6\b", summary, re.MULTILINE)
    assert re.search(r"^menu items\s+5\b", summary, re.MULTILINE)
    text = (tmp_path / "x" / "wordpress.xml").read_text()
    assert "<wp:status>future</wp:status>" in text


@pytest.mark.usefixtures("one_rendition_width")
def test_round_trip_of_the_demo_site(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    before = snapshot()
    out = tmp_path / "export"
    export(out)
    empty_the_site()
    run_import(out / "wordpress.xml", "--media-dir", str(out / "uploads"))
    after = snapshot()
    assert before["articles"] and after["articles"].keys() == before["articles"].keys()
    for slug, fields in before["articles"].items():
        for name, value in fields.items():
            assert after["articles"][slug][name] == value, (slug, name)
    assert after["pages"] == before["pages"]
    assert after["menus"] == before["menus"]
    assert after["media"] == before["media"]
