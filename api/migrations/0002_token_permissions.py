"""Editors and Authors may make, see and revoke their own API tokens (api.admin shows anyone
but a superuser only theirs). The groups are made here if blog has not made them yet."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ("add_apitoken", "change_apitoken", "view_apitoken")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    allowed = Permission.objects.filter(content_type__app_label="api", codename__in=PERMISSIONS)
    for name in ("Editors", "Authors"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*allowed)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    api = Permission.objects.filter(content_type__app_label="api")
    for group in Group.objects.filter(name__in=["Editors", "Authors"]):
        group.permissions.remove(*api)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
