"""The one SiteNavigation row, so that no page ever has to build it on a reader's request.

Made empty (no menus, no privacy page exist yet); every later change to a page, menu or linked
item rebuilds it (blog.navigation).
"""

from django.db import migrations


def create_row(apps, schema_editor):
    SiteNavigation = apps.get_model("blog", "SiteNavigation")
    SiteNavigation.objects.get_or_create(
        pk=1, defaults={"data": {"header": [], "footer": [], "privacy": None}}
    )


class Migration(migrations.Migration):
    dependencies = [("blog", "0007_page_layout")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
