"""WordPress menus become the header and footer menus, nested and ordered as in WordPress."""

import re

import pytest
from django.core.management.base import CommandError

from pages import navigation
from tests.wordpress.conftest import run_import
from wordpress.menus import Menu, MenuItem
from wordpress.models import WordPressObject

pytestmark = pytest.mark.django_db

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.2/">
<channel><title>Prova</title><link>https://vecchio.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://vecchio.example</wp:base_site_url>
<wp:base_blog_url>https://vecchio.example</wp:base_blog_url>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>cultura</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>Cultura</wp:cat_name></wp:category>
<wp:tag><wp:term_id>7</wp:term_id><wp:tag_slug>romanzi</wp:tag_slug><wp:tag_name>Romanzi</wp:tag_name></wp:tag>
<wp:term><wp:term_id>30</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy>
<wp:term_slug>menu-principale</wp:term_slug><wp:term_name>Menu principale</wp:term_name></wp:term>
"""

PAGES_AND_POST = """<item><title>Chi siamo</title><link>https://vecchio.example/chi-siamo/</link>
<content:encoded><![CDATA[Noi.]]></content:encoded><wp:post_id>10</wp:post_id>
<wp:post_name>chi-siamo</wp:post_name><wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent>
<wp:post_type>page</wp:post_type></item>
<item><title>La redazione</title><content:encoded><![CDATA[Loro.]]></content:encoded>
<wp:post_id>11</wp:post_id><wp:post_name>redazione</wp:post_name><wp:status>publish</wp:status>
<wp:post_parent>10</wp:post_parent><wp:post_type>page</wp:post_type></item>
<item><title>Un romanzo</title><dc:creator>giulia</dc:creator>
<content:encoded><![CDATA[Testo.]]></content:encoded><wp:post_id>20</wp:post_id>
<wp:post_date_gmt>2024-03-05 10:00:00</wp:post_date_gmt><wp:post_name>un-romanzo</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="cultura">Cultura</category></item>
"""


def entry(wp_id, menu, order, kind, obj="", object_id="", *, title="", parent=0, url=""):
    meta = {
        "_menu_item_type": kind,
        "_menu_item_menu_item_parent": parent,
        "_menu_item_object_id": object_id,
        "_menu_item_object": obj,
        "_menu_item_url": url,
    }
    postmeta = "".join(
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        for key, value in meta.items()
    )
    name = {"menu-principale": "Menu principale", "link-utili": "Link utili"}.get(menu, menu)
    return f"""<item><title><![CDATA[{title}]]></title><wp:post_id>{wp_id}</wp:post_id>
