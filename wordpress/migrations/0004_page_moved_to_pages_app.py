"""The imported pages' links follow Page to the pages app: state only, the column and its
foreign key to the unchanged blog_page table stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("wordpress", "0003_pages"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='oldpermalink',
                    name='page',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='pages.page', verbose_name='page'),
                ),
                migrations.AlterField(
                    model_name='wordpressobject',
                    name='page',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='pages.page', verbose_name='page'),
                ),
            ],
        ),
    ]
