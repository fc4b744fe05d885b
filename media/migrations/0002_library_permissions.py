"""The media library for the Editors and Authors groups (as blog's 0002 does for articles).

Editors manage the whole library; Authors see it, upload, and change what they uploaded
(media.admin limits them to their own images). The groups are made here if blog has not made
them yet: this app does not depend on blog.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = ("add_image", "change_image", "delete_image", "view_image", "manage_library")
AUTHOR_PERMISSIONS = ("add_image", "change_image", "view_image")


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    media = Permission.objects.filter(content_type__app_label="media")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*media.filter(codename__in=EDITOR_PERMISSIONS))
    authors, _ = Group.objects.get_or_create(name="Authors")
    authors.permissions.add(*media.filter(codename__in=AUTHOR_PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    media = Permission.objects.filter(content_type__app_label="media")
    for group in Group.objects.filter(name__in=["Editors", "Authors"]):
        group.permissions.remove(*media)


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, revoke)]
