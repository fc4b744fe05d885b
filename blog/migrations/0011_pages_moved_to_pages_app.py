"""Page, Menu, MenuItem and SiteNavigation now belong to the pages app (pages.0001): state only,
their tables stay, under the same names, with every row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0010_article_recent_index"),
        ("pages", "0001_initial"),
        # The imported pages' links point at pages.Page before blog.Page leaves the state.
        ("wordpress", "0004_page_moved_to_pages_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="MenuItem"),
                migrations.DeleteModel(name="Menu"),
                migrations.DeleteModel(name="SiteNavigation"),
                migrations.DeleteModel(name="Page"),
            ],
        ),
    ]
