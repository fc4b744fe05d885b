"""The Moderators group, and comment moderation for Editors.

Moderators see and moderate comments and nothing else. Editors, who run the magazine, moderate
too and also edit the discussion settings. Authors get nothing here.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = ("view_comment", "change_comment", "delete_comment")
EDITOR_PERMISSIONS = MODERATOR_PERMISSIONS + (
    "view_discussionsettings",
    "change_discussionsettings",
)


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    comment_permissions = Permission.objects.filter(content_type__app_label="comments")

    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(*comment_permissions.filter(codename__in=MODERATOR_PERMISSIONS))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*comment_permissions.filter(codename__in=EDITOR_PERMISSIONS))


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="Moderators").delete()
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(
            *editors.permissions.filter(
                content_type__app_label="comments", codename__in=EDITOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_discussion_settings"),
        ("blog", "0002_editorial_groups"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
