"""The Editors and Authors groups, with their permissions.

Editors run the magazine: every blog permission, publishing included. Authors write: they add
and change articles (the admin limits them to their own drafts) and see the taxonomy they need.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ("article", "author", "category", "tag", "promo")
AUTHOR_PERMISSIONS = (
    "add_article",
    "change_article",
    "view_article",
    "view_author",
    "view_category",
    "view_tag",
)


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    blog_permissions = Permission.objects.filter(content_type__app_label="blog")

    editors, _ = Group.objects.get_or_create(name="Editors")
    editor_codenames = [
        f"{action}_{model}"
        for model in EDITOR_MODELS
        for action in ("add", "change", "delete", "view")
    ] + ["publish_article"]
    editors.permissions.add(*blog_permissions.filter(codename__in=editor_codenames))

    authors, _ = Group.objects.get_or_create(name="Authors")
    authors.permissions.add(*blog_permissions.filter(codename__in=AUTHOR_PERMISSIONS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Authors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
