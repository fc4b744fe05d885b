"""Editors read and handle the contact inbox; nobody adds messages by hand."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("view_contactmessage", "change_contactmessage", "delete_contactmessage")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="contact", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    editors = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="contact", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0001_initial"),
        ("blog", "0002_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
