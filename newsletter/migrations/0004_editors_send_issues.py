"""Editors compose and send newsletter issues, and see their deliveries."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    *(f"{action}_{model}" for action in ("add", "change", "delete", "view") for model in
      ("issue", "issuearticle")),
    "view_delivery",
    "send_issue",
]  # fmt: skip


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("newsletter")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="newsletter", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="newsletter", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0003_issues"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