<wp:menu_order>{order}</wp:menu_order><wp:status>publish</wp:status>
<wp:post_type>nav_menu_item</wp:post_type>
<category domain="nav_menu" nicename="{menu}"><![CDATA[{name}]]></category>{postmeta}</item>
"""


# In file order unlike their menu order, as exports may have them.
ENTRIES = [
    entry(102, "menu-principale", 3, "post_type", "page", 11, parent=101),
    entry(100, "menu-principale", 1, "custom", title="Home", url="https://vecchio.example/"),
    entry(101, "menu-principale", 2, "post_type", "page", 10),
    entry(103, "menu-principale", 4, "custom", title="Rubriche", url="#"),
    entry(104, "menu-principale", 5, "taxonomy", "category", 3, parent=103),
    entry(105, "menu-principale", 6, "taxonomy", "post_tag", 7, title="Libri", parent=104),
    entry(106, "menu-principale", 7, "post_type", "post", 20, parent=105),
    entry(107, "menu-principale", 8, "post_type", "page", 999, title="Sparita"),
    entry(200, "link-utili", 1, "custom", title="Abbonati", url="https://example.org/abbonati"),
    entry(201, "link-utili", 2, "post_type", "page", 10, title="Chi siamo", parent=200),
    entry(300, "social", 1, "custom", title="Mastodon", url="https://mastodon.example/@rivista"),
]


def export(tmp_path, entries=ENTRIES):
    path = tmp_path / "export.xml"
    path.write_text(HEAD + PAGES_AND_POST + "".join(entries) + "</channel></rss>", "utf-8")
    return path


def links(location: str) -> list:
    """The menu as the site shows it: (text, address, [children])."""
    navigation.rebuild()
    return [
        (link["text"], link["href"], [(c["text"], c["href"]) for c in link["children"]])
        for link in navigation.menu_links(location)
    ]


def test_menus_land_in_their_places_nested_and_ordered_as_in_wordpress(tmp_path, settings):
    settings.SITE_URL = "https://nuovo.example"

    summary = run_import(export(tmp_path), "--menu-location", "footer=link-utili")

    article = WordPressObject.objects.get(kind="post", wp_id="20").article
    assert links("header") == [
        ("Home", "https://vecchio.example/", []),
        ("Chi siamo", "/chi-siamo/", [("La redazione", "/chi-siamo/redazione/")]),
        (
            "Cultura",
            "/categoria/cultura/",
            [
                ("Libri", "/tag/romanzi/"),
                ("Un romanzo", f"https://nuovo.example{article.get_absolute_url()}"),
            ],
        ),
    ]
    # The footer is flat: the child follows its parent.
    assert links("footer") == [
        ("Abbonati", "https://example.org/abbonati", []),
        ("Chi siamo", "/chi-siamo/", []),
    ]
    assert re.search(r"^menus\s+2\s+0\s+0\s+1$", summary, re.MULTILINE), summary
    assert re.search(r"^menu items\s+8\s+0\s+0\s+3$", summary, re.MULTILINE), summary
    assert "menus: no place for it here (give one: --menu-location" in summary
    assert "social" in summary
    assert "a custom link that is not a web address (such as “#”): 1" in summary
    assert "its page is not imported: 1 (e.g. #107 “Sparita”)" in summary
    assert "deeper than the header's one submenu level" in summary


def test_a_second_run_creates_nothing_and_a_link_deleted_here_stays_deleted(tmp_path):
    path = export(tmp_path)
    run_import(path, "--menu-location", "footer=link-utili")
    before = sorted(MenuItem.objects.values_list("pk", "label", "order", "parent_id", "url"))

    summary = run_import(path, "--menu-location", "footer=link-utili")

    assert sorted(MenuItem.objects.values_list("pk", "label", "order", "parent_id", "url")) == (
        before
    )
    assert re.search(r"^menu items\s+0\s+0\s+8\s+3$", summary, re.MULTILINE), summary
    assert Menu.objects.count() == 2

    MenuItem.objects.filter(menu__location="footer").delete()
    summary = run_import(path, "--menu-location", "footer=link-utili")
    assert not MenuItem.objects.filter(menu__location="footer").exists()
    assert "deleted here after an earlier import: 2" in summary


def test_a_changed_entry_is_updated_in_place(tmp_path):
    run_import(export(tmp_path))
    home = MenuItem.objects.get(label="Home")

    changed = [e.replace("<![CDATA[Home]]>", "<![CDATA[Prima pagina]]>") for e in ENTRIES]
    summary = run_import(export(tmp_path, changed))

    home.refresh_from_db()
    assert home.label == "Prima pagina"
    assert re.search(r"^menu items\s+0\s+1\s+5\s+", summary, re.MULTILINE), summary


def test_without_a_fitting_name_the_only_menu_goes_to_the_header(tmp_path):
    only = [e.replace("menu-principale", "menu-1").replace("Menu principale", "Menu 1")
            for e in ENTRIES[:3]]  # fmt: skip

    summary = run_import(export(tmp_path, only))

    assert [text for text, _, _ in links("header")] == ["Home", "Chi siamo"]
    assert "the export's only menu: placed in the header" in summary


def test_a_menu_location_must_name_a_place_here(tmp_path):
    with pytest.raises(CommandError, match="write PLACE=MENU, PLACE being header or footer"):
        run_import(export(tmp_path), "--menu-location", "sidebar=social")
