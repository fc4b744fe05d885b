"""Editors run pages, menus and corrections; Authors get none of them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("page", "menu", "menuitem", "correction")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="blog", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        codenames = [
            f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
        ]
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="blog", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_pages_and_menus")]

    operations = [migrations.RunPython(grant, revoke)]
