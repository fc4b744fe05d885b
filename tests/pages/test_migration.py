"""Moving Page, Menu, MenuItem and SiteNavigation from blog to pages loses nothing.

Rows made while the models were blog's (the database as it was before the move) are found
through the pages app after migrating: same tables, same ids, and the content types renamed, so
a group's permission, an admin log entry and a revision still point at the right kind.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pages.models import Menu, MenuItem, Page, SiteNavigation

BEFORE = [("pages", None)]  # unapplies pages.0001 and what needs it (blog.0011, wordpress.0004)
OLD_NODES = [
    ("blog", "0010_article_recent_index"),
    ("wordpress", "0003_pages"),
    ("admin", "0003_logentry_add_action_flag_choices"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def old_apps():
    return MigrationExecutor(connection).loader.project_state(OLD_NODES).apps


def make_old_rows(apps) -> dict:
    """What a site had before the move, made with the models as blog defined them."""
    Page = apps.get_model("blog", "Page")
    Menu = apps.get_model("blog", "Menu")
    MenuItem = apps.get_model("blog", "MenuItem")
    Category = apps.get_model("blog", "Category")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    about = Page.objects.create(title="Chi siamo", slug="chi-siamo", path="chi-siamo")
    team = Page.objects.create(
        title="Redazione", slug="redazione", parent=about, path="chi-siamo/redazione"
    )
    header = Menu.objects.create(location="header")
    category = Category.objects.create(name="Cultura", slug="cultura")
    link = MenuItem.objects.create(menu=header, page=about, order=1)
    MenuItem.objects.create(menu=header, category=category, parent=link, order=2)
    navigation = apps.get_model("blog", "SiteNavigation")
    navigation.objects.update_or_create(pk=1, defaults={"data": {"header": ["kept"]}})
    page_type, _ = ContentType.objects.get_or_create(app_label="blog", model="page")
    permission, _ = Permission.objects.get_or_create(
        content_type=page_type, codename="change_page", defaults={"name": "Can change page"}
    )
    group = Group.objects.create(name="Page editors")
    group.permissions.add(permission)
    return {"about": about.pk, "team": team.pk, "type": page_type.pk, "group": group.name}


@pytest.mark.django_db(transaction=True)
def test_pages_and_menus_made_in_blog_are_found_in_pages_after_the_move():
    migrate(BEFORE)
    try:
        old = make_old_rows(old_apps())
        editor = User.objects.create_user("editor", password="x", is_staff=True)
        editor.groups.add(*User.groups.field.related_model.objects.filter(name=old["group"]))
        LogEntry.objects.create(
            user=editor, content_type_id=old["type"], object_id=str(old["about"]), action_flag=2
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    team = Page.objects.get(pk=old["team"])
    assert team.parent_id == old["about"] and team.path == "chi-siamo/redazione"
    links = MenuItem.objects.filter(menu__location=Menu.Location.HEADER).order_by("order")
    assert [(link.page_id, link.category.slug if link.category else None) for link in links] == [
        (old["about"], None),
        (None, "cultura"),
    ]
    assert SiteNavigation.objects.get(pk=1).data == {"header": ["kept"]}
    page_type = ContentType.objects.get_for_model(Page)
    assert (page_type.pk, page_type.app_label) == (old["type"], "pages")
    assert not ContentType.objects.filter(app_label="blog", model__in=["page", "menu"]).exists()
    editor = User.objects.get(username="editor")
    assert editor.has_perm("pages.change_page")
    assert LogEntry.objects.get(user=editor).get_edited_object() == Page.objects.get(
        pk=old["about"]
    )


@pytest.mark.django_db(transaction=True)
def test_moving_back_gives_blog_its_content_types_again():
    migrate(BEFORE)
    try:
        assert ContentType.objects.filter(app_label="blog", model="page").exists()
        assert not ContentType.objects.filter(app_label="pages", model="page").exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert ContentType.objects.filter(app_label="pages", model="page").exists()
